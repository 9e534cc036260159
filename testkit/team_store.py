"""A store full of pending drafts, written fast: the review queue a team shares.

Bulk inserts, not import + schedule: the team tests and bench/team.py need a thousand to
ten thousand drafts in seconds, and each one still passes every rule when approved (one
recruiter, one open role, a delivered InMail ten days before NOW, no reply).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, func, insert, select

from store import models
from store.clock import parse_timestamp

NOW = parse_timestamp("2025-11-14T09:00:00Z")
CHUNK = 2000
D = models.FollowUpDraft.__table__
DEC = models.Decision.__table__


def fill_pending(engine: Engine, n: int) -> list[int]:
    """N candidates, each with one thread, its initial InMail and a pending draft; the ids."""
    sent = NOW - timedelta(days=10)
    with engine.begin() as conn:
        conn.execute(insert(models.Recruiter.__table__), [{"recruiter": "sam", "status": "active"}])
        conn.execute(
            insert(models.Role.__table__),
            [{"role_id": "r1", "title": "Engineer", "status": "open"}],
        )
        for start in range(0, n, CHUNK):
            ids = range(start, min(n, start + CHUNK))
            conn.execute(insert(models.Candidate.__table__), [_candidate(i) for i in ids])
            conn.execute(insert(models.Touchpoint.__table__), [_touch(i, sent) for i in ids])
            conn.execute(insert(models.Thread.__table__), [_thread(i, sent) for i in ids])
            conn.execute(insert(D), [_draft(i) for i in ids])
        return list(conn.execute(select(D.c.id).order_by(D.c.id)).scalars())


def _candidate(i: int) -> dict:
    return {
        "candidate_id": f"c{i}",
        "full_name": f"Candidate {i}",
        "first_name": "Candidate",
        "linkedin_url": f"https://linkedin.com/in/c{i}",
        "ats_status": "prospect",
        "do_not_contact": False,
    }


def _touch(i: int, sent) -> dict:
    return {
        "touchpoint_id": f"t{i}",
        "candidate_id": f"c{i}",
        "role_id": "r1",
        "recruiter": "sam",
        "channel": "inmail",
        "direction": "outbound",
        "occurred_at": sent,
        "delivery": "delivered",
        "body": "Hello",
    }


def _thread(i: int, sent) -> dict:
    return {
        "thread_id": f"c{i}|r1|inmail",
        "candidate_id": f"c{i}",
        "role_id": "r1",
        "channel": "inmail",
        "recruiter": "sam",
        "initial_touchpoint_id": f"t{i}",
        "initial_at": sent,
        "state": "drafted",
        "reasons": [],
    }


def _draft(i: int) -> dict:
    body = f"Hi Candidate {i}, following up on the Engineer role."
    return {
        "thread_id": f"c{i}|r1|inmail",
        "candidate_id": f"c{i}",
        "role_id": "r1",
        "recruiter": "sam",
        "channel": "inmail",
        "status": "pending",
        "body": body,
        "original_body": body,
        "created_at": NOW,
        "version": 1,
        "cancel_codes": [],
        "attempts": 0,
    }


def drafts_by_id(engine: Engine) -> dict[int, dict]:
    """Every draft's row, by id."""
    with engine.connect() as conn:
        return {r["id"]: dict(r) for r in conn.execute(select(D)).mappings()}


def decisions(engine: Engine, *actions: str) -> list[dict]:
    """Audit entries (of the given actions, or all), oldest first."""
    query = select(DEC).order_by(DEC.c.id)
    if actions:
        query = query.where(DEC.c.action.in_(actions))
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def count_decisions(engine: Engine) -> int:
    """How many audit entries the store holds."""
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(DEC)).scalar_one()
