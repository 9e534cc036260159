"""`followups schedule`: decide every thread, and write drafts only where nothing forbids one.

One run is one transaction: it reads a snapshot of the store, asks the rules about every
thread, then writes thread states, flags and drafts in set-based statements. A thread step
can hold one draft only (a unique constraint), so running twice, or two schedulers at
once, never creates a second draft. A pending draft whose thread a rule now blocks (the
candidate answered since, say) is cancelled, so no draft waits for someone it must not reach.
"""

from __future__ import annotations

import gc
import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection

from drafts import lifecycle
from drafts.rules.context import (
    MissingInitialMessage,
    ThreadContext,
    ThreadView,
    load_snapshot,
    thread_columns,
)
from drafts.rules.flags import Flag
from drafts.rules.text_checks import text_flags
from drafts.rules.thread_rules import blocking_flags, due_at, out_of_office_until, warning_flags
from drafts.rules.thread_rules import thread_followups as followups_on
from drafts.writing.render import Rendered, RenderProblem, TemplateBook
from drafts.writing.writes import write_drafts, write_threads
from store import audit, models
from store.clock import iso
from store.config import Settings
from store.locks import serialise
from store.text import clean

SAMPLE_SEED = 847


class Renderer(Protocol):
    """Turns due threads into text: the Jinja book, or the LLM writer."""

    def render_all(
        self, contexts: list[ThreadContext], advance: Callable[[int], None]
    ) -> list[tuple[Rendered | RenderProblem, list[Flag], dict[str, Any] | None]]: ...


class JinjaRenderer:
    """Renders every due thread from the team's Jinja templates."""

    def __init__(self, settings: Settings):
        self.book = TemplateBook(settings)

    def render_all(self, contexts, advance):
        """Render each context; a problem is returned in place of a text, never raised."""
        results = []
        for ctx in contexts:
            try:
                results.append((self.book.render(ctx), [], None))
            except RenderProblem as problem:
                results.append((problem, [], None))
            advance(1)
        return results


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
        }


def decide(ctx: ThreadContext) -> Decided:
    """Blocked, not due, on hold, or due: one thread, by the rules alone."""
    step = len(followups_on(ctx)) + 1
    blocks = blocking_flags(ctx)
    if blocks:
        codes = [f.code for f in blocks]
        state = "followed_up" if codes == ["followups_exhausted"] else "suppressed"
        return Decided(ctx.thread, ctx, state, codes, blocks, step=step)
    due = due_at(ctx)
    if ctx.now < due:
        return Decided(ctx.thread, ctx, "waiting", ["not_due"], hold_until=due, step=step)
    hold = out_of_office_until(ctx)
    if hold is not None and ctx.now < hold:
        flags = warning_flags(ctx)
        return Decided(ctx.thread, ctx, "waiting", ["out_of_office"], flags, hold, step=step)
    return Decided(ctx.thread, ctx, "due", [], step=step)


@contextmanager
def _collector_paused() -> Iterator[None]:
    # A run builds a few small objects per touchpoint and drops them all at the end. The
    # cyclic collector would walk that growing heap again and again (about 40% of a large
    # run) for garbage reference counting frees anyway: nothing here makes cycles.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def schedule(
    engine: Engine,
    settings: Settings,
    now: datetime,
    *,
    sample: int | None = None,
    limit: int | None = None,
    dry_run: bool = False,
    seed: int = SAMPLE_SEED,
    renderer: Renderer | None = None,
    progress: Callable[[str, int], Callable[[int], None]] | None = None,
    actor: str = "scheduler",
) -> ScheduleReport:
    """Decide every thread at `now`; create drafts for the due ones. See the module doc."""
    report = ScheduleReport(now=now, dry_run=dry_run, cap=settings.limits.drafts_per_run)
    options = {"sample": sample, "limit": limit, "seed": seed, "actor": actor}
    phase = progress or (lambda _label, _total: lambda _n: None)
    # Paused around the whole run, so the run's objects are freed before it comes back on.
    with _collector_paused(), engine.begin() as conn:
        # Two runs at once (two cron jobs, a run and the demo) take turns, never interleave.
        serialise(conn, "schedule")
        if audit.automation_enabled(conn):
            _run(conn, settings, report, renderer or JinjaRenderer(settings), phase, options)
        else:
            report.automation_on = False
    return report


