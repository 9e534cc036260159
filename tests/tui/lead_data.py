"""A day of reviewing and sending on the demo store, so a lead has something to look at.

Approvals and rejections go through `drafts.review` (real audit entries with time on
screen); sending is written as the sender writes it (status, sent_at, the outbound
touchpoint and a `send` entry) without a transport. Everything is at fixed moments.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, insert, select, update

from drafts import review
from drafts.review.detail import load_detail
from drafts.sending.writes import record_touchpoint
from store import audit, models
from store.config import Settings

# Time on screen per approval, in order: the first two are rubber stamps (under 3 s).
APPROVE_MS = (1_200, 2_400, 6_500, 9_000, 14_000)
SENT_PER_RECRUITER = 3
REJECTS = ("not a fit", "role closed")
PER_RECRUITER = len(APPROVE_MS) + len(REJECTS)


def _pending_by_recruiter(engine: Engine) -> dict[str, list[int]]:
    d = models.FollowUpDraft.__table__
    found: dict[str, list[int]] = {}
    with engine.connect() as conn:
        for draft_id, recruiter in conn.execute(
            select(d.c.id, d.c.recruiter).where(d.c.status == "pending").order_by(d.c.id)
        ):
            found.setdefault(recruiter, []).append(draft_id)
    return found


def _approve(engine: Engine, settings: Settings, draft_id: int, who: str, ms: int, at) -> bool:
    with engine.connect() as conn:
        detail = load_detail(conn, settings, draft_id, at)
    if detail is None or detail.blocking:
        return False
    review.approve(
        engine,
        settings,
        draft_id=draft_id,
        seen_version=detail.draft["version"],
        reviewer=who,
        on_screen_ms=ms,
        acknowledged=detail.warning_codes,
        now=at,
    )
    return True


def _send(engine: Engine, draft_id: int, at: datetime) -> None:
    # A stand-in for a transport-less send, written directly (approved → sent, version
    # kept) so the lead's snapshots stay what they are; the real moves are the lifecycle's.
    d = models.FollowUpDraft.__table__
    with engine.begin() as conn:
        conn.execute(
            update(d).where(d.c.id == draft_id).values(status="sent", sent_at=at, attempts=1)
        )
        row = dict(conn.execute(select(d).where(d.c.id == draft_id)).mappings().one())
        record_touchpoint(conn, row, at)
        audit.record(
            conn,
            actor="sender",
            action="send",
            at=at,
            draft_id=draft_id,
            thread_id=row["thread_id"],
            candidate_id=row["candidate_id"],
        )


def review_and_send(engine: Engine, settings: Settings, now: datetime) -> dict[str, list[int]]:
    """Each recruiter approves five of their drafts, rejects two, and three go out.

    Returns the sent draft ids per recruiter. One candidate replies after their follow-up.
    """
    sent: dict[str, list[int]] = {}
    for n, (recruiter, ids) in enumerate(sorted(_pending_by_recruiter(engine).items())):
        start = now + timedelta(minutes=10 * n)
        approved = []
        for i, draft_id in enumerate(ids[: len(APPROVE_MS)]):
            at = start + timedelta(minutes=i)
            if _approve(engine, settings, draft_id, recruiter, APPROVE_MS[i], at):
                approved.append(draft_id)
        for i, draft_id in enumerate(ids[len(APPROVE_MS) : PER_RECRUITER]):
            review.reject(
                engine,
                draft_id=draft_id,
                seen_version=1,
                reviewer=recruiter,
                reason=REJECTS[(i + n) % len(REJECTS)],
                on_screen_ms=4_000,
                now=start + timedelta(minutes=8 + i),
            )
        sent[recruiter] = approved[:SENT_PER_RECRUITER]
        for i, draft_id in enumerate(sent[recruiter]):
            _send(engine, draft_id, now + timedelta(hours=2 + i, minutes=n))
    first = next(ids for ids in sent.values() if ids)[0]
    _reply_after(engine, first, now + timedelta(hours=6))
    return sent


def _reply_after(engine: Engine, draft_id: int, at: datetime) -> None:
    d = models.FollowUpDraft.__table__
    with engine.begin() as conn:
        candidate_id = conn.execute(select(d.c.candidate_id).where(d.c.id == draft_id)).scalar()
        conn.execute(
            insert(models.Touchpoint.__table__).values(
                touchpoint_id=f"reply-after-{draft_id}",
                candidate_id=candidate_id,
                channel="email",
                direction="inbound",
                occurred_at=at,
                body="Thanks for the nudge: yes, let's talk.",
            )
        )
