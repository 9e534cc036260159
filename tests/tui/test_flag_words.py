"""Flags in the queue are words coloured by severity, and `n` jumps to the next flagged draft."""

from __future__ import annotations

from sqlalchemy import select

from drafts.review.queue import PAGE, QueueFilter, next_flagged
from store import models
from tests.support.review_app import NOW, SIZE, settle
from tui.app.widgets.flag_words import flag_words


def flagged_pending(engine) -> list[int]:
    """Pending drafts that carry any flag, in queue order."""
    d, f = models.FollowUpDraft.__table__, models.Flag.__table__
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(d.c.id)
                .where(d.c.status == "pending", d.c.id.in_(select(f.c.draft_id)))
                .order_by(d.c.id)
            ).scalars()
        )


def test_words_are_readable_coloured_and_counted():
    one = flag_words((("role_closed", "warn"),), 14)
    assert one.plain == "role closed" and one.spans[0].style == "yellow"
    two = flag_words((("competitor", "warn"), ("replied", "block")), 14)
    assert two.plain.startswith("replied") and two.spans[0].style == "bold red"
    assert two.plain == "replied +1"  # "replied, competitor" does not fit in 14
    assert flag_words((("out_of_office", "warn"), ("other_threads", "warn")), 30).plain == (
        "other thread, away"
    )


async def test_the_queue_shows_words_and_n_jumps_to_the_next_flagged(make_app, store_engine):
    flagged = flagged_pending(store_engine)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#queue")
        cell = table.get_cell(str(flagged[0]), "flags")
        assert cell.plain and "~" not in cell.plain and "_" not in cell.plain
        await pilot.press("n")
        await settle(pilot)
        assert app.last_shown == flagged[0]
        await pilot.press("n")
        await settle(pilot)
        assert app.last_shown == flagged[1]


def test_next_flagged_reaches_past_the_page(store_engine):
    flagged = flagged_pending(store_engine)
    beyond = [i for i in flagged if i > flagged[0] + PAGE]
    with store_engine.connect() as conn:
        found = next_flagged(
            conn, QueueFilter(), reviewer="tester", now=NOW, after_id=flagged[0] + PAGE
        )
        last = next_flagged(conn, QueueFilter(), reviewer="tester", now=NOW, after_id=flagged[-1])
    assert found == (beyond[0] if beyond else None)
    assert last is None
