"""What one replayed run did: its follow-ups day by day, their harms, and why it left the
other threads alone (a compact log, so two runs can be told apart thread by thread)."""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from drafts.rules.context import ThreadContext, TouchpointView
from drafts.rules.flags import Flag

# What a run that followed a thread up says about it, in the reasons of a difference.
DRAFTED = "drafted"
# A thread whose initial message was not sent yet at that moment.
NOT_STARTED = "not_started"


def moment_of(day: date, hour: int) -> datetime:
    """The moment (naive UTC) at which a replayed day is decided."""
    return datetime(day.year, day.month, day.day, hour)


def days_between(start: date, end: date) -> list[date]:
    """Every day from `start` to `end`, both included."""
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def sent_followup(ctx: ThreadContext, moment: datetime) -> TouchpointView:
    """The follow-up a replay counts as sent on this thread at `moment`: an outbound message
    on the thread's channel and role, by its recruiter, delivered."""
    return replace(
        ctx.initial,
        touchpoint_id=f"replay:{ctx.thread.thread_id}:{moment.isoformat()}",
        occurred_at=moment,
        delivery="delivered",
        subject=None,
        body=None,
    )


@dataclass(frozen=True)
class FollowUp:
    """One follow-up of a run: which thread, which day, and what blocked it then (harms)."""

    thread_id: str
    candidate_id: str
    day: date
    harms: tuple[Flag, ...] = ()


@dataclass
class Run:
    """One replayed run over a range of days."""

    name: str
    days: list[date]
    followups: list[FollowUp] = field(default_factory=list)
    # thread id -> [(day index, reasons)], appended only when the reasons change.
    _log: dict[str, list[tuple[int, tuple[str, ...]]]] = field(default_factory=dict)

    def note(self, thread_id: str, day_index: int, reasons: list[str] | tuple[str, ...]) -> None:
        """What the run concluded about a thread on a day (a draft is `DRAFTED`)."""
        entries = self._log.setdefault(thread_id, [])
        reasons = tuple(reasons)
        if not entries or entries[-1][1] != reasons:
            entries.append((day_index, reasons))

    def reasons_on(self, thread_id: str, day_index: int) -> tuple[str, ...]:
        """Why the run did what it did about a thread on a day (its latest conclusion)."""
        entries = self._log.get(thread_id, [])
        at = bisect_right([index for index, _ in entries], day_index) - 1
        return entries[at][1] if at >= 0 else (NOT_STARTED,)

    def final_reasons(self, thread_id: str) -> tuple[str, ...]:
        """The run's last conclusion about a thread."""
        return self.reasons_on(thread_id, len(self.days) - 1)

    def drafted(self) -> dict[str, FollowUp]:
        """Thread id -> the run's first follow-up on it."""
        first: dict[str, FollowUp] = {}
        for followup in self.followups:
            first.setdefault(followup.thread_id, followup)
        return first

    def by_day(self) -> dict[str, int]:
        """Follow-ups per day, every day of the range (ISO dates)."""
        counts = Counter(f.day for f in self.followups)
        return {day.isoformat(): counts.get(day, 0) for day in self.days}

    def harms(self) -> Counter:
        """Follow-ups a blocking rule covered at their moment, by code."""
        return Counter(flag.code for f in self.followups for flag in f.harms)

    def harm_examples(self, per_code: int = 3) -> dict[str, list[tuple[FollowUp, Flag]]]:
        """Up to `per_code` follow-ups of each harm code, with the flag that covers them."""
        examples: dict[str, list[tuple[FollowUp, Flag]]] = {}
        for followup in self.followups:
            for flag in followup.harms:
                shown = examples.setdefault(flag.code, [])
                if len(shown) < per_code:
                    shown.append((followup, flag))
        return examples


@dataclass(frozen=True)
class Difference:
    """A thread one run followed up and the other did not, and the other run's reasons."""

    thread_id: str
    candidate_id: str
    drafted_in: str
    day: date
    reasons: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        """The contract's shape: {"thread_id", "in", "reasons"}."""
        return {"thread_id": self.thread_id, "in": self.drafted_in, "reasons": list(self.reasons)}


def differences(first: Run, second: Run) -> list[Difference]:
    """Threads one run follows up and the other never does. The reasons are the other run's
    on the day it was followed up, then (when they changed) its last ones."""
    found = []
    for this, other in ((first, second), (second, first)):
        theirs = other.drafted()
        for thread_id, followup in this.drafted().items():
            if thread_id in theirs:
                continue
            index = this.days.index(followup.day)
            reasons = list(other.reasons_on(thread_id, index))
            reasons += [r for r in other.final_reasons(thread_id) if r not in reasons]
            found.append(
                Difference(
                    thread_id, followup.candidate_id, this.name, followup.day, tuple(reasons)
                )
            )
    found.sort(key=lambda d: (d.day, d.thread_id))
    return found
