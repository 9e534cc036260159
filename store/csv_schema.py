"""What each file of an ATS export holds (contract section 1), as data the importer reads.

A column is a name, whether it is required, and a parser that turns the cell's text into
the stored value or raises ValueError with a reason a person can act on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from store import models
from store.clock import parse_timestamp
from store.text import check_address, clean, hidden_characters, quoted

# A body above this is a broken export (a pasted attachment, a binary blob), not a message.
MAX_BODY_CHARS = 65_536
MAX_FIELD_CHARS = 4_000
# Addresses and URLs are indexed; PostgreSQL refuses index entries over about 2.7 kB.
MAX_EMAIL_CHARS = 320
MAX_URL_CHARS = 500
MAX_ID_CHARS = 200
# Stored in 32-bit integer columns; far above any real daily limit anyway.
MAX_WHOLE_NUMBER = 1_000_000
_DIGITS = re.compile(r"[0-9]+")
_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


def text(limit: int = MAX_FIELD_CHARS) -> Callable[[str], str]:
    """Free text: cleaned of control characters, bounded in length."""

    def parse(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"{len(value):,} characters is longer than the limit of {limit:,}")
        return clean(value)

    return parse


def identifier(value: str) -> str:
    """An id: trimmed of spaces, not absurdly long, and refused when it holds a control or
    invisible character. Stripping one would silently turn `c1<U+200B>` into another
    candidate's `c1`; keeping it would make two ids that print the same."""
    value = value.strip(" ")
    if len(value) > MAX_ID_CHARS:
        raise ValueError(f"an id longer than {MAX_ID_CHARS} characters: {quoted(value)}")
    if hidden := hidden_characters(value):
        raise ValueError(
            f"the id {quoted(value)} holds a control or invisible character "
            f"({', '.join(hidden[:5])}); fix the export"
        )
    if not value:
        raise ValueError("a value is required")
    return value


def one_of(choices: tuple[str, ...]) -> Callable[[str], str]:
    """A value from a fixed list, matched case-insensitively."""

    def parse(value: str) -> str:
        folded = value.strip().casefold()
        if folded not in choices:
            raise ValueError(f"{quoted(value)} is not one of {', '.join(choices)}")
        return folded

    return parse


def boolean(value: str) -> bool:
    """true/false/yes/no/1/0, any case."""
    folded = value.strip().casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ValueError(f"{quoted(value)} is not a boolean (true/false/yes/no/1/0)")


def whole_number(value: str) -> int:
    """A non-negative whole number in ASCII digits, at most MAX_WHOLE_NUMBER.

    int() alone would take "1_000", "+5" and Arabic-Indic digits, and a 30-digit number
    would only fail when the database refuses it.
    """
    digits = value.strip()
    if digits.startswith("-") and _DIGITS.fullmatch(digits[1:]):
        raise ValueError(f"{quoted(digits)} is negative")
    if not _DIGITS.fullmatch(digits):
        raise ValueError(f"{quoted(value)} is not a whole number")
    if len(digits) > 12 or int(digits) > MAX_WHOLE_NUMBER:
        raise ValueError(f"{quoted(digits)} is larger than {MAX_WHOLE_NUMBER:,}")
    return int(digits)


def email(value: str) -> str:
    """An address a message can be sent to (store.text.check_address), in its canonical
    written form: full-width letters, invisible characters and a trailing dot are gone."""
    if len(value.strip()) > MAX_EMAIL_CHARS:
        raise ValueError(
            f"an email address longer than {MAX_EMAIL_CHARS} characters: {quoted(value)}"
        )
    return check_address(value).written


def email_list(value: str) -> str:
    """More addresses of one person, `;`-separated (other_emails): each checked as `email`,
    stored in its written form, repeats dropped."""
    found: list[str] = []
    for part in value.split(";"):
        if part.strip():
            written = email(part)
            if written not in found:
                found.append(written)
    return ";".join(found)


def listed_email(value: str) -> str:
    """An address on a do-not-contact list: as `email`, but an international local part
    (which we could never send to) is still worth blocking."""
    if len(value.strip()) > MAX_EMAIL_CHARS:
        raise ValueError(
            f"an email address longer than {MAX_EMAIL_CHARS} characters: {quoted(value)}"
        )
    return check_address(value, international_local=True).written


