"""What the send-guard tests share: an SMTP sink, a claimer, another live sender, a sender run
in the background, and whether one waits on an advisory lock."""

from __future__ import annotations

import os
import threading
from datetime import UTC, timedelta

import pytest
from builders import NOW
from sqlalchemy import text

from drafts.sending.claims import Claimer
from drafts.sending.sender import HOST
from store import models
from store.clock import utc_now

DRAFT = models.FollowUpDraft.__table__
THREAD = models.Thread.__table__


def claimer(settings, *, owner: str) -> Claimer:
    """A sender's claimer, as `followups send` builds it, for another (live) sender."""
    return Claimer(
        settings,
        NOW,
        owner=owner,
        lease=timedelta(minutes=10),
        wall_clock=utc_now,
        day_zone=UTC,
        actor="sender",
    )


def other_live_sender() -> str:
    # A sender in another process on this host that is still alive: our parent.
    return f"send:{HOST}:{os.getppid()}:elsewhere"


def needs_postgres(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks and advisory locks are PostgreSQL's; SQLite runs one writer")


def in_background(fn):
    box: dict = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as exc:  # the test thread re-raises it
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


def waiting_on_advisory_lock(engine) -> bool:
    with engine.connect() as conn:
        query = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        return conn.execute(query).scalar_one() > 0
