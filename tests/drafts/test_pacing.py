"""Pacing at its edges: the last message of the cap, spacing to the minute, the send window's
first and last hour, retry backoff, and where "today" starts.

A paced draft waits with a reason and a time a person reads in `drafts list`; these tests
pin both, at the boundaries where an off-by-one would send one message too many or hold
one for a day too long.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from builders import DAY, NOW, context, make_settings, touch

from drafts.rules import pacing
from store import models

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_day_starts_at_local_midnight_and_lasts_until_the_next():
    # 09:00 UTC on 8 November is 10:00 in Berlin (UTC+1).
    assert pacing.day_bounds(NOW, BERLIN) == (datetime(2025, 11, 7, 23), datetime(2025, 11, 8, 23))
    assert pacing.day_bounds(NOW, UTC) == (datetime(2025, 11, 8), datetime(2025, 11, 9))


def test_the_day_of_a_clock_change_is_23_hours_long():
    start, end = pacing.day_bounds(datetime(2026, 3, 29, 12), BERLIN)
    assert (start, end) == (datetime(2026, 3, 28, 23), datetime(2026, 3, 29, 22))


def test_the_recruiters_own_limit_wins_over_the_teams():
    settings = make_settings(limits={"daily_per_recruiter": 40})
    assert pacing.daily_limit(models.Recruiter(recruiter="sam", daily_limit=3), settings) == 3
    assert pacing.daily_limit(models.Recruiter(recruiter="sam", daily_limit=0), settings) == 0
    assert pacing.daily_limit(models.Recruiter(recruiter="sam"), settings) == 40
    assert pacing.daily_limit(None, settings) == 40


def test_the_cap_allows_the_last_message_and_holds_the_next_until_tomorrow():
    assert pacing.cap_hold("sam", 2, 3, NOW, UTC) is None
    hold = pacing.cap_hold("sam", 3, 3, NOW, UTC)
    assert hold.code == "daily_limit" and hold.not_before == datetime(2025, 11, 9)
    assert hold.reason == "sam has sent 3 of 3 messages today"
    assert "(no recruiter)" in pacing.cap_hold(None, 1, 1, NOW, UTC).reason


def _sent(at: datetime, touchpoint_id: str = "tp-kim"):
    return touch(touchpoint_id, at, direction="outbound", recruiter="kim", channel="email")


def test_spacing_holds_until_the_gap_since_the_last_message_has_passed():
    ctx = context(_sent(NOW - 2 * DAY))
    hold = pacing.spacing_hold(ctx, [])
    assert hold.code == "recent_contact" and hold.not_before == NOW + 5 * DAY
    assert "kim sent a email" in hold.reason


def test_spacing_counts_the_latest_of_touchpoints_and_messages_in_flight():
    ctx = context(_sent(NOW - 2 * DAY))
    hold = pacing.spacing_hold(ctx, [NOW - DAY, NOW - 3 * DAY])
    assert hold.not_before == NOW + 6 * DAY


def test_a_message_being_sent_right_now_holds_a_second_one():
    hold = pacing.spacing_hold(context(), [NOW])
    assert hold.reason == "another follow-up to this candidate is being sent right now"
    assert hold.not_before == NOW + 7 * DAY


def test_messages_in_flight_older_than_the_gap_hold_nothing():
    assert pacing.spacing_hold(context(), [NOW - 7 * DAY]) is None
    assert pacing.spacing_hold(context(), [NOW - 7 * DAY + timedelta(seconds=1)]) is not None


def test_a_zero_gap_turns_spacing_off():
    settings = make_settings(cadence={"min_days_between_messages": 0})
    assert pacing.spacing_hold(context(_sent(NOW), settings=settings), [NOW]) is None


def _window(zone: str | None, now: datetime, hours=(9, 17)):
    settings = make_settings(send={"window_hours": list(hours)})
    return pacing.window_hold(zone, settings, now, UTC)


def test_the_send_window_includes_its_first_hour_and_excludes_its_end():
    assert _window("UTC", datetime(2025, 11, 8, 9, 0)) is None
    assert _window("UTC", datetime(2025, 11, 8, 16, 59)) is None
    hold = _window("UTC", datetime(2025, 11, 8, 17, 0))
    assert hold.code == "send_window" and hold.not_before == datetime(2025, 11, 9, 9)
    assert hold.reason == "outside sending hours 09-17 (UTC)"


def test_before_the_window_opens_it_waits_for_today_not_tomorrow():
    hold = _window("UTC", datetime(2025, 11, 8, 8, 59))
    assert hold.not_before == datetime(2025, 11, 8, 9)


def test_the_window_is_the_candidates_local_hours():
    # 08:30 UTC is 09:30 in Berlin: open; 16:30 UTC is 17:30 there: closed until 08:00 UTC.
    assert _window("Europe/Berlin", datetime(2025, 11, 8, 8, 30)) is None
    hold = _window("Europe/Berlin", datetime(2025, 11, 8, 16, 30))
    assert hold.not_before == datetime(2025, 11, 9, 8)


@pytest.mark.parametrize("zone", [None, "", "Mars/Olympus_Mons"])
def test_an_unknown_zone_uses_the_teams(zone):
    hold = _window(zone, datetime(2025, 11, 8, 18, 0))
    assert hold.not_before == datetime(2025, 11, 9, 9)
    if not zone:
        assert "(the team's time zone)" in hold.reason


def test_no_window_configured_holds_nothing():
    settings = make_settings()
    assert pacing.window_hold("UTC", settings, datetime(2025, 11, 8, 3), UTC) is None


def test_combined_holds_give_every_reason_and_the_latest_time():
    cap = pacing.cap_hold("sam", 3, 3, NOW, UTC)
    window = _window("UTC", datetime(2025, 11, 8, 18, 0))
    hold = pacing.combine([None, cap, window])
    assert hold.code == "daily_limit,send_window"
    assert hold.reason == f"{cap.reason}; {window.reason}"
    assert hold.not_before == datetime(2025, 11, 9, 9)
    assert pacing.combine([None, None]) is None


def test_retries_back_off_from_5_minutes_doubling_up_to_6_hours():
    minutes = [pacing.retry_delay(n) / timedelta(minutes=1) for n in range(0, 9)]
    assert minutes == [5, 5, 10, 20, 40, 80, 160, 320, 360]
    assert pacing.MAX_TEMPORARY_FAILURES == 8


@pytest.fixture
def berlin_machine(monkeypatch):
    """The sending machine's clock set to Berlin time, as TZ does for every process."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_today_starts_at_the_sending_machines_midnight(berlin_machine):
    zone = pacing.local_zone()
    assert zone.utcoffset(None) == timedelta(hours=1)
    assert pacing.day_bounds(NOW, zone)[0] == datetime(2025, 11, 7, 23)
