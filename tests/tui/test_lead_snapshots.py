"""What the lead screens look like: fixed size, fixed clock, fixed sample seed."""

from __future__ import annotations

from tests.support.review_app import SIZE, settle


def test_lead_queue(snap_compare, make_lead_app):
    async def ready(pilot):
        await settle(pilot)

    assert snap_compare(make_lead_app(), terminal_size=SIZE, run_before=ready)


def test_spot_check_after_an_ok_and_a_concern(snap_compare, make_lead_app):
    async def ready(pilot):
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"Promises a call the manager never offered", "enter")
        await settle(pilot)
        await pilot.press("k")  # back to the draft with the concern
        await settle(pilot)
        pilot.app.clear_notifications()  # toasts expire on a timer: keep them out
        await pilot.pause()

    assert snap_compare(make_lead_app(), terminal_size=SIZE, run_before=ready)


def test_figures(snap_compare, make_lead_app):
    async def ready(pilot):
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)

    assert snap_compare(make_lead_app(), terminal_size=SIZE, run_before=ready)


def test_automation_confirmation(snap_compare, make_lead_app):
    async def ready(pilot):
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)

    assert snap_compare(make_lead_app(), terminal_size=SIZE, run_before=ready)
