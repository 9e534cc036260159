"""`followups schedule`: decide every thread, and write drafts only where nothing forbids one.

A run has three steps, and holds SQLite's write lock only in the last, short one:
it decides in a read (a snapshot of the store, the pipeline drafts.rules.pipeline asked
about every thread), renders the due threads with no transaction open (a model may take
minutes), then writes in one transaction that re-checks what it relies on: the admin
switch (off meanwhile: nothing is written), and every decision, made again from a fresh
snapshot, unless nothing the rules read changed since the read (no new mark, no audit
entry, no other run: drafts.writing.incremental.Scope), when the read's decisions stand.
A rendered text is written only for a thread still due at the same step whose template
values did not change meanwhile; one that changed, or became due only now, waits
for the next run (reason `changed_while_drafting`). Thread states, flags and drafts are
written in set-based statements. A thread step can hold one draft only (a unique constraint), so
running twice, or two schedulers at once, never creates a second draft. A pending draft
whose thread a rule now blocks (the candidate answered since, say) is cancelled, so no
draft waits for someone it must not reach.
"""

from __future__ import annotations

import gc
import random
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection

from drafts import lifecycle
from drafts.rules.context import MissingInitialMessage, ThreadView, load_snapshot, thread_columns
from drafts.rules.pipeline import automation_stop, draft_flags, one_draft_per_candidate
from drafts.writing import incremental
from drafts.writing.decided import (
    DUE,
    Decided,
    ExistingDraft,
    ScheduleReport,
    count,
    decide,
    summary,
)
from drafts.writing.opt_out import with_opt_out
from drafts.writing.render import (
    JinjaRenderer,
    Rendered,
    Renderer,
    RenderProblem,
    template_context,
)
from drafts.writing.writes import write_drafts, write_threads
from store import audit, models
from store.config import Settings
from store.enums import ThreadState
from store.locks import serialise
from store.text import clean

SAMPLE_SEED = 847


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
    full: bool = False,
) -> ScheduleReport:
    """Decide the threads whose answer can have changed (every one with `full`) at `now`;
    create drafts for the due ones. See the module doc and drafts.writing.incremental."""
    report = ScheduleReport(now=now, dry_run=dry_run, cap=settings.limits.drafts_per_run)
    options = {"sample": sample, "limit": limit, "seed": seed, "actor": actor}
    phase = progress or (lambda _label, _total: lambda _n: None)
    renderer = renderer or JinjaRenderer(settings)
    # Paused around the whole run, so the run's objects are freed before it comes back on.
    with _collector_paused():
        with engine.connect() as conn:  # a read: no lock, readers and writers go on
            if automation_stop(conn) is not None:
                report.automation_on = False
                return report
            reach = incremental.scope(conn, settings, now, full=full, consume=False)
            plan = _plan(conn, settings, report, options, phase, reach)
        rendered = renderer.render_all(
            [d.ctx for d in plan.due], phase("writing drafts", len(plan.due))
        )
        if dry_run:
            new_drafts = _finish_due(plan.due, rendered, report)
            count(plan.decided, report)
            report.drafts = [summary(item, text) for item, text in new_drafts]
            return report
        with engine.begin() as conn:
            # Two runs at once (two cron jobs, a run and the demo) write in turns.
            serialise(conn, "schedule")
            if automation_stop(conn) is not None:
                report.automation_on = False  # switched off while drafting
                return report
            # Marks are taken before the fresh snapshot is read: whatever changes later
            # marks again and is decided by the next run.
            again = incremental.scope(conn, settings, now, full=full, consume=True)
            # Nothing changed since the read step (see incremental.Scope): its decisions
            # stand. Else decide again from a fresh snapshot.
            fresh = plan if again == reach else None
            report = _write(conn, settings, plan, rendered, options, report, again, fresh)
            incremental.forget_own_marks(conn)
            incremental.record(conn, settings, now)
            return report


class _Plan(NamedTuple):
    decided: list[Decided]
    due: list[Decided]
    before: dict[str, tuple]


def _plan(conn: Connection, settings, report, options, phase, reach: incremental.Scope) -> _Plan:
    """Decide the threads in reach from one snapshot, and pick the due ones to draft."""
    ids = None if reach.full else sorted(reach.candidates or ())
    snapshot = load_snapshot(conn, settings, report.now, ids)
    existing = _existing_drafts(conn, ids)
    t = models.Thread.__table__
    query = select(*thread_columns(), t.c.state, t.c.reasons, t.c.hold_until, t.c.problem)
    if ids is not None:
        query = query.where(t.c.candidate_id.in_(ids))
    thread_rows = conn.execute(query).all()
    width = len(ThreadView.__slots__)
    before = {row[0]: (row[width], row[width + 1] or [], *row[width + 2 :]) for row in thread_rows}

    advance = phase("checking threads", len(thread_rows))
    decided: list[Decided] = []
    for row in thread_rows:
        item = _decide_row(snapshot, ThreadView(*row[:width]), existing, report)
        if item is not None:
            decided.append(item)
        advance(1)

    report.full = reach.full
    report.decided = len(thread_rows)
    if not reach.full:
        incremental.count_unchanged(conn, before, report)
    due = _one_per_candidate([d for d in decided if d.state == DUE], existing, decided)
    due = _pick(due, options["sample"], options["limit"], options["seed"], report)
    return _Plan(decided, due, before)


