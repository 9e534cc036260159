"""Helpers the review-app tests share: the fixed moments, the Pilot terminal size, waiting
for workers, and reading what the store holds after a key."""

from __future__ import annotations

from sqlalchemy import select

from store import models
from store.clock import parse_timestamp

NOW = parse_timestamp("2025-11-14T09:00:00Z")
LEAD_NOW = parse_timestamp("2025-11-15T09:00:00Z")  # the day after the lead fixture's sends
SIZE = (140, 45)


async def settle(pilot, timeout: float = 15.0) -> None:
    """Wait until the app's workers are done (a worker waiting on a dialog does not count)."""
    app = pilot.app
    waited = 0.0
    while waited < timeout:
        await pilot.pause(0.02)
        waited += 0.02
        busy = [
            w for w in app.workers if not w.is_finished and w.name not in ("_bulk", "_open_filter")
        ]
        if not busy:
            await pilot.pause()
            return
    raise AssertionError(f"workers still running after {timeout}s: {busy}")


def draft(engine, draft_id: int) -> dict:
    """The draft's stored row."""
    table = models.FollowUpDraft.__table__
    with engine.connect() as conn:
        return dict(conn.execute(select(table).where(table.c.id == draft_id)).mappings().one())


def decisions(engine, actor: str = "tester") -> list[dict]:
    """This reviewer's audit entries, oldest first."""
    table = models.Decision.__table__
    with engine.connect() as conn:
        return [
            dict(r)
            for r in conn.execute(
                select(table).where(table.c.actor == actor).order_by(table.c.id)
            ).mappings()
        ]


def first_ids(engine, n: int, **where) -> list[int]:
    """The first n pending draft ids (the queue's order), optionally with a flag code."""
    d = models.FollowUpDraft.__table__
    query = select(d.c.id).where(d.c.status == "pending").order_by(d.c.id).limit(n)
    if code := where.get("flag"):
        f = models.Flag.__table__
        query = query.where(d.c.id.in_(select(f.c.draft_id).where(f.c.code == code)))
    with engine.connect() as conn:
        return list(conn.execute(query).scalars())
