"""Time at the edges: parse ISO 8601, store naive UTC, show aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from store.text import quoted

# Plausible moments for recruiting data (and --now). Beyond them lie typos such as year
# 20024 or 0001, and dates so near datetime's limits that adding a cadence overflows.
EARLIEST = datetime(1900, 1, 1)
LATEST = datetime(2200, 1, 1)


def parse_timestamp(text: str) -> datetime:
    """Parse an ISO 8601 timestamp; one without an offset is UTC. Returns naive UTC.

    Raises ValueError with a short reason on anything else.
    """
    value = text.strip()
    if not value:
        raise ValueError("empty timestamp")
    # Python < 3.11 did not take "Z"; 3.11 does, but be explicit for clarity of intent.
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    try:
        parsed = to_naive_utc(datetime.fromisoformat(value))
    except ValueError:
        raise ValueError(f"not an ISO 8601 timestamp: {quoted(text)}") from None
    except OverflowError:
        # 9999-12-31T23:00:00-05:00 is a valid ISO string whose UTC moment is year 10000.
        parsed = None
    # Cadence arithmetic (a date plus 28 days) must never overflow either.
    if parsed is None or not EARLIEST <= parsed < LATEST:
        raise ValueError(
            f"{quoted(text)} is outside the range of dates followups can store "
            f"({EARLIEST.year} to {LATEST.year - 1})"
        )
    return parsed


def to_naive_utc(moment: datetime) -> datetime:
    """Convert any datetime to naive UTC (naive input is taken to be UTC already)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def at_or_now(now: datetime | None) -> datetime:
    """`now` in the store's convention (naive UTC); the clock when None.

    An aware time compared with a stored naive one would raise TypeError mid-decision.
    """
    return utc_now() if now is None else to_naive_utc(now)


def utc_now() -> datetime:
    """The current time as naive UTC, the store's convention."""
    return datetime.now(UTC).replace(tzinfo=None)


def iso(moment: datetime | None) -> str | None:
    """Format a stored (naive UTC) time for JSON output, with its offset."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC).isoformat()
