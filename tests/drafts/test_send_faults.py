"""Send-time faults cost one draft, never the batch, and never a false `unknown`.

A real aiosmtpd relay on loopback. Addresses the email library refuses can sit in a store
written before addresses were checked at import: the draft fails with its reason before
the relay is touched, and the rest of the batch goes. A relay's reply reaches the store
without escape sequences, bounded; an international domain goes out as xn--.
"""

from __future__ import annotations

import pytest
from send_team import (
    approved_team,
    drafts_by_id,
    email_of,
    email_team,
    run_send,
    smtp_settings,
    statuses,
)
from smtp_sink import SmtpSink
from sqlalchemy import update

from store import models

CANDIDATE = models.Candidate.__table__


@pytest.fixture
def sink():
    with SmtpSink() as server:
        yield server


def _set_email(engine, candidate_id: str, address: str) -> None:
    # As a store written by the first release may hold it: the importer checks addresses now.
    with engine.begin() as conn:
        conn.execute(
            update(CANDIDATE).where(CANDIDATE.c.candidate_id == candidate_id).values(email=address)
        )


@pytest.mark.parametrize(
    "bad",
    [
        "a..b@example.test",
        "a,b@example.test",
        "a;b@example.test",
        "é@example.test",
        "a b@example.test",
        "<a>@example.test",
    ],
)
def test_a_bad_address_mid_batch_is_cancelled_alone_and_the_rest_go(engine, tmp_path, sink, bad):
    """An address no mail library can write, stored after approval, is `no_address` at send.

    The rules run again before the relay is touched: the draft is cancelled with the code
    (never `unknown`, never a crash), and the batch goes on.
    """
    settings = smtp_settings(sink.port)
    approved_team(engine, tmp_path, email_team("c-1", "c-2", "c-3"), settings)
    by_candidate = {d["candidate_id"]: i for i, d in drafts_by_id(engine).items()}
    _set_email(engine, "c-2", bad)

    report = run_send(engine, settings)

    assert report.counts() == {"sent": 2, "cancelled": 1}
    assert statuses(engine) == {
        by_candidate["c-1"]: "sent",
        by_candidate["c-2"]: "cancelled",
        by_candidate["c-3"]: "sent",
    }
    cancelled = drafts_by_id(engine)[by_candidate["c-2"]]
    assert "no_address" in cancelled["cancel_codes"]
    received = sorted(r for m in sink.messages() for r in m.rcpt_tos)
    assert received == [email_of("c-1"), email_of("c-3")]


def test_a_hostile_relay_reply_is_stored_clean_and_bounded(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    approved_team(engine, tmp_path, email_team("c-1", "c-2"), settings)
    by_candidate = {d["candidate_id"]: i for i, d in drafts_by_id(engine).items()}
    hostile = "550 5.7.1 \x1b]52;c;aGk=\x07\x1b[2J\x9b31m denied \u202e" + "x" * 2000
    sink.on_rcpt(email_of("c-1"), hostile)

    report = run_send(engine, settings)

    assert report.counts() == {"sent": 1, "failed": 1}
    error = drafts_by_id(engine)[by_candidate["c-1"]]["send_error"]
    assert "5.7.1" in error and "denied" in error
    for bad in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert bad not in error
    assert len(error) <= 300
    (item,) = [i for i in report.items if i["outcome"] == "failed"]
    assert item["detail"] == error


def test_an_international_domain_goes_out_in_its_xn_form(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    team = email_team("c-1")
    team.files["candidates.csv"][0]["email"] = "ada@bücher.test"
    approved_team(engine, tmp_path, team, settings)

    report = run_send(engine, settings)

    assert report.counts() == {"sent": 1}
    (message,) = sink.messages()
    assert message.rcpt_tos == ("ada@xn--bcher-kva.test",)
    assert "ada@xn--bcher-kva.test" in str(message.message["To"])