def timezone(value: str) -> str:
    """An IANA time zone name such as Europe/Berlin."""
    value = value.strip()
    try:
        # A long value would reach the file system as a path ("File name too long").
        if len(value) > 64:
            raise ValueError(value)
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(
            f"{quoted(value)} is not an IANA time zone name (e.g. Europe/Berlin)"
        ) from None
    return value


def timestamp(value: str) -> Any:
    """ISO 8601; without an offset it is UTC."""
    return parse_timestamp(value)


@dataclass(frozen=True)
class Column:
    """One column of an export file."""

    name: str
    required: bool
    parse: Callable[[str], Any]


@dataclass(frozen=True)
class FileSpec:
    """One file of an export: its name, whether it must be there, its id column, its columns."""

    name: str
    required: bool
    key: str | None
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column | None:
        """The column of that name, if the contract has one."""
        return next((c for c in self.columns if c.name == name), None)


RECRUITERS = FileSpec(
    "recruiters.csv",
    required=False,
    key="recruiter",
    columns=(
        Column("recruiter", True, identifier),
        Column("name", False, text()),
        Column("email", False, email),
        Column("daily_limit", False, whole_number),
        Column("status", False, one_of(models.RECRUITER_STATUSES)),
    ),
)
ROLES = FileSpec(
    "roles.csv",
    required=True,
    key="role_id",
    columns=(
        Column("role_id", True, identifier),
        Column("title", True, text()),
        Column("status", True, one_of(models.ROLE_STATUSES)),
        Column("hiring_manager", False, text()),
        Column("location", False, text()),
    ),
)
CANDIDATES = FileSpec(
    "candidates.csv",
    required=True,
    key="candidate_id",
    columns=(
        Column("candidate_id", True, identifier),
        Column("full_name", True, text()),
        Column("first_name", False, text()),
        Column("email", False, email),
        Column("linkedin_url", False, text(MAX_URL_CHARS)),
        Column("company", False, text()),
        Column("title", False, text()),
        Column("location", False, text()),
        Column("timezone", False, timezone),
        Column("ats_status", True, one_of(models.ATS_STATUSES)),
        Column("do_not_contact", False, boolean),
        Column("notes", False, text(MAX_BODY_CHARS)),
        Column("other_emails", False, email_list),
    ),
)
TOUCHPOINTS = FileSpec(
    "touchpoints.csv",
    required=True,
    key="touchpoint_id",
    columns=(
        Column("touchpoint_id", True, identifier),
        Column("candidate_id", True, identifier),
        Column("role_id", False, identifier),
        Column("recruiter", False, identifier),
        Column("channel", True, one_of(models.CHANNELS)),
        Column("direction", True, one_of(models.DIRECTIONS)),
        Column("occurred_at", True, timestamp),
        Column("delivery", False, one_of(models.DELIVERIES)),
        Column("subject", False, text()),
        Column("body", False, text(MAX_BODY_CHARS)),
    ),
)
SUPPRESSIONS = FileSpec(
    "suppressions.csv",
    required=False,
    key=None,
    columns=(
        Column("candidate_id", False, identifier),
        Column("email", False, listed_email),
        Column("linkedin_url", False, text(MAX_URL_CHARS)),
        Column("reason", False, text()),
    ),
)
STATUS_HISTORY = FileSpec(
    "status_history.csv",
    required=False,
    # Keyed by (candidate_id, changed_at): store.status_history checks and writes it.
    key=None,
    columns=(
        Column("candidate_id", True, identifier),
        Column("ats_status", True, one_of(models.ATS_STATUSES)),
        Column("changed_at", True, timestamp),
    ),
)

# In dependency order: a file may refer only to ids of the files before it.
EXPORT_FILES = (RECRUITERS, ROLES, CANDIDATES, TOUCHPOINTS, SUPPRESSIONS, STATUS_HISTORY)

# Every column of every file, in the contract's order: what exporters (the demo, tests,
# benchmarks) write.
EXPORT_COLUMNS = {spec.name: [c.name for c in spec.columns] for spec in EXPORT_FILES}
