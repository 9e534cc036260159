"""The reject dialog: number keys pick the reason at once; marked drafts are rejected together."""

from __future__ import annotations

from tests.support.review_app import SIZE, decisions, draft, first_ids, settle


async def test_a_number_key_rejects_with_its_reason_at_once(make_app, store_engine):
    first, second = first_ids(store_engine, 2)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r", "3")  # already in touch
        await settle(pilot)
        assert app.last_shown == second
        await pilot.press("r", "5")  # other: asks for a few words first
        await settle(pilot)
        assert draft(store_engine, second)["status"] == "pending"
        await pilot.press(*"met at a meetup", "enter")
        await settle(pilot)
    assert (draft(store_engine, first)["status"], draft(store_engine, first)["reject_reason"]) == (
        "rejected",
        "already in touch",
    )
    assert draft(store_engine, second)["reject_reason"] == "other: met at a meetup"
    assert [d["reason"] for d in decisions(store_engine)][0] == "already in touch"


async def test_R_rejects_every_marked_draft_with_one_reason(make_app, store_engine):
    first, second, third = first_ids(store_engine, 3)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space", "j")
        await settle(pilot)
        await pilot.press("space")
        await pilot.press("R")
        await settle(pilot)
        assert "Reject 2 marked drafts" in str(app.screen.query_one(".dialog-title").content)
        await pilot.press("2")  # role closed
        await settle(pilot)
        assert app.screen.marked == set()
    assert {draft(store_engine, i)["status"] for i in (first, second)} == {"rejected"}
    assert {draft(store_engine, i)["reject_reason"] for i in (first, second)} == {"role closed"}
    assert draft(store_engine, third)["status"] == "pending"
    assert sorted(d["draft_id"] for d in decisions(store_engine)) == [first, second]


async def test_R_with_nothing_marked_rejects_nothing(make_app, store_engine):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert app.screen.__class__.__name__ in ("ReviewScreen", "LeadReviewScreen")
    assert decisions(store_engine) == []
