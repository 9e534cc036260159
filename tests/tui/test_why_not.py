"""Why not?: the title says how many threads got no follow-up, and every one can be reached."""

from __future__ import annotations

from sqlalchemy import func, select

from drafts.review.queue import PAGE
from store import models
from tests.support.review_app import SIZE, settle


def threads_without_a_draft(engine) -> int:
    t = models.Thread.__table__
    with engine.connect() as conn:
        return conn.execute(select(func.count()).where(t.c.state != "drafted")).scalar_one()


def title(app) -> str:
    return str(app.screen.query_one("#why-title").content)


async def test_the_count_and_title_and_every_thread_reachable(make_app, store_engine):
    total = threads_without_a_draft(store_engine)
    assert total > PAGE  # the demo has more than one page of them
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        screen = app.screen
        assert f"Why not? · {total} threads got no follow-up" in title(app)
        assert f"{PAGE} listed" in title(app)
        await pilot.press("ctrl+end")  # to the last row listed: the next page comes
        await settle(pilot)
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert len(screen.rows) == total
        assert f"{total} listed" in title(app) and "scroll" not in title(app)
        await pilot.press("slash", *"no_address", "enter")
        await settle(pilot)
        matching = len(screen.rows)
        assert 0 < matching < total
        assert f"{matching} threads got no follow-up matching “no_address”" in title(app)
