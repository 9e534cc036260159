"""Every key of the review screen, driven through Pilot, checked in the store afterwards."""

from __future__ import annotations

from sqlalchemy import insert, update

from store import models
from store.config import DEFAULT_OPT_OUT_LINE
from tests.support.review_app import SIZE, decisions, draft, first_ids, settle
from tui.app.dialogs.review import EditScreen


async def test_a_approves_the_draft_on_screen_and_moves_on(make_app, store_engine):
    first, second, third = first_ids(store_engine, 3)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.last_shown == first
        await pilot.press("a")
        await settle(pilot)
        assert app.last_shown == second
        await pilot.press("a")
        await settle(pilot)
    for draft_id in (first, second):
        row = draft(store_engine, draft_id)
        assert (row["status"], row["decided_by"], row["version"]) == ("approved", "tester", 2)
        assert row["approved_body_hash"]
    assert draft(store_engine, third)["status"] == "pending"
    log = decisions(store_engine)
    assert [(d["action"], d["draft_id"]) for d in log] == [("approve", first), ("approve", second)]
    assert all(d["on_screen_ms"] is not None for d in log)


async def test_j_and_k_move_without_deciding(make_app, store_engine):
    first, second, _ = first_ids(store_engine, 3)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        assert app.last_shown == second
        await pilot.press("k")
        await settle(pilot)
        assert app.last_shown == first
        await pilot.press("down", "down")
        await settle(pilot)
        assert app.last_shown == first_ids(store_engine, 3)[2]
    assert decisions(store_engine) == []
    assert draft(store_engine, first)["status"] == "pending"


async def test_r_rejects_with_the_picked_reason(make_app, store_engine):
    first, second = first_ids(store_engine, 2)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # "already in touch"
        await settle(pilot)
        assert app.last_shown == second
    row = draft(store_engine, first)
    assert (row["status"], row["reject_reason"], row["decided_by"]) == (
        "rejected",
        "already in touch",
        "tester",
    )
    assert [(d["action"], d["reason"]) for d in decisions(store_engine)] == [
        ("reject", "already in touch")
    ]


async def test_r_other_needs_words(make_app, store_engine):
    (first,) = first_ids(store_engine, 1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("end", "enter")
        await pilot.press(*"met at meetup", "enter")
        await settle(pilot)
    assert draft(store_engine, first)["reject_reason"] == "other: met at meetup"


async def test_e_saves_an_edit_keeps_the_original_and_reruns_text_checks(make_app, store_engine):
    (first,) = first_ids(store_engine, 1)
    before = draft(store_engine, first)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, EditScreen)
        editor.query_one("TextArea").text = "Hi [Name], still keen?"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
    row = draft(store_engine, first)
    # The opt-out line the edit dropped is back at the end ([send] opt_out_line).
    edited = f"Hi [Name], still keen?\n\n{DEFAULT_OPT_OUT_LINE}"
    assert row["body"] == edited
    assert row["original_body"] == before["original_body"] == before["body"]
    assert row["status"] == "pending" and row["version"] == 2
    flags = _flags(store_engine, first)
    assert "placeholder" in flags
    (entry,) = decisions(store_engine)
    assert (entry["action"], entry["before_text"], entry["after_text"]) == (
        "edit",
        before["body"],
        edited,
    )


