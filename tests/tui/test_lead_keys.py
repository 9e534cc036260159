"""Lead mode through Pilot: every key checked in the store afterwards, not on the screen."""

from __future__ import annotations

import csv

from sqlalchemy import select, update
from textual.widgets import Select

from drafts.review import spotcheck
from store import models
from store.audit import AUTOMATION_KEY
from tests.support.review_app import SIZE, decisions, settle
from tui.app.dialogs.lead import ConcernNoteScreen, ConcernsScreen, ConfirmScreen
from tui.app.dialogs.review import FilterScreen
from tui.app.screens.review import ReviewScreen
from tui.app.screens.spotcheck import SpotCheckScreen


def _setting(engine) -> str | None:
    table = models.Setting.__table__
    with engine.connect() as conn:
        return conn.execute(
            select(table.c.value).where(table.c.key == AUTOMATION_KEY)
        ).scalar_one_or_none()


def _sample_ids(engine, settings) -> list[int]:
    with engine.connect() as conn:
        items = spotcheck.sample(
            conn,
            per_recruiter=settings.lead.spot_check_per_recruiter,
            seed=settings.lead.spot_check_seed,
        )
    return [i.draft_id for i in items]


async def test_lead_sees_every_queue_and_filters_by_recruiter(make_app):
    # sam is a recruiter: without --lead sam starts on sam's own queue.
    own = make_app("sam")
    async with own.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert own.screen.total == 110
    lead = make_app("sam", lead=True)
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert lead.screen.total == 433
        assert {row.recruiter for row in lead.screen.page} == {
            "alex",
            "jordan",
            "mei",
            "priya",
            "sam",
        }
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(lead.screen, FilterScreen)
        # Raises if "mei" is not one of the recruiters the filter offers.
        lead.screen.query_one("#f_recruiter", Select).value = "mei"
        await pilot.click("#apply")
        await settle(pilot)
        assert lead.screen.total == 70
        assert {row.recruiter for row in lead.screen.page} == {"mei"}


async def test_without_lead_mode_s_g_and_ctrl_o_do_nothing(make_app, store_engine):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = set(app.screen.active_bindings)
        assert not keys & {"s", "g", "ctrl+o"}
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("g", "ctrl+o")
        await settle(pilot)
        assert type(app.screen) is ReviewScreen
    assert decisions(store_engine) == []
    assert _setting(store_engine) is None


async def test_o_marks_ok_and_c_raises_a_concern_with_a_note(
    make_lead_app, lead_engine, lead_settings
):
    first, second, *_ = _sample_ids(lead_engine, lead_settings)
    app = make_lead_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SpotCheckScreen)
        assert list(screen.items) == _sample_ids(lead_engine, lead_settings)
        assert screen.shown_id == first
        await pilot.press("o")
        await settle(pilot)
        assert screen.shown_id == second  # moved on to the next sampled draft
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConcernNoteScreen)
        await pilot.press("enter")  # an empty note is refused: the dialog stays
        await settle(pilot)
        assert isinstance(app.screen, ConcernNoteScreen)
        await pilot.press(*"[/oops] too pushy", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert str(screen.query_one("#spot-table").get_cell(str(second), "verdict")) == "concern"
    log = [(d["action"], d["draft_id"], d["reason"]) for d in decisions(lead_engine, "dana")]
    assert log == [("spot_ok", first, None), ("spot_concern", second, "[/oops] too pushy")]
    with lead_engine.connect() as conn:
        (concern,) = spotcheck.concerns(conn)
    assert (concern["draft_id"], concern["lead"], concern["note"]) == (
        second,
        "dana",
        "[/oops] too pushy",
    )


async def test_escape_from_the_concern_note_writes_nothing(make_lead_app, lead_engine):
    app = make_lead_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"half a thought", "escape")
        await settle(pilot)
        assert isinstance(app.screen, SpotCheckScreen)
    assert decisions(lead_engine, "dana") == []


async def test_l_lists_concerns_per_recruiter_and_x_exports_them(
    make_lead_app, lead_engine, lead_settings, tmp_path
):
    first = _sample_ids(lead_engine, lead_settings)[0]
    app = make_lead_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"=HYPERLINK(1)", "enter")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, ConcernsScreen)
        recruiter = next(iter(app.screen.grouped))
        assert [r["draft_id"] for r in app.screen.grouped[recruiter]] == [first]
        await pilot.press("x")  # from the list: closes it and exports
        await settle(pilot)
        assert isinstance(app.screen, SpotCheckScreen)
        await pilot.press("x")  # again, at the same fixed moment: a second file
        await settle(pilot)
    path, again = sorted(tmp_path.glob("followups-concerns-*.csv"), key=lambda p: len(p.name))
    assert again.name.endswith("-2.csv") and again.read_text() == path.read_text()
    with path.open(encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle))
    assert (int(row["draft_id"]), row["recruiter"], row["lead"]) == (first, recruiter, "dana")
    assert row["note"] == "'=HYPERLINK(1)"  # shown as text by a spreadsheet, never run


async def test_ctrl_o_switches_automation_after_asking(make_lead_app, lead_engine):
    app = make_lead_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.automation_on is True
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert _setting(lead_engine) is None  # no means no
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert _setting(lead_engine) == "off"
        assert "AUTOMATION OFF" in str(app.screen.query_one("#status-line").content)
        await pilot.press("ctrl+o")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
    assert _setting(lead_engine) == "on"
    assert [d["action"] for d in decisions(lead_engine, "dana")] == [
        "automation_off",
        "automation_on",
    ]


async def test_spot_check_detail_shows_the_drafts_history(
    make_lead_app, lead_engine, lead_settings
):
    app = make_lead_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        item = app.screen.items[app.screen.shown_id]
        shown = str(app.screen.query_one("#spot-detail").content)
    assert "Decisions" in shown
    assert f"{item.recruiter} approve after" in shown and "s on screen" in shown
    if item.status == "sent":
        assert "sender send" in shown


async def test_markup_in_names_bodies_and_notes_shows_literally(
    make_lead_app, lead_engine, lead_settings
):
    first = _sample_ids(lead_engine, lead_settings)[0]
    name = "[@click=app.quit]x"
    d, c = models.FollowUpDraft.__table__, models.Candidate.__table__
    with lead_engine.begin() as conn:
        # Written past the importer on purpose: the screens must not rely on clean input.
        candidate_id = conn.execute(select(d.c.candidate_id).where(d.c.id == first)).scalar()
        conn.execute(update(c).where(c.c.candidate_id == candidate_id).values(full_name=name))
        conn.execute(update(d).where(d.c.id == first).values(body="Hi [/oops] [bold]x"))
    app = make_lead_app(reviewer="[/oops]lead")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        shown = str(app.screen.query_one("#spot-detail").content)
        assert f"Name       {name}" in shown and "Hi [/oops] [bold]x" in shown
        await pilot.click("#spot-table", offset=(40, 1))  # on the candidate's name
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"[@click=app.quit]y", "enter")
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        listed = str(app.screen.query_one("#concerns").content)
        assert "[@click=app.quit]y" in listed and name in listed
        await pilot.click("#concerns", offset=(8, 3))
        await settle(pilot)
        assert app.is_running and app.return_code is None
    (entry,) = decisions(lead_engine, "[/oops]lead")
    assert (entry["action"], entry["reason"]) == ("spot_concern", "[@click=app.quit]y")
