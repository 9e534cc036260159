"""Issue 12 item 1: rejecting with "do not contact" sticks. The candidate goes on the
do-not-contact list in the rejection's transaction, their other thread is not drafted at
the next schedule, and undo takes the entry back."""

from __future__ import annotations

from sqlalchemy import select

from drafts.writing.scheduler import schedule
from store import models
from tests.support.review_app import NOW, SIZE, decisions, draft, first_ids, settle
from tui.app.dialogs.review import RejectScreen


def _entries(engine) -> list[dict]:
    table = models.Suppression.__table__
    with engine.connect() as conn:
        query = select(table).where(table.c.source == "review")
        return [dict(r) for r in conn.execute(query).mappings()]


def _threads_of(engine, candidate_id: str) -> dict[str, dict]:
    table = models.Thread.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(table).where(table.c.candidate_id == candidate_id)).mappings()
        return {r["thread_id"]: dict(r) for r in rows}


async def test_do_not_contact_blocks_every_thread_and_undo_takes_it_back(
    make_app, store_engine, settings
):
    pending = first_ids(store_engine, 10_000)
    # A draft whose candidate has another due thread (held back: one draft per candidate).
    target = first_ids(store_engine, 1, flag="other_threads")[0]
    row = draft(store_engine, target)
    candidate = row["candidate_id"]
    others = {t for t in _threads_of(store_engine, candidate) if t != row["thread_id"]}
    assert others

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(pending.index(target)):
            await pilot.press("j")
        await settle(pilot)
        assert app.last_shown == target
        await pilot.press("r")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, RejectScreen)
        # The dialog says what this reason does beyond rejecting.
        labels = [str(o.prompt) for o in dialog.query_one("#reasons").options]
        assert any("do-not-contact list" in label and "undo" in label for label in labels)
        await pilot.press("down", "down", "down", "enter")  # "do not contact"
        await settle(pilot)

        row = draft(store_engine, target)
        assert (row["status"], row["reject_reason"]) == ("rejected", "do not contact")
        (entry,) = _entries(store_engine)
        assert entry["candidate_id"] == candidate and entry["created_by"] == "tester"
        assert entry["created_at"] == NOW

        # The next schedule drafts none of their threads: each is blocked, saying why.
        report = schedule(store_engine, settings, NOW, actor="test")
        assert report.as_json()["suppressed"].get("do_not_contact", 0) >= len(others)
        threads = _threads_of(store_engine, candidate)
        for thread_id in others:
            assert threads[thread_id]["state"] == "suppressed", threads[thread_id]
            assert "do_not_contact" in threads[thread_id]["reasons"]
        with store_engine.connect() as conn:
            d = models.FollowUpDraft.__table__
            open_drafts = conn.execute(
                select(d.c.id).where(d.c.candidate_id == candidate, d.c.status == "pending")
            ).all()
        assert open_drafts == []

        await pilot.press("u")
        await settle(pilot)

    assert draft(store_engine, target)["status"] == "pending"
    assert _entries(store_engine) == []
    actions = [d["action"] for d in decisions(store_engine)]
    assert actions == ["suppress_add", "reject", "suppress_remove", "undo"]
