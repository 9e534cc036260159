"""Issue 12's must-not-happen list, each driven through Pilot and checked in the store."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from sqlalchemy import update
from textual import events

from store import models
from tests.support.review_app import SIZE, decisions, draft, first_ids, settle
from tui.app.dialogs.review import EditScreen


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


# --------------------------------------------------------------- 2. what is not on screen


def notices(app) -> list[str]:
    """The notifications shown so far (the one-line notices a reviewer reads)."""
    return [n.message for n in app._notifications]


def burst(app, *keys: str) -> None:
    """Keys arriving in one read from the terminal, as a fast typist's do."""
    for key in keys:
        event = events.Key(key, key)
        event.set_sender(app)
        app._driver.send_message(event)


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_below_120_columns_the_queue_is_above_a_readable_draft(make_app, store_engine, size):
    (first,) = first_ids(store_engine, 1)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.has_class("narrow")
        queue, pane = screen.query_one("#queue").region, screen.query_one("#detail-scroll").region
        assert queue.bottom <= pane.y  # above, not beside
        assert pane.width >= size[0] - 2 and pane.height >= 8
        await pilot.press("a")
        await settle(pilot)
    assert draft(store_engine, first)["status"] == "approved"


async def test_side_by_side_from_120_columns(make_app):
    app = make_app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        assert not app.screen.has_class("narrow")
        queue, pane = (
            app.screen.query_one("#queue").region,
            app.screen.query_one("#detail-scroll").region,
        )
        assert queue.right <= pane.x and pane.width >= 70


async def test_a_decision_key_is_refused_while_the_text_is_not_visible(make_app, store_engine):
    (first,) = first_ids(store_engine, 1)
    app = make_app()
    async with app.run_test(size=(80, 8)) as pilot:  # a pane two lines high
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        [notice] = [n for n in notices(app) if "not visible" in n]
        assert "\n" not in notice
    assert draft(store_engine, first)["status"] == "pending"
    assert decisions(store_engine) == []


# ------------------------------------------------------------------- 3. typed ahead


async def test_j_and_a_in_one_read_never_approve_the_draft_being_left(make_app, store_engine):
    first, second = first_ids(store_engine, 2)
    app = make_app(min_dwell_ms=300)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.pause(0.4)  # the first draft has been read
        burst(app, "j", "a")
        await settle(pilot)
        assert app.last_shown == second
        assert any("Key dropped" in n for n in notices(app))
    assert draft(store_engine, first)["status"] == "pending"
    assert draft(store_engine, second)["status"] == "pending"
    assert decisions(store_engine) == []


async def test_a_second_a_100_ms_later_does_not_approve_the_next_draft(make_app, store_engine):
    first, second = first_ids(store_engine, 2)
    app = make_app(min_dwell_ms=300)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.pause(0.4)
        # Two key events made 100 ms apart, as a terminal delivers them: Pilot's own press()
        # waits for the app to go idle between keys, which under load can take longer.
        burst(app, "a")
        await asyncio.sleep(0.1)
        burst(app, "a")
        await settle(pilot)
        assert app.last_shown == second
    assert draft(store_engine, first)["status"] == "approved"
    assert draft(store_engine, second)["status"] == "pending"
    assert [(d["action"], d["draft_id"]) for d in decisions(store_engine)] == [("approve", first)]


async def test_after_the_dwell_the_draft_on_screen_is_the_one_decided(make_app, store_engine):
    first, second = first_ids(store_engine, 2)
    app = make_app(min_dwell_ms=300)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        await pilot.pause(0.4)
        await pilot.press("a")
        await settle(pilot)
    assert draft(store_engine, first)["status"] == "pending"
    assert draft(store_engine, second)["status"] == "approved"
    [entry] = decisions(store_engine)
    assert entry["draft_id"] == second and entry["on_screen_ms"] >= 300


# ------------------------------------------------------------------- 5. discard discards


async def test_ctrl_d_in_the_editor_discards_the_edit(make_app, store_engine):
    (first,) = first_ids(store_engine, 1)
    body = draft(store_engine, first)["body"]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("end", *"PS ", "home")
        await pilot.pause(1.2)  # the edit is autosaved as unsaved text
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert not isinstance(app.screen, EditScreen)
        stored = draft(store_engine, first)
        assert (stored["body"], stored["unsaved_edit"]) == (body, None)
        await pilot.press("a")  # nothing blocks the approval now
        await settle(pilot)
    stored = draft(store_engine, first)
    assert (stored["status"], stored["body"]) == ("approved", body)


# ------------------------------------------------------- progress and the quit summary


async def test_progress_moves_with_each_decision_and_quit_says_what_is_next(make_app, store_engine):
    first, second, third = first_ids(store_engine, 3)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        left = app.screen.progress.left
        assert "0 done" in status_line(app) and f"{left} left" in status_line(app)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("r", "enter")
        await settle(pilot)
        assert f"2 done · {left - 2} left" in status_line(app)
        await pilot.press("u")  # the rejection no longer stands
        await settle(pilot)
        assert f"1 done · {left - 1} left" in status_line(app)
        await pilot.press("space")  # a mark, then quit without approving it
        await pilot.press("q")
        await settle(pilot)
    assert app.return_value == (
        f"tester: 1 approved, 0 rejected, 0 edited; {left - 1} pending left. "
        "Next: `followups send` (1 approved wait to be sent). "
        "1 marked draft(s) were not approved (marks are not kept)."
    )
    assert draft(store_engine, first)["status"] == "approved"
    assert draft(store_engine, second)["status"] == "pending"


async def test_the_lead_spot_check_stacks_below_120_columns_too(make_lead_app):
    app = make_lead_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert screen.has_class("narrow")
        table, pane = (
            screen.query_one("#spot-table").region,
            screen.query_one("#spot-detail-scroll"),
        )
        assert table.bottom <= pane.region.y and pane.region.width >= 70


async def test_a_decision_key_is_refused_while_the_text_is_scrolled_away(make_app, store_engine):
    (first,) = first_ids(store_engine, 1)
    app = make_app()
    async with app.run_test(size=(140, 20)) as pilot:
        await settle(pilot)
        scroll = app.screen.query_one("#detail-scroll")
        scroll.scroll_end(animate=False)  # down to the timeline and history
        await settle(pilot)
        assert scroll.scroll_y > 15  # the message is far above the window now
        await pilot.press("a")
        await settle(pilot)
        assert any("scrolled out of view" in n for n in notices(app))
        assert draft(store_engine, first)["status"] == "pending"
        scroll.scroll_home(animate=False)
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
    assert draft(store_engine, first)["status"] == "approved"
