"""Words several floors share, each spelled once: calendar names and the reply subject.

English and spelled out, so no process locale changes them (strftime's %B would).
"""

from __future__ import annotations

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
REPLY_PREFIX = "Re:"


def reply_subject(original: str | None) -> str:
    """The subject of a reply to a message: "Re: <its subject>", never "Re: Re: ..."."""
    subject = (original or "").strip()
    if subject.lower().startswith(REPLY_PREFIX.lower()):
        return subject
    return f"{REPLY_PREFIX} {subject}".strip()
