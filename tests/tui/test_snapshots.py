"""What the screens look like, at a fixed size on the demo team at a fixed moment."""

from __future__ import annotations

import pytest

from drafts.review.queue import QueueFilter
from tests.support.review_app import SIZE, settle


def test_queue_and_detail(snap_compare, make_app):
    async def ready(pilot):
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)


def test_detail_with_a_warning(snap_compare, make_app):
    app = make_app()
    app.queue_filter = QueueFilter(status="pending", flag="role_closed")

    async def ready(pilot):
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_bulk_confirmation(snap_compare, make_app):
    app = make_app()
    app.queue_filter = QueueFilter(status="pending", flag="role_closed")

    async def ready(pilot):
        await settle(pilot)
        await pilot.press("space", "j")
        await settle(pilot)
        await pilot.press("space", "A")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_help_screen(snap_compare, make_app):
    async def ready(pilot):
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)


def test_why_not(snap_compare, make_app):
    async def ready(pilot):
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("j", "j")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)


@pytest.mark.parametrize(
    "size", [(80, 24), (100, 30), (160, 50)], ids=["80x24", "100x30", "160x50"]
)
def test_queue_and_detail_at_each_terminal_size(snap_compare, make_app, size):
    """Below 120 columns the queue sits above the draft; the text is readable at each."""

    async def ready(pilot):
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=ready)
