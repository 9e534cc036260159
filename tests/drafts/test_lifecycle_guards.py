"""Every condition of every transition's UPDATE, each shown deciding on its own.

Two drafts in the same status and version sit side by side, so a transition that forgot
its `id` condition would move both; a stale view, a wrong status or another sender's
claim each meet a transition that must write nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert, select, update

from drafts import lifecycle
from drafts.lifecycle import TransitionRefused
from store import models

AT = datetime(2025, 11, 7, 10, 0)
D = models.FollowUpDraft.__table__
ME, OTHER = "send:host:1:me", "send:host:2:other"


def _drafts(engine, status: str, n: int = 2, **values) -> list[dict]:
    """n drafts of one candidate's thread, all in `status` at version 1."""
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
        for number in range(n):
            conn.execute(
                insert(D).values(
                    thread_id="t",
                    candidate_id="c",
                    channel="email",
                    status=status,
                    step=number + 1,
                    subject="Hello",
                    body=f"Hi {number}",
                    original_body=f"Hi {number}",
                    created_at=AT,
                    cancel_codes=[],
                    **values,
                )
            )
        return [dict(r) for r in conn.execute(select(D).order_by(D.c.id)).mappings()]


def _rows(engine) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(D).order_by(D.c.id)).mappings()]


def _state(engine) -> list[tuple]:
    return [(r["status"], r["version"]) for r in _rows(engine)]


# --- the fingerprint of the approved text ----------------------------------------------------


def test_the_approved_fingerprint_covers_subject_body_and_their_boundary():
    base = lifecycle.body_hash("Hello", "Hi Ann")
    assert lifecycle.body_hash("Hello", "Hi Ann") == base
    assert lifecycle.body_hash("Hello!", "Hi Ann") != base
    assert lifecycle.body_hash("Hello", "Hi Ann!") != base
    # Moving a word from the subject to the body is a different message.
    assert lifecycle.body_hash("Hello Hi", " Ann") != lifecycle.body_hash("Hello", " Hi Ann")
    assert lifecycle.body_hash(None, "Hi") == lifecycle.body_hash("", "Hi")
    assert lifecycle.body_hash(None, "Hi") != lifecycle.body_hash("Hi", "")


# --- the versioned transitions (reviewer, scheduler) -----------------------------------------


def test_a_transition_moves_its_own_draft_only_and_bumps_its_version(engine):
    first, _second = _drafts(engine, "pending")
    with engine.begin() as conn:
        assert lifecycle.approve(conn, first, reviewer="ann", at=AT) == 2
    assert _state(engine) == [("approved", 2), ("pending", 1)]
    stored = _rows(engine)[0]
    assert stored["approved_body_hash"] == lifecycle.body_hash("Hello", "Hi 0")
    assert stored["decided_by"] == "ann"


def test_a_transition_from_a_status_the_draft_no_longer_has_writes_nothing(engine):
    first, _second = _drafts(engine, "pending")
    with engine.begin() as conn:  # someone approved it without moving the version (a bug)
        conn.execute(update(D).where(D.c.id == first["id"]).values(status="approved"))
    with engine.begin() as conn:
        assert lifecycle.reject(conn, first, reviewer="bob", at=AT, reason="x") is None
    assert _state(engine) == [("approved", 1), ("pending", 1)]


def test_revise_is_versioned_and_keeps_the_status(engine):
    first, _second = _drafts(engine, "pending")
    with engine.begin() as conn:
        assert lifecycle.revise(conn, first, body="Hi there") == 2
        assert lifecycle.revise(conn, first, body="stale view") is None
    with engine.begin() as conn:  # the status it read is not the status it has
        conn.execute(update(D).where(D.c.id == first["id"]).values(status="approved"))
        fresh = dict(first, version=2)
        assert lifecycle.revise(conn, fresh, body="wrong status") is None
    rows = _rows(engine)
    assert [(r["body"], r["version"]) for r in rows] == [("Hi there", 2), ("Hi 1", 1)]
    with pytest.raises(TransitionRefused), engine.begin() as conn:
        lifecycle.revise(conn, rows[1], status="approved")


def test_cancel_writes_its_flags_and_audit_entry_only_when_it_wins(engine):
    first, second = _drafts(engine, "approved")
    flag = {"code": "opted_out", "severity": "block", "message": "asked to stop", "evidence": {}}
    with engine.begin() as conn:
        assert lifecycle.cancel(
            conn, first, flags=[flag], codes=["opted_out"], reason="asked", actor="s", at=AT
        )
        stale = dict(second, version=0)
        assert not lifecycle.cancel(
            conn, stale, flags=[flag], codes=["opted_out"], reason="asked", actor="s", at=AT
        )
    assert _state(engine) == [("cancelled", 2), ("approved", 1)]
    with engine.connect() as conn:
        flags = conn.execute(select(models.Flag.__table__.c.draft_id)).scalars().all()
        audit = conn.execute(select(models.Decision.__table__.c.draft_id)).scalars().all()
    assert flags == [first["id"]] and audit == [first["id"]]


# --- the sender's transitions --------------------------------------------------------------


