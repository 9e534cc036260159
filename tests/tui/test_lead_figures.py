"""The figures screen against numbers worked out by hand from tests/tui/lead_data.py."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from textual.widgets import DataTable, Sparkline

from store import models
from tests.support.review_app import LEAD_NOW, NOW, SIZE, settle
from tui.app.screens.figures import FiguresScreen

# Each recruiter approved five (1.2, 2.4, 6.5, 9 and 14 s on screen: median 6.5, two under
# 3 s), rejected two (one "not a fit", one "role closed"), sent three; one candidate of
# the first recruiter with a send (alex) replied. Drafted = the demo's pending drafts.
DRAFTED = {"alex": 61, "jordan": 98, "mei": 70, "priya": 94, "sam": 110}
COLUMNS = ["drafted", "approved", "edited", "rejected", "sent", "cancelled", "replies"]
# Each recruiter reviewed their own drafts: seven decisions each, their own seconds.


def _expected(drafted: int, replies: int, n: int = 1) -> list[str]:
    numbers = [drafted, 5 * n, 0, 2 * n, 3 * n, 0, replies, 7 * n]
    return [str(v) for v in numbers] + ["6.5", str(2 * n)]


def _row(table: DataTable, key: str) -> list[str]:
    return [str(cell) for cell in table.get_row(key)]


async def test_g_shows_figures_per_recruiter_and_the_team(make_lead_app, lead_engine):
    app = make_lead_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FiguresScreen)
        table = screen.query_one(DataTable)
        for who, drafted in DRAFTED.items():
            assert _row(table, who) == [who, *_expected(drafted, 1 if who == "alex" else 0)]
        assert _row(table, "team") == ["team", *_expected(433, 1, n=5)]
        breakdown = str(screen.query_one("#figures-breakdown").content)
        assert "alex, all weeks" in breakdown  # the first row is highlighted
        assert "not a fit" in breakdown and "role closed" in breakdown
        daily = screen.query_one(Sparkline).data
    assert len(daily) == 28 and daily[-1] == 0  # nothing sent on LEAD_NOW's day yet
    assert daily[-2] == _imported_sends_on(lead_engine, NOW) + 15  # plus the fixture's


async def test_square_brackets_move_between_weeks(make_lead_app):
    app = make_lead_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        screen = app.screen
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.week == "2025-W46"
        assert "team" not in screen.query_one(DataTable).rows  # team totals are all-time
        await pilot.press("left_square_bracket")  # no earlier week with activity
        await settle(pilot)
        assert screen.week == "2025-W46"
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.week == "all"
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "LeadReviewScreen"
    assert LEAD_NOW.isocalendar()[1] == 46


def _imported_sends_on(engine, day) -> int:
    """Outbound touchpoints on that day that came from the import (not our sends)."""
    t = models.Touchpoint.__table__
    start = day.replace(hour=0, minute=0)
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).where(
                t.c.direction == "outbound",
                t.c.draft_id.is_(None),
                t.c.occurred_at >= start,
                t.c.occurred_at < start + timedelta(days=1),
            )
        ).scalar_one()