def _run(conn: Connection, settings, report, renderer, phase, options) -> None:
    """One run inside its transaction: decide, pick, render, write (or roll back)."""
    now = report.now
    snapshot = load_snapshot(conn, settings, now)
    existing = _existing_drafts(conn)
    t = models.Thread.__table__
    thread_rows = conn.execute(
        select(*thread_columns(), t.c.state, t.c.reasons, t.c.hold_until, t.c.problem)
    ).all()
    width = len(ThreadView.__slots__)
    before = {row[0]: (row[width], row[width + 1] or [], *row[width + 2 :]) for row in thread_rows}

    advance = phase("checking threads", len(thread_rows))
    decided: list[Decided] = []
    for row in thread_rows:
        item = _decide_row(snapshot, ThreadView(*row[:width]), existing, report)
        if item is not None:
            decided.append(item)
        advance(1)

    due = [d for d in decided if d.state == "due"]
    due = _one_per_candidate(due, _open_drafts(existing, decided))
    due = _pick(due, options["sample"], options["limit"], options["seed"], report)
    rendered = renderer.render_all([d.ctx for d in due], phase("writing drafts", len(due)))
    new_drafts = _finish_due(due, rendered, report)
    _count(decided, report)
    if report.dry_run:
        report.drafts = [_summary(item, text) for item, text in new_drafts]
        conn.rollback()
        return
    run_id = uuid.uuid4().hex
    actor = options["actor"]
    report.cancelled = _cancel_drafts(conn, [d for d in decided if d.cancel], now, actor)
    write_threads(conn, [d for d in decided if before.get(d.thread.thread_id) != _key(d)], now)
    report.created = write_drafts(conn, new_drafts, now, run_id)
    audit.record(
        conn,
        actor=actor,
        action="schedule",
        at=now,
        detail={k: v for k, v in report.as_json().items() if k != "drafts"} | {"run": run_id},
    )


def _key(item: Decided) -> tuple[str, list[str], datetime | None, str | None]:
    return item.state, item.reasons, item.hold_until, item.problem


def _existing_drafts(conn: Connection) -> dict[tuple[str, int], ExistingDraft]:
    d = models.FollowUpDraft.__table__
    rows = conn.execute(
        select(d.c.thread_id, d.c.step, d.c.id, d.c.candidate_id, d.c.status, d.c.version)
    )
    return {(r[0], r[1]): ExistingDraft(*r[2:]) for r in rows}


def _decide_row(snapshot, view: ThreadView, existing, report: ScheduleReport) -> Decided | None:
    """One thread's decision, or None when its next step was drafted earlier and may stay."""
    try:
        ctx = snapshot.context(view)
    except MissingInitialMessage as problem:
        report.problems.append({"thread_id": view.thread_id, "error": str(problem)})
        return Decided(view, None, "waiting", ["initial_missing"], problem=str(problem))
    item = decide(ctx)
    draft = existing.get((view.thread_id, item.step))
    if draft is None:
        return item
    if item.state in ("suppressed", "followed_up"):
        # Blocked since it was drafted: the thread says why now. A pending draft is
        # cancelled here; an approved one stays for the sender, which rechecks and cancels.
        if draft.status == lifecycle.PENDING:
            item.cancel = draft
        return item
    report.already_drafted += 1
    return None


def _open_drafts(existing, decided: list[Decided]) -> dict[str, list[str]]:
    """Candidates with a draft still on its way (not the ones this run cancels)."""
    cancelling = {d.cancel.id for d in decided if d.cancel}
    open_by_candidate: dict[str, list[str]] = defaultdict(list)
    for (thread_id, _step), draft in existing.items():
        if draft.status in lifecycle.OPEN and draft.id not in cancelling:
            open_by_candidate[draft.candidate_id].append(thread_id)
    return open_by_candidate