def _claim(conn, draft, owner=ME) -> bool:
    lease = AT + timedelta(minutes=10)
    return lifecycle.claim(conn, draft, owner=owner, lease_until=lease, message_id="<m@x>")


def test_a_claim_takes_its_own_approved_draft_at_the_version_read(engine):
    first, second = _drafts(engine, "approved")
    with engine.begin() as conn:
        assert not _claim(conn, dict(first, version=0))  # a stale view
        assert _claim(conn, first)
        assert not _claim(conn, first, owner=OTHER)  # already taken: never twice
    assert _state(engine) == [("sending", 2), ("approved", 1)]
    assert _rows(engine)[0]["send_claimed_by"] == ME
    assert second["status"] == "approved"


def test_a_claim_needs_the_draft_approved_now(engine):
    [pending] = _drafts(engine, "pending", n=1)
    with engine.begin() as conn:
        assert not _claim(conn, pending)
    assert _state(engine) == [("pending", 1)]


def _settle(conn, outcome: str, draft, owner=ME) -> bool:
    params = {"b_id": draft["id"], "b_owner": owner, "b_attempts": 1, "b_error": "e"}
    if outcome == "retry":
        params |= {"b_hold": "451", "b_not_before": AT + timedelta(minutes=5)}
    return lifecycle.settle(conn, outcome, params)


def test_only_the_claim_holder_settles_and_only_its_own_draft(engine):
    first, _second = _drafts(engine, "sending", send_claimed_by=ME)
    with engine.begin() as conn:
        assert not _settle(conn, "sent", first, owner=OTHER)
        assert _settle(conn, "sent", first)
    assert _state(engine) == [("sent", 2), ("sending", 1)]
    assert _rows(engine)[0]["send_claimed_by"] is None


def test_a_message_in_doubt_is_never_put_back_to_go_again(engine):
    [draft] = _drafts(engine, "sending", n=1, send_claimed_by=ME)
    with engine.begin() as conn:
        assert _settle(conn, "unknown", draft)
        # A retry or a failure is for a message still in `sending`, not one that may be out.
        assert not _settle(conn, "retry", draft)
        assert not _settle(conn, "failed", draft)
    assert _state(engine) == [("unknown", 2)]
    with engine.begin() as conn:  # the sender's late answer: it went
        assert _settle(conn, "sent", draft)
    assert _state(engine) == [("sent", 3)]


def test_give_back_returns_only_unattempted_drafts_of_this_sender(engine):
    rows = _drafts(engine, "sending", n=4, send_claimed_by=ME)
    with engine.begin() as conn:
        conn.execute(update(D).where(D.c.id == rows[1]["id"]).values(sent_at=AT))
        conn.execute(update(D).where(D.c.id == rows[2]["id"]).values(send_claimed_by=OTHER))
        ids = [r["id"] for r in rows[:3]]
        assert lifecycle.give_back(conn, [], ME) == 0
        assert lifecycle.give_back(conn, ids, ME) == 1
    assert _state(engine) == [("approved", 2), ("sending", 1), ("sending", 1), ("sending", 1)]
    assert _rows(engine)[0]["send_claimed_by"] is None


def test_give_back_leaves_a_settled_draft_alone(engine):
    [draft] = _drafts(engine, "unknown", n=1, send_claimed_by=ME)
    with engine.begin() as conn:
        assert lifecycle.give_back(conn, [draft["id"]], ME) == 0
    assert _state(engine) == [("unknown", 1)]


def test_declare_in_doubt_only_this_senders_draft_in_sending(engine):
    first, second, third = _drafts(engine, "sending", n=3, send_claimed_by=ME)
    with engine.begin() as conn:
        conn.execute(update(D).where(D.c.id == third["id"]).values(status="sent"))
        assert not lifecycle.declare_in_doubt(conn, first["id"], OTHER, "gone")
        assert not lifecycle.declare_in_doubt(conn, third["id"], ME, "gone")
        assert lifecycle.declare_in_doubt(conn, first["id"], ME, "gone")
    assert _state(engine) == [("unknown", 2), ("sending", 1), ("sent", 1)]
    assert _rows(engine)[0]["send_error"] == "gone"


def test_reconcile_keeps_the_attempts_time_or_takes_now(engine):
    attempted, unmarked, never = _drafts(engine, "unknown", n=3)
    now = AT + timedelta(hours=3)
    with engine.begin() as conn:
        conn.execute(update(D).where(D.c.id == attempted["id"]).values(sent_at=AT))
        attempted = dict(attempted, sent_at=AT)
        assert lifecycle.reconcile(conn, attempted, "sent", now=now) == AT
        assert lifecycle.reconcile(conn, unmarked, "sent", now=now) == now
        assert lifecycle.reconcile(conn, never, "failed", now=now) is None
    rows = _rows(engine)
    assert [(r["status"], r["sent_at"]) for r in rows] == [
        ("sent", AT),
        ("sent", now),
        ("failed", None),
    ]
    with pytest.raises(TransitionRefused), engine.begin() as conn:
        lifecycle.reconcile(conn, rows[0] | {"status": "unknown"}, "failed", now=now)
