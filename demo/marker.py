"""Keeping the demo to a store of its own: a mark in the store, and the refusal without it."""

from __future__ import annotations

from sqlalchemy import Engine, func, select
from sqlalchemy.engine import Connection

from store import FollowupsError, models

DEMO_MARK = "demo_store"


def mark_as_demo(conn: Connection) -> None:
    """Remember that this store holds the demo team (re-running the demo is then fine)."""
    table = models.Setting.__table__
    if conn.execute(select(table.c.key).where(table.c.key == DEMO_MARK)).first() is None:
        conn.execute(table.insert().values(key=DEMO_MARK, value="yes"))


def refuse_real_store(engine: Engine, force: bool) -> None:
    """Refuse to mix made-up people into a store that holds others (unless `force`)."""
    with engine.connect() as conn:
        people = conn.execute(select(func.count()).select_from(models.Candidate)).scalar_one()
        setting = models.Setting.__table__
        demo = conn.execute(select(setting.c.key).where(setting.c.key == DEMO_MARK)).first()
    if people and demo is None and not force:
        raise FollowupsError(
            f"this store already holds {people} candidates; the demo would mix made-up people "
            "into it. Give the demo a store of its own (e.g. --db demo.db), or add --force."
        )
