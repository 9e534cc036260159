"""Issue 12's must-not-happen list, each driven through Pilot and checked in the store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from store import models
from tests.support.review_app import SIZE, decisions, draft, first_ids, settle


def status_line(app) -> str:
    """The review screen's status line, as plain text."""
    return str(app.screen.query_one("#status-line").content)


async def test_your_own_decided_draft_is_not_held_by_another_reviewer(make_app, store_engine):
    first, second = first_ids(store_engine, 2)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")  # the first reason
        await settle(pilot)
        assert app.last_shown == second
        await pilot.press("k")  # back to the draft just rejected, alone in the store
        await settle(pilot)
        assert app.last_shown == first
        assert "reviewing" not in status_line(app) and "holds" not in status_line(app)
        assert str(app.screen.query_one("#queue").get_cell(str(first), "status")) == "rejected"
    assert draft(store_engine, first)["status"] == "rejected"
    assert [d["action"] for d in decisions(store_engine)] == ["reject"]


async def test_a_draft_someone_else_is_reading_names_them(make_app, store_engine):
    first, second = first_ids(store_engine, 2)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.last_shown == first
        d = models.FollowUpDraft.__table__
        with store_engine.begin() as conn:  # kim opens the next draft meanwhile
            conn.execute(
                update(d)
                .where(d.c.id == second)
                .values(claimed_by="kim", claim_expires_at=datetime(2099, 1, 1))
            )
        await pilot.press("j")
        await settle(pilot)
        assert app.last_shown == second
        assert f"kim is reviewing draft {second}" in status_line(app)
        assert str(app.screen.query_one("#queue").get_cell(str(second), "status")) == "taken"
    assert draft(store_engine, second)["claimed_by"] == "kim"
