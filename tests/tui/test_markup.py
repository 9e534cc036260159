"""Untrusted text is text: markup-like names and bodies show literally and do nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from textual.geometry import Region

from store import models
from tests.support.review_app import SIZE, draft, first_ids, settle

NASTY = ["[@click=app.quit]x", "[/oops]", "[bold red]loud[/]", ":smile: [link=http://evil]y[/link]"]


def _screen_text(widget) -> str:
    region = Region(0, 0, widget.size.width, widget.size.height)
    return "\n".join("".join(s.text for s in strip) for strip in widget.render_lines(region))


def _poison(engine, draft_id: int, name: str) -> None:
    row = draft(engine, draft_id)
    c, d = models.Candidate.__table__, models.FollowUpDraft.__table__
    with engine.begin() as conn:
        # Written past the importer on purpose: the screen must not rely on clean input.
        conn.execute(
            update(c)
            .where(c.c.candidate_id == row["candidate_id"])
            .values(full_name=name, title=name, notes=f"{name}\x1b[31m red?\x07", company=name)
        )
        conn.execute(update(d).where(d.c.id == draft_id).values(body=f"Hi {name}\n\u202egnp.exe"))


@pytest.mark.parametrize("name", NASTY)
async def test_markup_in_candidate_fields_shows_literally(make_app, store_engine, name):
    (first,) = first_ids(store_engine, 1)
    _poison(store_engine, first, name)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = _screen_text(app.screen.query_one("#detail"))
        assert f"Name       {name}" in shown
        assert f"Hi {name}" in shown
        assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
        queue = _screen_text(app.screen.query_one("#queue"))
        assert name[:17].rstrip() in queue or name[:16] in queue
        # Clicking the name (in the queue and in the detail) must not run anything.
        await pilot.click("#queue", offset=(6, 1))
        await pilot.click(
            "#detail",
            offset=(
                12,
                shown.splitlines().index(
                    next(line for line in shown.splitlines() if line.startswith("Name"))
                ),
            ),
        )
        await settle(pilot)
        assert app.is_running
        assert app.return_code is None


async def test_markup_in_why_not_and_notifications(make_app, store_engine):
    (first,) = first_ids(store_engine, 1)
    _poison(store_engine, first, "[/oops]")
    app = make_app(reviewer="[@click=app.quit]me")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.tell("[/oops] from a notification")
        await pilot.press("w")
        await settle(pilot)
        await pilot.pause()
        assert app.is_running


async def test_a_markup_name_on_a_suppressed_thread_shows_literally_in_why_not(
    make_app, store_engine
):
    t, c = models.Thread.__table__, models.Candidate.__table__
    with store_engine.begin() as conn:
        candidate_id = (
            conn.execute(
                select(t.c.candidate_id).where(t.c.state == "suppressed").order_by(t.c.candidate_id)
            )
            .scalars()
            .first()
        )
        conn.execute(
            update(c).where(c.c.candidate_id == candidate_id).values(full_name="[@click=app.quit]x")
        )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("slash")
        for key in candidate_id:
            await pilot.press(key)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause()
        table = _screen_text(app.screen.query_one("#why-table"))
        detail = _screen_text(app.screen.query_one("#why-detail"))
        assert "[@click=app.quit]x" in table or "[@click=app.quit]x" in detail
        await pilot.click("#why-table", offset=(3, 1))  # on the name: must not quit
        await settle(pilot)
        assert app.is_running and app.return_code is None
