"""The command palette: the screen's actions, a jump to a candidate, a remembered theme."""

from __future__ import annotations

from sqlalchemy import select
from textual.command import CommandList, CommandPalette

from store import models
from tests.support.review_app import SIZE, draft, first_ids, settle


def pending_of(engine, name: str) -> int:
    """The pending draft of the candidate with this name."""
    d, c = models.FollowUpDraft.__table__, models.Candidate.__table__
    with engine.connect() as conn:
        return conn.execute(
            select(d.c.id)
            .select_from(d.join(c, c.c.candidate_id == d.c.candidate_id))
            .where(d.c.status == "pending", c.c.full_name == name)
        ).scalar_one()


async def palette_pick(pilot, typed: str, expect: str) -> None:
    """Open the palette, type, wait until the first hit shows `expect`, take it."""
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*typed)
    # The palette searches as it is typed, off the event loop: wait for the final list.
    hits = pilot.app.screen.query_one(CommandList)
    first = ""
    for _ in range(200):
        await pilot.pause(0.05)
        first = str(hits.get_option_at_index(0).prompt) if hits.option_count else ""
        if expect in first:
            break
    assert expect in first, first
    await pilot.press("enter")
    await settle(pilot)


async def test_an_action_by_name_from_the_palette(make_app, store_engine):
    first, second = first_ids(store_engine, 2)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await palette_pick(pilot, "Next", "Next")
        assert app.last_shown == second
    assert draft(store_engine, first)["status"] == "pending"


async def test_typing_a_candidate_jumps_to_their_draft(make_app, store_engine):
    draft_id = pending_of(store_engine, "Jörg Krüger")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await palette_pick(pilot, "kruger", "Jörg Krüger")
        assert app.last_shown == draft_id


async def test_the_theme_chosen_is_there_at_the_next_start(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme != "nord"
        app.theme = "nord"  # what the palette's Theme command sets
        await settle(pilot)
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.theme == "nord"