async def test_quit_mid_edit_keeps_the_text_as_unsaved(make_app, store_engine):
    (first,) = first_ids(store_engine, 1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press(*"PS ")
        await pilot.press("ctrl+q")
        await pilot.pause()
    row = draft(store_engine, first)
    assert row["unsaved_edit"].startswith("PS ")
    assert row["body"] == row["original_body"] and row["version"] == 1
    assert row["claimed_by"] is None  # claims are given back on quit

    reopened = make_app()
    async with reopened.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert reopened.screen.query_one("TextArea").text.startswith("PS ")


async def test_u_undoes_the_last_decision(make_app, store_engine):
    first, second = first_ids(store_engine, 2)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert app.last_shown == first
    row = draft(store_engine, first)
    assert (row["status"], row["decided_by"], row["approved_body_hash"]) == ("pending", None, None)
    assert [d["action"] for d in decisions(store_engine)] == ["approve", "undo"]
    assert decisions(store_engine)[1]["detail"]["undoes"] == decisions(store_engine)[0]["id"]
    assert draft(store_engine, second)["status"] == "pending"


async def test_space_and_A_approve_marked_after_asking_about_each_warning(make_app, store_engine):
    plain_id, warned_id = (
        first_ids(store_engine, 1)[0],
        first_ids(store_engine, 1, flag="role_closed")[0],
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space")
        # Show the warned draft (search for it), mark it too.
        app.queue_filter = app.queue_filter.__class__(status="pending", flag="role_closed")
        app.screen.load_page(None)
        await settle(pilot)
        assert app.last_shown == warned_id
        await pilot.press("space", "A")
        await settle(pilot)
        await pilot.press("y")  # yes to role_closed
        await pilot.press("y")  # approve the batch
        await settle(pilot)
    for draft_id in (plain_id, warned_id):
        assert draft(store_engine, draft_id)["status"] == "approved"
    log = decisions(store_engine)
    assert {d["draft_id"] for d in log} == {plain_id, warned_id}
    assert all(d["detail"]["bulk"] for d in log)


async def test_A_leaves_warned_drafts_pending_on_no(make_app, store_engine):
    warned_id = first_ids(store_engine, 1, flag="role_closed")[0]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.queue_filter = app.queue_filter.__class__(status="pending", flag="role_closed")
        await settle(pilot)
        await pilot.press("space", "A")
        await settle(pilot)
        await pilot.press("n", "y")
        await settle(pilot)
    assert draft(store_engine, warned_id)["status"] == "pending"
    assert decisions(store_engine) == []


async def test_A_refuses_blocked_drafts(make_app, store_engine):
    first, second = first_ids(store_engine, 2)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "j")
        await settle(pilot)
        await pilot.press("space")
        _reply_arrives(store_engine, draft(store_engine, second)["candidate_id"])
        await pilot.press("A")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    assert draft(store_engine, first)["status"] == "approved"
    assert draft(store_engine, second)["status"] == "pending"


async def test_A_refuses_drafts_never_shown(make_app, store_engine):
    first, second = first_ids(store_engine, 2)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.marked.add(second)  # marked without ever being on screen
        await pilot.press("A")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "ReviewScreen"  # no confirmation opened
    assert draft(store_engine, second)["status"] == "pending"
    assert decisions(store_engine) == []


async def test_stale_version_is_refused_and_reloaded(make_app, store_engine):
    (first,) = first_ids(store_engine, 1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = models.FollowUpDraft.__table__
        with store_engine.begin() as conn:  # someone else edits it meanwhile
            conn.execute(update(table).where(table.c.id == first).values(version=7, body="theirs"))
        await pilot.press("a")
        await settle(pilot)
        assert app.screen.detail.draft["version"] == 7  # reloaded
        assert app.last_shown == first
    row = draft(store_engine, first)
    assert (row["status"], row["body"], row["decided_by"]) == ("pending", "theirs", None)
    assert decisions(store_engine) == []


async def test_a_refuses_a_draft_blocked_since_drafting(make_app, store_engine):
    (first,) = first_ids(store_engine, 1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _reply_arrives(store_engine, draft(store_engine, first)["candidate_id"])
        await pilot.press("a")
        await settle(pilot)
        assert [f.code for f in app.screen.detail.blocking] == ["replied"]
        assert app.last_shown == first
    assert draft(store_engine, first)["status"] == "pending"
    (entry,) = decisions(store_engine)
    assert (entry["action"], entry["reason"]) == ("approve_refused", "replied")


async def test_slash_searches_and_f_filters(make_app, store_engine):
    warned_id = first_ids(store_engine, 1, flag="role_closed")[0]
    name = _candidate_name(store_engine, warned_id)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *name, "enter")
        await settle(pilot)
        assert app.last_shown == warned_id
        await pilot.press("f")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "FilterScreen"
        await pilot.press("escape")
        await settle(pilot)


async def test_w_shows_why_not_and_q_quits(make_app, store_engine):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "WhyNotScreen"
        assert app.screen.rows
        await pilot.press("escape", "q")
        await pilot.pause()
    assert app.return_code == 0


async def test_keys_are_remappable_from_settings(store_engine, demo_db):
    from demo import DEMO_CONFIG
    from store.config import load_settings
    from tests.support.review_app import NOW
    from tui.app.app import ReviewApp

    config = demo_db.parent / "remapped.toml"
    config.write_text(
        DEMO_CONFIG + '\n[review]\nmin_dwell_ms = 0\n[review.keys]\napprove = "y"\n',
        encoding="utf-8",
    )
    settings = load_settings(str(config))
    (first,) = first_ids(store_engine, 1)
    app = ReviewApp(store_engine, settings, "tester", now=NOW, lead=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert draft(store_engine, first)["status"] == "pending"
        await pilot.press("y")
        await settle(pilot)
    assert draft(store_engine, first)["status"] == "approved"


def _reply_arrives(engine, candidate_id: str) -> None:
    """A reply is imported after drafting (another channel)."""
    from tests.support.review_app import NOW

    with engine.begin() as conn:
        conn.execute(
            insert(models.Touchpoint.__table__).values(
                touchpoint_id=f"late-reply-{candidate_id}",
                candidate_id=candidate_id,
                channel="phone",
                direction="inbound",
                occurred_at=NOW.replace(hour=8),
                body="Called back: happy to talk next week.",
            )
        )


def _flags(engine, draft_id: int) -> list[str]:
    from sqlalchemy import select

    table = models.Flag.__table__
    with engine.connect() as conn:
        return list(
            conn.execute(select(table.c.code).where(table.c.draft_id == draft_id)).scalars()
        )


def _candidate_name(engine, draft_id: int) -> str:
    from sqlalchemy import select

    c = models.Candidate.__table__
    with engine.connect() as conn:
        return conn.execute(
            select(c.c.full_name).where(c.c.candidate_id == draft(engine, draft_id)["candidate_id"])
        ).scalar_one()


async def test_approve_refuses_a_draft_with_an_unsaved_edit(make_app, store_engine):
    (first,) = first_ids(store_engine, 1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await pilot.press(*"PS ")
        await pilot.press("escape")  # closes the editor, keeps the text as an unsaved edit
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
    row = draft(store_engine, first)
    assert row["status"] == "pending" and row["unsaved_edit"].startswith("PS ")
    assert [d["action"] for d in decisions(store_engine)] == []