def _one_per_candidate(due: list[Decided], open_drafts: dict[str, list[str]]) -> list[Decided]:
    """Keep one due thread per candidate (the most recent initial message); hold the rest."""
    by_candidate: dict[str, list[Decided]] = defaultdict(list)
    for item in due:
        by_candidate[item.thread.candidate_id].append(item)
    chosen = []
    for candidate_id, items in by_candidate.items():
        items.sort(key=lambda d: (d.ctx.initial.occurred_at, d.thread.thread_id), reverse=True)
        existing = open_drafts.get(candidate_id, [])
        keep = None if existing else items[0]
        for item in items:
            if item is keep:
                continue
            drafted = existing[0] if existing else keep.thread.thread_id
            item.state, item.reasons = "waiting", ["other_threads"]
            item.flags = [
                Flag(
                    "other_threads",
                    "warn",
                    f"This candidate already has a draft on thread {drafted}; one at a time",
                    {"drafted_thread": drafted},
                )
            ]
        if keep is not None:
            keep.ctx.other_due_threads = [i.thread.thread_id for i in items if i is not keep]
            chosen.append(keep)
    chosen.sort(key=lambda d: (d.ctx.initial.occurred_at, d.thread.thread_id))
    return chosen


def _pick(due: list[Decided], sample, limit, seed, report: ScheduleReport) -> list[Decided]:
    """Apply --sample, --limit and the per-run cap, in that order; the rest wait."""
    if sample is not None and sample < len(due):
        picked = set(random.Random(seed).sample(range(len(due)), sample))
        _hold([d for i, d in enumerate(due) if i not in picked], "held_by_sample")
        due = [d for i, d in enumerate(due) if i in picked]
    if limit is not None and limit < len(due):
        _hold(due[limit:], "held_by_limit")
        due = due[:limit]
    if len(due) > report.cap:
        report.held_by_cap = len(due) - report.cap
        _hold(due[report.cap :], "held_by_run_cap")
        due = due[: report.cap]
    return due


def _hold(items: list[Decided], reason: str) -> None:
    for item in items:
        item.state, item.reasons = "waiting", [reason]


def _finish_due(due, rendered, report) -> list[tuple[Decided, Rendered]]:
    """Attach text and warnings to each due thread; a template problem holds the thread."""
    ready = []
    for item, (text, extra_flags, meta) in zip(due, rendered, strict=True):
        if isinstance(text, RenderProblem):
            item.state, item.reasons, item.problem = "waiting", ["template_error"], str(text)
            report.template_errors.append({"thread_id": item.thread.thread_id, "error": str(text)})
            continue
        # Model output is untrusted text like any other: no control characters reach the
        # store, the reviewer's terminal or the recipient (the LLM checks saw the raw text).
        text = replace(
            text,
            subject=clean(text.subject) if text.subject else text.subject,
            body=clean(text.body),
        )
        item.state = "drafted"
        item.flags = warning_flags(item.ctx) + text_flags(text.body) + list(extra_flags)
        item.reasons = [f.code for f in item.flags]
        item.meta = meta
        ready.append((item, text))
    return ready


def _count(decided: list[Decided], report: ScheduleReport) -> None:
    for item in decided:
        if item.state == "suppressed":
            report.suppressed.update(item.reasons)
        elif item.state == "followed_up":
            report.followed_up += 1
        elif item.state == "waiting" and item.reasons == ["not_due"]:
            report.not_due += 1
        elif item.state == "waiting":
            report.waiting.update(item.reasons)
        elif item.state == "drafted" and report.dry_run:
            report.created += 1


def _summary(item: Decided, text: Rendered) -> dict[str, Any]:
    return {
        "thread_id": item.thread.thread_id,
        "candidate_id": item.thread.candidate_id,
        "recruiter": item.thread.recruiter,
        "flags": [f.code for f in item.flags],
        "body": text.body,
    }


def _cancel_drafts(conn: Connection, items: list[Decided], now: datetime, actor: str) -> int:
    """Cancel pending drafts whose thread a rule now blocks, saying why (as the sender does)."""
    cancelled = 0
    for item in items:
        draft = item.cancel
        cancelled += lifecycle.cancel(
            conn,
            {
                "id": draft.id,
                "status": draft.status,
                "version": draft.version,
                "thread_id": item.thread.thread_id,
                "candidate_id": item.thread.candidate_id,
            },
            flags=[f.as_dict() for f in item.flags],
            codes=list(item.reasons),
            reason="; ".join(f.message for f in item.flags),
            actor=actor,
            at=now,
        )
    return cancelled
