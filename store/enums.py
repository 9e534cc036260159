"""The fixed vocabularies of the contract, as StrEnums every floor shares.

A StrEnum member equals its string ("sent" == DraftStatus.SENT), so the stored data, the
JSON output and the CSV files read and write exactly the strings the contract names.
Columns stay plain strings, not Enum types: the database stays readable by hand and a
later value needs no migration.
"""

from __future__ import annotations

from enum import StrEnum


class RecruiterStatus(StrEnum):
    """recruiters.csv `status`."""

    ACTIVE = "active"
    PAUSED = "paused"
    FLAGGED = "flagged"


class RoleStatus(StrEnum):
    """roles.csv `status`."""

    OPEN = "open"
    FILLED = "filled"
    CLOSED = "closed"
    ON_HOLD = "on_hold"


class AtsStatus(StrEnum):
    """candidates.csv `ats_status`."""

    PROSPECT = "prospect"
    ACTIVE = "active"
    OFFER = "offer"
    HIRED = "hired"
    REJECTED = "rejected"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Channel(StrEnum):
    """touchpoints.csv `channel`."""

    INMAIL = "inmail"
    EMAIL = "email"
    PHONE = "phone"
    SMS = "sms"
    MEETING = "meeting"
    OTHER = "other"


# The channels a thread (and so a follow-up) can be on.
THREAD_CHANNELS = (Channel.INMAIL, Channel.EMAIL)


class Direction(StrEnum):
    """touchpoints.csv `direction`."""

    OUTBOUND = "outbound"
    INBOUND = "inbound"


class Delivery(StrEnum):
    """touchpoints.csv `delivery` (outbound only; empty means delivered)."""

    DELIVERED = "delivered"
    BOUNCED = "bounced"
    FAILED = "failed"
    PENDING = "pending"


class ThreadState(StrEnum):
    """`threads list` state."""

    WAITING = "waiting"
    DRAFTED = "drafted"
    SUPPRESSED = "suppressed"
    FOLLOWED_UP = "followed_up"


class DraftStatus(StrEnum):
    """A draft's status (`drafts list`). Which status may follow which, and the only code
    that writes one, is `drafts.lifecycle`; it lives here because the store's own queries
    and figures read it."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SENDING = "sending"
    SENT = "sent"
    UNKNOWN = "unknown"
    CANCELLED = "cancelled"
    FAILED = "failed"


class Severity(StrEnum):
    """A flag's severity: `block` forbids contact, `warn` rides along with the draft."""

    BLOCK = "block"
    WARN = "warn"


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    """The plain strings of an enum, in its order (for validation lists and messages)."""
    return tuple(member.value for member in enum)
