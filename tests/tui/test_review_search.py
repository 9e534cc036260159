"""Search as a recruiter types it: every field shown, case and accents folded, esc clears."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from drafts.review.queue import QueueFilter, load_page
from store import models
from store.search import fold
from tests.support.review_app import NOW, SIZE, settle


def pending_of(engine, **where) -> list[tuple[int, str]]:
    """(draft id, candidate name) of pending drafts whose candidate matches `where`."""
    d, c = models.FollowUpDraft.__table__, models.Candidate.__table__
    query = (
        select(d.c.id, c.c.full_name)
        .select_from(d.join(c, c.c.candidate_id == d.c.candidate_id))
        .where(d.c.status == "pending", *(getattr(c.c, k) == v for k, v in where.items()))
        .order_by(d.c.id)
    )
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(query)]


def found(engine, text: str) -> list[int]:
    with engine.connect() as conn:
        page = load_page(conn, QueueFilter(search=text), reviewer="tester", now=NOW)
    return [row.id for row in page]


@pytest.mark.parametrize("typed", ["globex", "GLOBEX", "Globex Corp"])
def test_company_is_searched(store_engine, typed):
    [(draft_id, name)] = pending_of(store_engine, company="Globex Corporation")
    assert name == "Hannah Whitlock"  # the competitor's CEO, pending review
    assert draft_id in found(store_engine, typed)


def test_accents_and_case_are_folded(store_engine):
    d, c = models.FollowUpDraft.__table__, models.Candidate.__table__
    with store_engine.connect() as conn:
        names = conn.execute(
            select(c.c.full_name)
            .select_from(d.join(c, c.c.candidate_id == d.c.candidate_id))
            .where(d.c.status == "pending")
        ).scalars()
        accented = sorted({n for n in names if fold(n) != n.casefold()})
    assert "Jörg Krüger" in accented
    [(draft_id, _)] = pending_of(store_engine, full_name="Jörg Krüger")
    assert draft_id in found(store_engine, "kruger")
    assert draft_id in found(store_engine, "JORG KRÜGER")
    for name in accented[:5]:
        [(some_id, _)] = pending_of(store_engine, full_name=name)[:1]
        assert some_id in found(store_engine, fold(name))


def test_email_is_searched(store_engine):
    d, c = models.FollowUpDraft.__table__, models.Candidate.__table__
    with store_engine.connect() as conn:
        draft_id, email = conn.execute(
            select(d.c.id, c.c.email)
            .select_from(d.join(c, c.c.candidate_id == d.c.candidate_id))
            .where(d.c.status == "pending", c.c.email.is_not(None))
            .order_by(d.c.id)
            .limit(1)
        ).one()
    assert found(store_engine, email.upper()) == [draft_id]


async def test_search_and_filter_show_together_and_esc_clears(make_app, store_engine):
    [(draft_id, _)] = pending_of(store_engine, full_name="Jörg Krüger")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        everything = app.screen.total
        app.queue_filter = QueueFilter(status="pending", recruiter="priya")
        await pilot.press("slash", *"kruger", "enter")
        await settle(pilot)
        line = str(app.screen.query_one("#status-line").content)
        assert "recruiter priya" in line and "search “kruger” (esc clears)" in line
        assert app.last_shown == draft_id and app.screen.total == 1
        await pilot.press("escape")
        await settle(pilot)
        line = str(app.screen.query_one("#status-line").content)
        assert "search" not in line and "recruiter priya" in line
        assert app.queue_filter.search is None
        assert app.screen.total < everything  # priya's drafts only: the filter stayed
