"""`send` against a real SMTP server on loopback: what each relay answer makes of a draft."""

from __future__ import annotations

from email.policy import default as default_policy

import pytest
from builders import MINUTE, NOW
from send_team import (
    actions,
    approved_team,
    drafts_by_id,
    email_of,
    email_team,
    run_send,
    smtp_settings,
    statuses,
)
from smtp_sink import DROP, SmtpSink
from sqlalchemy import select

from drafts.sending.transports import Outgoing, build_message
from drafts.sending.writes import touchpoint_id
from store import models


@pytest.fixture
def sink():
    """A loopback SMTP server that accepts everything unless told otherwise."""
    with SmtpSink() as server:
        yield server


def _touchpoints(engine):
    t = models.Touchpoint.__table__
    with engine.connect() as conn:
        return {
            r["touchpoint_id"]: dict(r)
            for r in conn.execute(select(t).where(t.c.draft_id.is_not(None))).mappings()
        }


def test_normal_delivery_sends_once_and_records_a_touchpoint(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    ids = approved_team(engine, tmp_path, email_team("c-1", "c-2"), settings)

    report = run_send(engine, settings)

    assert report.counts() == {"sent": 2}
    drafts = drafts_by_id(engine)
    received = {m.message_id: m for m in sink.messages()}
    assert sorted(received) == sorted(drafts[i]["message_id"] for i in ids)
    for draft_id in ids:
        draft = drafts[draft_id]
        assert draft["status"] == "sent" and draft["sent_at"] == NOW and draft["attempts"] == 1
        message = received[draft["message_id"]].message
        assert message["To"].endswith(f"<{email_of(draft['candidate_id'])}>")
        body = message_from(received[draft["message_id"]].content)
        assert body.strip() == draft["body"].strip()
    touchpoints = _touchpoints(engine)
    assert set(touchpoints) == {touchpoint_id(i) for i in ids}
    for tp in touchpoints.values():
        assert (tp["direction"], tp["delivery"], tp["channel"]) == (
            "outbound",
            "delivered",
            "email",
        )
    assert [a for a in actions(engine) if a[0] == "send"] == [("send", i) for i in sorted(ids)]

    # Running again sends nothing: the drafts are sent, and the rules now see the follow-up.
    assert run_send(engine, settings).counts() == {}
    assert len(sink.messages()) == 2


def message_from(content: bytes) -> str:
    """The text body of a raw message."""
    from email import message_from_bytes

    text = message_from_bytes(content, policy=default_policy).get_content()
    return text.replace("\r\n", "\n")


def test_451_retries_later_with_the_same_message_id_then_succeeds(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    [draft_id] = approved_team(engine, tmp_path, email_team("c-1"), settings)
    sink.on_rcpt(email_of("c-1"), "451 4.7.1 Try again later")

    first = run_send(engine, settings)

    draft = drafts_by_id(engine)[draft_id]
    assert [i["outcome"] for i in first.items] == ["retry"]
    assert draft["status"] == "approved" and draft["not_before"] == NOW + 5 * MINUTE
    assert "451" in draft["hold_reason"] and draft["attempts"] == 1
    message_id = draft["message_id"]
    assert sink.messages() == []
    # Not yet due: a run a minute later leaves it alone.
    assert run_send(engine, settings, NOW + MINUTE).counts() == {}

    second = run_send(engine, settings, NOW + 6 * MINUTE)

    assert second.counts() == {"sent": 1}
    draft = drafts_by_id(engine)[draft_id]
    assert draft["status"] == "sent" and draft["attempts"] == 2 and draft["hold_reason"] is None
    assert sink.message_ids() == [message_id]


def test_550_at_rcpt_fails_and_5_1_1_blocks_the_address(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    ids = approved_team(engine, tmp_path, email_team("c-1", "c-2", "c-3"), settings)
    by_candidate = {d["candidate_id"]: i for i, d in drafts_by_id(engine).items()}
    sink.on_rcpt(email_of("c-1"), "550 5.1.1 No such user here")
    sink.on_rcpt(email_of("c-2"), "550 5.7.1 Relaying denied")

    report = run_send(engine, settings)

    assert report.counts() == {"failed": 2, "sent": 1}
    assert statuses(engine) == {
        by_candidate["c-1"]: "failed",
        by_candidate["c-2"]: "failed",
        by_candidate["c-3"]: "sent",
    }
    assert "5.1.1" in drafts_by_id(engine)[by_candidate["c-1"]]["send_error"]
    # A dead address blocks email to it (undelivered), not the person (do_not_contact).
    b = models.BouncedAddress.__table__
    with engine.connect() as conn:
        bounced = conn.execute(select(b.c.address, b.c.source)).all()
        suppressed = conn.execute(select(models.Suppression.__table__)).all()
    assert bounced == [(email_of("c-1"), "smtp")] and suppressed == []
    assert [m.rcpt_tos for m in sink.messages()] == [(email_of("c-3"),)]
    assert ("fail", by_candidate["c-1"]) in actions(engine)
    assert len(ids) == 3


def test_partial_refusal_one_draft_of_a_batch_fails_the_others_go(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    approved_team(engine, tmp_path, email_team(*(f"c-{n}" for n in range(1, 7))), settings)
    sink.on_rcpt(email_of("c-3"), "550 5.1.1 Unknown mailbox")

    report = run_send(engine, settings, batch=4)

    assert report.counts() == {"sent": 5, "failed": 1}
    received = sorted(r for m in sink.messages() for r in m.rcpt_tos)
    assert received == sorted(email_of(f"c-{n}") for n in (1, 2, 4, 5, 6))


def test_drop_after_data_is_unknown_and_never_resent(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    ids = approved_team(engine, tmp_path, email_team("c-1", "c-2"), settings)
    by_candidate = {d["candidate_id"]: i for i, d in drafts_by_id(engine).items()}
    sink.on_data(email_of("c-1"), DROP)

    report = run_send(engine, settings)

    assert report.counts() == {"unknown": 1, "sent": 1}
    dropped = drafts_by_id(engine)[by_candidate["c-1"]]
    assert dropped["status"] == "unknown" and dropped["sent_at"] == NOW
    assert dropped["message_id"] in dropped["send_error"]
    assert [i["id"] for i in report.in_doubt] == [by_candidate["c-1"]]
    assert ("unknown", by_candidate["c-1"]) in actions(engine)

    # The next run lists it again for a person and sends nothing.
    again = run_send(engine, settings, NOW + 10 * MINUTE)
    assert again.counts() == {} and [i["id"] for i in again.in_doubt] == [by_candidate["c-1"]]
    assert sorted(sink.message_ids()) == sorted(drafts_by_id(engine)[i]["message_id"] for i in ids)


def test_a_name_full_of_quotes_stays_a_display_name():
    message = build_message(
        Outgoing(
            draft_id=1,
            channel="email",
            message_id="<followups.1.x@acme-robotics.com>",
            sender="Acme Talent <talent@acme-robotics.com>",
            to_name='Evil" <evil@elsewhere.test>, "Ada',
            to_email="ada@example.test",
            linkedin_url=None,
            subject="Hello",
            body="Hi",
            date=NOW,
        )
    )

    [address] = message["To"].addresses
    assert address.addr_spec == "ada@example.test"


def test_line_breaks_in_name_and_subject_stay_on_one_header_line():
    message = build_message(
        Outgoing(
            draft_id=1,
            channel="email",
            message_id="<followups.1.x@acme-robotics.com>",
            sender="Acme Talent <talent@acme-robotics.com>",
            to_name="Ada\nBcc: everyone@elsewhere.test",
            to_email="ada@example.test",
            linkedin_url=None,
            subject="Re: Robotics\r\nX-Injected: yes",
            body="Hi",
            date=NOW,
        )
    )
    assert message["Subject"] == "Re: Robotics X-Injected: yes"
    assert message["X-Injected"] is None and message["Bcc"] is None
    [address] = message["To"].addresses
    assert address.addr_spec == "ada@example.test"
    assert address.display_name == "Ada Bcc: everyone@elsewhere.test"
