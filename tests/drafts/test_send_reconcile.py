"""A person settles a message in doubt (`send --reconcile ID sent|failed`), and what cannot be
settled is refused."""

from __future__ import annotations

import pytest
from builders import DAY, NOW
from send_team import (
    actions,
    approved_team,
    email_of,
    email_team,
    run_send,
    smtp_settings,
    statuses,
)
from smtp_sink import DROP, SmtpSink
from sqlalchemy import select

from drafts.sending.sender import reconcile
from store import FollowupsError, models

DRAFT = models.FollowUpDraft.__table__


@pytest.fixture
def sink():
    """A loopback SMTP server that accepts everything unless told otherwise."""
    with SmtpSink() as server:
        yield server


def _two_in_doubt(engine, tmp_path, sink, settings) -> tuple[int, int]:
    first, second = approved_team(engine, tmp_path, email_team("c-1", "c-2"), settings)
    sink.on_data(email_of("c-1"), DROP)
    sink.on_data(email_of("c-2"), DROP)
    assert run_send(engine, settings).counts() == {"unknown": 2}
    return first, second


def test_a_person_settles_a_message_in_doubt_as_sent_or_failed(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    first, second = _two_in_doubt(engine, tmp_path, sink, settings)
    later = NOW + DAY

    went = reconcile(engine, first, "sent", actor="rita", now=later, note="found at the relay")
    never = reconcile(engine, second, "failed", actor="rita", now=later, note=None)

    assert (went["outcome"], went["detail"]) == ("sent", "found at the relay")
    assert (never["outcome"], never["detail"]) == ("failed", "settled by a person")
    assert statuses(engine) == {first: "sent", second: "failed"}
    with engine.connect() as conn:
        tp = models.Touchpoint.__table__
        assert conn.execute(
            select(tp.c.draft_id, tp.c.occurred_at).where(tp.c.draft_id.isnot(None))
        ).all() == [
            (first, NOW)  # when it went, not when a person found out
        ]
    assert ("reconcile", first) in actions(engine) and ("reconcile", second) in actions(engine)


@pytest.mark.parametrize(
    ("which", "outcome", "message"),
    [
        (0, "resent", "--reconcile takes 'sent' or 'failed'"),
        (None, "sent", "there is no draft 999"),
        (1, "sent", "is sent, not unknown"),
    ],
)
def test_reconcile_refuses_what_it_cannot_settle(engine, tmp_path, sink, which, outcome, message):
    settings = smtp_settings(sink.port)
    ids = _two_in_doubt(engine, tmp_path, sink, settings)
    reconcile(engine, ids[1], "sent", actor="rita", now=NOW, note=None)
    draft_id = 999 if which is None else ids[which]
    with pytest.raises(FollowupsError, match=message):
        reconcile(engine, draft_id, outcome, actor="rita", now=NOW, note=None)
    assert statuses(engine)[ids[0]] == "unknown"
