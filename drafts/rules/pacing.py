"""When an approved follow-up may go: daily caps, spacing per candidate, and a send window.

A paced draft is never dropped. It stays approved with a `Hold` (drafts.rules.answers): the
reason a person reads in `drafts list`, and the moment (`not_before`, naive UTC) it becomes
eligible again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from drafts.rules.answers import Hold, Reason
from drafts.rules.context import ThreadContext
from drafts.rules.thread_rules import recent_contact
from store import models
from store.config import Settings

# A temporary SMTP failure (4xx) waits this long, doubling per attempt up to the ceiling.
RETRY_FIRST = timedelta(minutes=5)
RETRY_CEILING = timedelta(hours=6)
# After this many temporary failures in a row, the draft is failed for a person to look at.
MAX_TEMPORARY_FAILURES = 8


def local_zone() -> tzinfo:
    """The sending machine's time zone: where "today" starts for the daily cap."""
    return datetime.now().astimezone().tzinfo or UTC


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def day_bounds(now: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
    """Start and end (naive UTC) of the day that contains `now` in `zone`."""
    local = _aware(now).astimezone(zone)
    start = datetime(local.year, local.month, local.day, tzinfo=zone)
    end = start + timedelta(days=1)
    # Rebuild from the date: adding a day to an aware time keeps a stale DST offset.
    end = datetime(end.year, end.month, end.day, tzinfo=zone)
    return _naive(start), _naive(end)


def daily_limit(recruiter: models.Recruiter | None, settings: Settings) -> int:
    """A recruiter's own daily_limit, else the team's [limits] daily_per_recruiter."""
    if recruiter is not None and recruiter.daily_limit is not None:
        return recruiter.daily_limit
    return settings.limits.daily_per_recruiter


def cap_hold(handle: str | None, used: int, limit: int, now: datetime, zone: tzinfo) -> Hold | None:
    """Held until tomorrow when the recruiter has used today's allowance."""
    if used < limit:
        return None
    _start, end = day_bounds(now, zone)
    who = handle or "(no recruiter)"
    return Hold(Reason.DAILY_LIMIT, f"{who} has sent {used} of {limit} messages today", end)


def spacing_hold(ctx: ThreadContext, in_flight: Iterable[datetime]) -> Hold | None:
    """Held while anyone at the company wrote to this candidate too recently.

    Asks the same `recent_contact` rule the scheduler shows as a warning, and also counts
    messages other senders are delivering right now (not yet touchpoints).
    """
    gap = timedelta(days=ctx.settings.cadence.min_days_between_messages)
    if not gap:
        return None
    latest = [t for t in in_flight if t > ctx.now - gap]
    flag = recent_contact(ctx)
    if flag is not None:
        last = next(
            t
            for t in reversed(ctx.touchpoints)
            if t.touchpoint_id == flag.evidence["touchpoint_id"]
        )
        latest.append(last.occurred_at)
        reason = flag.message
    elif latest:
        reason = "another follow-up to this candidate is being sent right now"
    else:
        return None
    return Hold(Reason.RECENT_CONTACT, reason, max(latest) + gap)


def _zone_of(name: str | None, fallback: tzinfo) -> tzinfo:
    if not name:
        return fallback
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return fallback


def window_hold(
    candidate_timezone: str | None, settings: Settings, now: datetime, fallback: tzinfo
) -> Hold | None:
    """Held outside [send] window_hours in the candidate's time zone (the team's if unknown)."""
    window = settings.send.window_hours
    if not window:
        return None
    start_hour, end_hour = window
    zone = _zone_of(candidate_timezone, fallback)
    local = _aware(now).astimezone(zone)
    if start_hour <= local.hour < end_hour:
        return None
    day = local.date() if local.hour < start_hour else local.date() + timedelta(days=1)
    opens = datetime(day.year, day.month, day.day, start_hour, tzinfo=zone)
    where = candidate_timezone or "the team's time zone"
    return Hold(
        Reason.SEND_WINDOW,
        f"outside sending hours {start_hour:02d}-{end_hour:02d} ({where})",
        _naive(opens),
    )


def combine(holds: Iterable[Hold | None]) -> Hold | None:
    """Every applicable hold as one: all reasons, the latest time."""
    found = [h for h in holds if h is not None]
    if not found:
        return None
    return Hold(
        ",".join(h.code for h in found),
        "; ".join(h.reason for h in found),
        max(h.not_before for h in found),
    )


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the `attempts`-th temporary failure: 5 min, 10, 20 … up to 6 h."""
    delay = RETRY_FIRST * (2 ** max(attempts - 1, 0))
    return min(delay, RETRY_CEILING)
