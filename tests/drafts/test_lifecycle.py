"""The draft lifecycle: the table allows what the code does and nothing else, and no code
outside drafts/lifecycle.py writes a draft's status."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from drafts import lifecycle
from drafts.lifecycle import DraftStatus, TransitionRefused
from store import models

ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2025, 11, 7, 10, 0)


def test_terminal_statuses_go_nowhere():
    for status in (DraftStatus.SENT, DraftStatus.FAILED, DraftStatus.CANCELLED):
        assert not [pair for pair in lifecycle.ALLOWED if pair[0] == status]


def test_every_status_is_reachable_from_pending():
    reached, frontier = {DraftStatus.PENDING}, [DraftStatus.PENDING]
    while frontier:
        source = frontier.pop()
        for start, target in lifecycle.ALLOWED:
            if start == source and target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(DraftStatus)


@pytest.mark.parametrize(
    "source,target",
    [
        ("sent", "pending"),
        ("pending", "sending"),
        ("pending", "sent"),
        ("rejected", "approved"),
        ("cancelled", "approved"),
        ("failed", "sending"),
        ("unknown", "approved"),
    ],
)
def test_a_transition_the_table_does_not_allow_raises(source, target):
    with pytest.raises(TransitionRefused, match=f"from {source} to {target}"):
        lifecycle.check(source, target)


def _draft(engine, status: str) -> dict:
    with engine.begin() as conn:
        conn.execute(
            insert(models.Candidate.__table__).values(
                candidate_id="c", full_name="C", first_name="C", ats_status="prospect"
            )
        )
        conn.execute(
            insert(models.Thread.__table__).values(
                thread_id="t",
                candidate_id="c",
                channel="email",
                initial_touchpoint_id="tp",
                initial_at=AT,
                reasons=[],
            )
        )
        conn.execute(
            insert(models.FollowUpDraft.__table__).values(
                thread_id="t",
                candidate_id="c",
                channel="email",
                status=status,
                body="Hi",
                original_body="Hi",
                created_at=AT,
                cancel_codes=[],
            )
        )
        d = models.FollowUpDraft.__table__
        return dict(conn.execute(select(d)).mappings().one())


def test_a_refused_transition_writes_nothing(engine):
    draft = _draft(engine, "sent")
    with pytest.raises(TransitionRefused), engine.begin() as conn:
        lifecycle.reopen(conn, draft)
    with pytest.raises(TransitionRefused), engine.begin() as conn:
        lifecycle.move(conn, draft, DraftStatus.APPROVED)
    d = models.FollowUpDraft.__table__
    with engine.connect() as conn:
        assert conn.execute(select(d.c.status, d.c.version)).one() == ("sent", 1)


def test_a_transition_is_conditional_on_the_version_read(engine):
    draft = _draft(engine, "pending")
    with engine.begin() as conn:
        assert lifecycle.approve(conn, draft, reviewer="ann", at=AT) == 2
    with engine.begin() as conn:  # the same view again: someone else's change came first
        assert lifecycle.reject(conn, draft, reviewer="bob", at=AT, reason="other") is None
    d = models.FollowUpDraft.__table__
    with engine.connect() as conn:
        row = conn.execute(select(d.c.status, d.c.decided_by, d.c.version)).one()
    assert tuple(row) == ("approved", "ann", 2)


# `status="sent"`, `"status": "approved"`, `.values(status=...)` with a draft status word.
_WORDS = "|".join(s.value for s in DraftStatus)
_STATUS_WRITE = re.compile(r"""(?:\bstatus\s*=|["']status["']\s*:)\s*["'](?:""" + _WORDS + ")[\"']")


def test_no_code_outside_the_lifecycle_writes_a_draft_status():
    writers = []
    for package in ("store", "drafts", "demo", "tui"):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative == "drafts/lifecycle.py" or "/migrations/" in relative:
                continue
            for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
                if _STATUS_WRITE.search(line):
                    writers.append(f"{relative}:{number}: {line.strip()}")
    assert writers == []
