"""Reviewer leases: who is reading a pending draft, until when, so others skip it.

A lease is not a decision: it changes no status and no version, so it never makes anyone's
view stale. It lives in `claimed_by`/`claim_expires_at`, which only reviewers write; a
sender's claim has columns of its own (drafts.lifecycle). `claim_next` finds and takes
the next free draft in one transaction, so reviewers asking at once are never handed the
same draft.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import Engine, select, update
from sqlalchemy.engine import Connection

from drafts.review.queue import D, QueueFilter, free_to, queue_clauses, queue_source
from store.clock import at_or_now
from store.enums import DraftStatus

PENDING = DraftStatus.PENDING.value


def _take(conn: Connection, draft_id: int, reviewer: str, until: datetime) -> None:
    conn.execute(
        update(D).where(D.c.id == draft_id).values(claimed_by=reviewer, claim_expires_at=until)
    )


def claim(
    engine: Engine, *, draft_id: int, reviewer: str, lease_minutes: int, now: datetime | None = None
) -> bool:
    """Take (or renew) a lease on a pending draft; False when someone else holds it.

    A claim is not a decision: it does not change the version, so it never makes anyone's
    view stale. PostgreSQL skips a row another transaction is claiming right now.
    """
    with engine.begin() as conn:
        return claim_in(
            conn, draft_id=draft_id, reviewer=reviewer, lease_minutes=lease_minutes, now=now
        )


def claim_in(
    conn: Connection,
    *,
    draft_id: int,
    reviewer: str,
    lease_minutes: int,
    now: datetime | None = None,
) -> bool:
    """`claim` inside the caller's write transaction (the review app claims a draft and
    loads it in one round trip: ReviewService.fetch_detail)."""
    at = at_or_now(now)
    query = select(D.c.id).where(D.c.id == draft_id, D.c.status == PENDING, free_to(reviewer, at))
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    if conn.execute(query).scalar_one_or_none() is None:
        return False
    _take(conn, draft_id, reviewer, at + timedelta(minutes=lease_minutes))
    return True


def claim_next(
    engine: Engine,
    *,
    reviewer: str,
    lease_minutes: int,
    now: datetime | None = None,
    queue: QueueFilter | None = None,
    after_id: int | None = None,
) -> int | None:
    """Claim the first free pending draft in queue order (after `after_id`); its id, or None.

    Finding and taking are one transaction, so reviewers asking at once get different
    drafts. On PostgreSQL the search skips rows other transactions hold (FOR UPDATE SKIP
    LOCKED) instead of queueing behind them; on SQLite the transaction began with BEGIN
    IMMEDIATE (store.db), so nobody else writes while it looks. A draft this reviewer
    already holds counts as free: after a crash they are handed it back first.
    """
    at = at_or_now(now)
    filt = replace(queue or QueueFilter(), status=DraftStatus.PENDING)
    clauses = queue_clauses(filt, reviewer, at)
    if after_id is not None:
        clauses.append(D.c.id > after_id)
    # The joins only serve a search; without one the query stays on the draft table alone.
    source = queue_source() if filt.search else D
    query = select(D.c.id).select_from(source).where(*clauses).order_by(D.c.id).limit(1)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # OF draft: lock only the draft, never the candidate or role rows it is joined to.
            query = query.with_for_update(skip_locked=True, of=D)
        draft_id = conn.execute(query).scalar_one_or_none()
        if draft_id is not None:
            _take(conn, draft_id, reviewer, at + timedelta(minutes=lease_minutes))
    return draft_id


def release(engine: Engine, *, draft_id: int, reviewer: str) -> bool:
    """Give back this reviewer's lease on one draft (skipped, or left); False if not theirs."""
    with engine.begin() as conn:
        result = conn.execute(
            update(D)
            .where(D.c.id == draft_id, D.c.claimed_by == reviewer, D.c.status == PENDING)
            .values(claimed_by=None, claim_expires_at=None)
        )
    return result.rowcount == 1


def release_claims(engine: Engine, *, reviewer: str) -> None:
    """Give back every lease this reviewer holds (on quit): a lease matters on pending
    drafts only (a decision gives its own back)."""
    with engine.begin() as conn:
        conn.execute(
            update(D)
            .where(D.c.claimed_by == reviewer, D.c.status == PENDING)
            .values(claimed_by=None, claim_expires_at=None)
        )
