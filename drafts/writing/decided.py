"""What the scheduler concludes: each thread's state, and the run's report.

`decide` turns the pipeline's answer about one thread (drafts.rules.pipeline.may_draft)
into the thread's state: suppressed or followed up (blocked), waiting (held), or due.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from drafts.rules.context import ThreadContext, ThreadView
from drafts.rules.flags import Flag
from drafts.rules.pipeline import may_draft
from drafts.rules.thread_rules import thread_followups
from drafts.writing.render import Rendered
from store.clock import iso
from store.enums import ThreadState

# Not a stored state: a thread nothing holds, about to be drafted (or held by the run).
DUE = "due"


class ExistingDraft(NamedTuple):
    """A draft already in the store for a thread step."""

    id: int
    candidate_id: str
    status: str
    version: int


@dataclass
class Decided:
    """What the scheduler concluded about one thread."""

    thread: ThreadView
    ctx: ThreadContext | None
    state: str
    reasons: list[str]
    flags: list[Flag] = field(default_factory=list)
    hold_until: datetime | None = None
    problem: str | None = None
    step: int = 1
    # What the LLM writer recorded (model, tokens, latency); None for Jinja drafts.
    meta: dict[str, Any] | None = None
    # A pending draft of this step that the rules now forbid: cancelled by this run.
    cancel: ExistingDraft | None = None


@dataclass
class ScheduleReport:
    """A run's outcome: what `schedule` prints, and its --json document."""

    now: datetime
    dry_run: bool
    automation_on: bool = True
    created: int = 0
    suppressed: Counter = field(default_factory=Counter)
    not_due: int = 0
    waiting: Counter = field(default_factory=Counter)
    followed_up: int = 0
    already_drafted: int = 0
    cancelled: int = 0
    template_errors: list[dict[str, str]] = field(default_factory=list)
    problems: list[dict[str, str]] = field(default_factory=list)
    held_by_cap: int = 0
    cap: int = 0
    drafts: list[dict[str, Any]] = field(default_factory=list)
    # Whether every thread was decided, and how many were (drafts.writing.incremental).
    full: bool = True
    decided: int = 0

    def as_json(self) -> dict[str, Any]:
        """The contract's `schedule --json` document, plus detail."""
        return {
            "created": self.created,
            "suppressed": dict(sorted(self.suppressed.items())),
            "not_due": self.not_due,
            "waiting": dict(sorted(self.waiting.items())),
            "followed_up": self.followed_up,
            "already_drafted": self.already_drafted,
            "cancelled": self.cancelled,
            "template_errors": self.template_errors,
            "problems": self.problems,
            "held_by_cap": self.held_by_cap,
            "cap": self.cap,
            "automation": "on" if self.automation_on else "off",
            "dry_run": self.dry_run,
            "now": iso(self.now),
            "drafts": self.drafts if self.dry_run else [],
            "full": self.full,
            "decided": self.decided,
        }


def decide(ctx: ThreadContext) -> Decided:
    """Blocked, not due, on hold, or due: one thread, by the pipeline's thread rules."""
    step = len(thread_followups(ctx)) + 1
    answer = may_draft(ctx)
    if answer.blocking:
        codes = [f.code for f in answer.blocking]
        exhausted = codes == ["followups_exhausted"]
        state = ThreadState.FOLLOWED_UP if exhausted else ThreadState.SUPPRESSED
        return Decided(ctx.thread, ctx, state, codes, answer.blocking, step=step)
    if answer.holds:
        hold = answer.holds[0]
        reasons = [str(hold.code)]
        return Decided(
            ctx.thread,
            ctx,
            ThreadState.WAITING,
            reasons,
            answer.warnings,
            hold.not_before,
            step=step,
        )
    return Decided(ctx.thread, ctx, DUE, [], step=step)


def count(decided: list[Decided], report: ScheduleReport) -> None:
    """Count each thread's outcome into the report."""
    for item in decided:
        if item.state == ThreadState.SUPPRESSED:
            report.suppressed.update(item.reasons)
        elif item.state == ThreadState.FOLLOWED_UP:
            report.followed_up += 1
        elif item.state == ThreadState.WAITING and item.reasons == ["not_due"]:
            report.not_due += 1
        elif item.state == ThreadState.WAITING:
            report.waiting.update(item.reasons)
        elif item.state == ThreadState.DRAFTED and report.dry_run:
            report.created += 1


def summary(item: Decided, text: Rendered) -> dict[str, Any]:
    """A dry run's line about a draft it would write."""
    return {
        "thread_id": item.thread.thread_id,
        "candidate_id": item.thread.candidate_id,
        "recruiter": item.thread.recruiter,
        "flags": [f.code for f in item.flags],
        "body": text.body,
    }