def _write(
    conn: Connection, settings, plan: _Plan, rendered, options, first, reach, fresh
) -> ScheduleReport:
    """Decide again from a fresh snapshot (unless `fresh`, the read step's plan, still
    holds), keep the texts still valid, write (see the module doc)."""
    now = first.now
    if fresh is None:
        report = ScheduleReport(now=now, dry_run=False, cap=first.cap)
        fresh = _plan(
            conn, settings, report, options, lambda _label, _total: lambda _n: None, reach
        )
    else:
        report = first
    texts = {
        (item.thread.thread_id, item.step): (template_context(item.ctx), result)
        for item, result in zip(plan.due, rendered, strict=True)
    }
    due, results = [], []
    for item in fresh.due:
        earlier = texts.get((item.thread.thread_id, item.step))
        if earlier is None or earlier[0] != template_context(item.ctx):
            item.state, item.reasons = ThreadState.WAITING, ["changed_while_drafting"]
            continue
        due.append(item)
        results.append(earlier[1])
    new_drafts = _finish_due(due, results, report)
    count(fresh.decided, report)
    run_id = uuid.uuid4().hex
    actor = options["actor"]
    decided = fresh.decided
    report.cancelled = _cancel_drafts(conn, [d for d in decided if d.cancel], now, actor)
    changed = [d for d in decided if fresh.before.get(d.thread.thread_id) != _key(d)]
    write_threads(conn, changed, now)
    report.created = write_drafts(conn, new_drafts, now, run_id)
    audit.record(
        conn,
        actor=actor,
        action="schedule",
        at=now,
        detail={k: v for k, v in report.as_json().items() if k != "drafts"} | {"run": run_id},
    )
    return report


def _key(item: Decided) -> tuple[str, list[str], datetime | None, str | None]:
    return item.state, item.reasons, item.hold_until, item.problem


def _existing_drafts(
    conn: Connection, ids: list[str] | None
) -> dict[tuple[str, int], ExistingDraft]:
    d = models.FollowUpDraft.__table__
    query = select(d.c.thread_id, d.c.step, d.c.id, d.c.candidate_id, d.c.status, d.c.version)
    if ids is not None:
        query = query.where(d.c.candidate_id.in_(ids))
    rows = conn.execute(query)
    return {(r[0], r[1]): ExistingDraft(*r[2:]) for r in rows}


def _decide_row(snapshot, view: ThreadView, existing, report: ScheduleReport) -> Decided | None:
    """One thread's decision, or None when its next step was drafted earlier and may stay."""
    try:
        ctx = snapshot.context(view)
    except MissingInitialMessage as problem:
        report.problems.append({"thread_id": view.thread_id, "error": str(problem)})
        return Decided(view, None, ThreadState.WAITING, ["initial_missing"], problem=str(problem))
    item = decide(ctx)
    draft = existing.get((view.thread_id, item.step))
    if draft is None:
        return item
    if item.state in (ThreadState.SUPPRESSED, ThreadState.FOLLOWED_UP):
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


def _one_per_candidate(due: list[Decided], existing, decided: list[Decided]) -> list[Decided]:
    """The pipeline's candidate rule: the threads to draft; the others wait, saying why."""
    chosen, held = one_draft_per_candidate([d.ctx for d in due], _open_drafts(existing, decided))
    by_thread = {d.thread.thread_id: d for d in due}
    for thread_id, answer in held.items():
        item = by_thread[thread_id]
        item.state, item.reasons = ThreadState.WAITING, [str(answer.holds[0].code)]
        item.flags = answer.warnings
    return [by_thread[ctx.thread.thread_id] for ctx in chosen]


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
        item.state, item.reasons = ThreadState.WAITING, [reason]


def _finish_due(due, rendered, report) -> list[tuple[Decided, Rendered]]:
    """Attach text and warnings to each due thread; a template problem holds the thread."""
    ready = []
    for item, (text, extra_flags, meta) in zip(due, rendered, strict=True):
        if isinstance(text, RenderProblem):
            item.state, item.reasons = ThreadState.WAITING, ["template_error"]
            item.problem = str(text)
            report.template_errors.append({"thread_id": item.thread.thread_id, "error": str(text)})
            continue
        # Model output is untrusted text like any other: no control characters reach the
        # store, the reviewer's terminal or the recipient (the LLM checks saw the raw text).
        # The opt-out line is part of the text the reviewer approves, never added later.
        text = replace(
            text,
            subject=clean(text.subject) if text.subject else text.subject,
            body=with_opt_out(clean(text.body), item.ctx.settings.send.opt_out_line),
        )
        item.state = ThreadState.DRAFTED
        item.flags = draft_flags(item.ctx, text.body, extra_flags)
        item.reasons = [f.code for f in item.flags]
        item.meta = meta
        ready.append((item, text))
    return ready


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
