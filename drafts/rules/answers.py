"""What the pipeline answers: blocking flags, warnings, holds and send-only refusals, typed.

A Flag (drafts.rules.flags) is a rule's finding about a thread: it is stored and shown.
A Hold says "not now, maybe later" (not due, away, another thread first, a cap, a window).
A Refusal is a send-only reason that cancels an approved draft without being a thread
rule (the text changed since approval, the record is gone). A Stop halts a whole run
(automation off, the volume alarm).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from drafts.rules.flags import Flag


class Reason(StrEnum):
    """Codes of holds, refusals and stops: the reasons that are not thread flags."""

    NOT_DUE = "not_due"
    OUT_OF_OFFICE = "out_of_office"
    OTHER_THREADS = "other_threads"
    DAILY_LIMIT = "daily_limit"
    RECENT_CONTACT = "recent_contact"
    SEND_WINDOW = "send_window"
    MISSING = "missing"
    INITIAL_MISSING = "initial_missing"
    EDITED_AFTER_APPROVAL = "edited_after_approval"
    AUTOMATION_OFF = "automation_off"
    VOLUME_ALARM = "volume_alarm"


@dataclass(frozen=True)
class Hold:
    """Why a thread or draft waits, and from when (naive UTC) it may go; None: no date."""

    code: str
    reason: str
    not_before: datetime | None
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Refusal:
    """A send-only reason to cancel an approved draft (no flag row is stored for it)."""

    code: Reason
    reason: str


@dataclass(frozen=True)
class Stop:
    """A reason to stop a whole run before (another) message goes."""

    code: Reason
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass
class Answer:
    """The pipeline's answer about one thread or draft, at one moment."""

    blocking: list[Flag] = field(default_factory=list)
    warnings: list[Flag] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)

    @property
    def may(self) -> bool:
        """Nothing blocks, refuses or holds: it may be drafted (or sent) now."""
        return not (self.blocking or self.refusals or self.holds)

    @property
    def cancels(self) -> bool:
        """A blocking flag or a refusal: an existing draft must be cancelled."""
        return bool(self.blocking or self.refusals)

    @property
    def cancel_codes(self) -> list[str]:
        """The codes a cancelled draft records."""
        return [f.code for f in self.blocking] + [str(r.code) for r in self.refusals]

    @property
    def cancel_reason(self) -> str:
        """The sentence a cancelled draft records."""
        return "; ".join([f.message for f in self.blocking] + [r.reason for r in self.refusals])
