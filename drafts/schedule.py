"""`followups schedule`: decide every thread, and write drafts only where nothing forbids one.

One run is one transaction: it reads a snapshot of the store, asks the rules about every
thread, then writes thread states, flags and drafts in set-based statements. A thread step
can hold one draft only (a unique constraint), so running twice, or two schedulers at
once, never creates a second draft.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Engine, bindparam, delete, select, update
from sqlalchemy.engine import Connection

from drafts.checks import text_flags
from drafts.context import OPEN_DRAFT_STATUSES, ThreadContext, load_snapshot, thread_view
from drafts.render import Rendered, RenderProblem, TemplateBook
from drafts.rules import Flag, blocking_flags, due_at, out_of_office_until, warning_flags
from drafts.rules import thread_followups as followups_on
from store import audit, models
from store.clock import iso
from store.config import Settings
from store.upsert import upsert

SAMPLE_SEED = 847
CHUNK = 500


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


@dataclass
class Decided:
    """What the scheduler concluded about one thread."""

    ctx: ThreadContext
    state: str
    reasons: list[str]
    flags: list[Flag] = field(default_factory=list)
    hold_until: datetime | None = None
    problem: str | None = None
    step: int = 1
    # What the LLM writer recorded (model, tokens, latency); None for Jinja drafts.
    meta: dict[str, Any] | None = None


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
    template_errors: list[dict[str, str]] = field(default_factory=list)
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
            "template_errors": self.template_errors,
            "held_by_cap": self.held_by_cap,
            "cap": self.cap,
            "automation": "on" if self.automation_on else "off",
            "dry_run": self.dry_run,
            "now": iso(self.now),
            "drafts": self.drafts if self.dry_run else [],
        }


def _existing_steps(conn: Connection) -> tuple[set[tuple[str, int]], dict[str, list[str]]]:
    d = models.FollowUpDraft.__table__
    steps: set[tuple[str, int]] = set()
    open_by_candidate: dict[str, list[str]] = defaultdict(list)
    for thread_id, step, candidate_id, status in conn.execute(
        select(d.c.thread_id, d.c.step, d.c.candidate_id, d.c.status)
    ):
        steps.add((thread_id, step))
        if status in OPEN_DRAFT_STATUSES:
            open_by_candidate[candidate_id].append(thread_id)
    return steps, open_by_candidate


def decide(ctx: ThreadContext) -> Decided:
    """Blocked, not due, on hold, or due: one thread, by the rules alone."""
    step = len(followups_on(ctx)) + 1
    blocks = blocking_flags(ctx)
    if blocks:
        codes = [f.code for f in blocks]
        state = "followed_up" if codes == ["followups_exhausted"] else "suppressed"
        return Decided(ctx, state, codes, blocks, step=step)
    due = due_at(ctx)
    if ctx.now < due:
        return Decided(ctx, "waiting", ["not_due"], hold_until=due, step=step)
    hold = out_of_office_until(ctx)
    if hold is not None and ctx.now < hold:
        return Decided(ctx, "waiting", ["out_of_office"], warning_flags(ctx), hold, step=step)
    return Decided(ctx, "due", [], step=step)


def _one_per_candidate(due: list[Decided], open_drafts: dict[str, list[str]]) -> list[Decided]:
    """Keep one due thread per candidate (the most recent initial message); hold the rest."""
    by_candidate: dict[str, list[Decided]] = defaultdict(list)
    for item in due:
        by_candidate[item.ctx.candidate.candidate_id].append(item)
    chosen = []
    for candidate_id, items in by_candidate.items():
        items.sort(key=lambda d: (d.ctx.initial.occurred_at, d.ctx.thread.thread_id), reverse=True)
        existing = open_drafts.get(candidate_id, [])
        keep = None if existing else items[0]
        for item in items:
            if item is keep:
                continue
            drafted = existing[0] if existing else keep.ctx.thread.thread_id
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
            keep.ctx.other_due_threads = [i.ctx.thread.thread_id for i in items if i is not keep]
            chosen.append(keep)
    chosen.sort(key=lambda d: (d.ctx.initial.occurred_at, d.ctx.thread.thread_id))
    return chosen


def _hold(items: list[Decided], reason: str) -> None:
    for item in items:
        item.state, item.reasons = "waiting", [reason]


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
    start_phase = progress or (lambda _label, _total: lambda _n: None)
    with engine.begin() as conn:
        if not audit.automation_enabled(conn):
            report.automation_on = False
            return report
        snapshot = load_snapshot(conn, settings, now)
        steps, open_drafts = _existing_steps(conn)
        thread_rows = conn.execute(select(models.Thread.__table__)).mappings().all()
        before = {
            r["thread_id"]: (r["state"], list(r["reasons"] or []), r["hold_until"])
            for r in thread_rows
        }

        advance = start_phase("checking threads", len(thread_rows))
        decided: list[Decided] = []
        for row in thread_rows:
            ctx = snapshot.context(thread_view(row))
            item = decide(ctx)
            if (row["thread_id"], item.step) in steps:
                report.already_drafted += 1
            else:
                decided.append(item)
            advance(1)

        due = _one_per_candidate([d for d in decided if d.state == "due"], open_drafts)
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

        rendered = (renderer or JinjaRenderer(settings)).render_all(
            [d.ctx for d in due], start_phase("writing drafts", len(due))
        )
        new_drafts = _finish_due(due, rendered, report)
        _count(decided, report)
        if dry_run:
            report.drafts = [_summary(item, text) for item, text in new_drafts]
            conn.rollback()
            return report
        run_id = uuid.uuid4().hex
        _write_threads(conn, decided, before, now)
        report.created = _write_drafts(conn, new_drafts, now, run_id)
        audit.record(
            conn,
            actor=actor,
            action="schedule",
            at=now,
            detail={k: v for k, v in report.as_json().items() if k != "drafts"} | {"run": run_id},
        )
    return report


def _finish_due(due, rendered, report) -> list[tuple[Decided, Rendered]]:
    """Attach text and warnings to each due thread; a template problem holds the thread."""
    ready = []
    for item, (text, extra_flags, meta) in zip(due, rendered, strict=True):
        if isinstance(text, RenderProblem):
            item.state, item.reasons, item.problem = "waiting", ["template_error"], str(text)
            report.template_errors.append(
                {"thread_id": item.ctx.thread.thread_id, "error": str(text)}
            )
            continue
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
        "thread_id": item.ctx.thread.thread_id,
        "candidate_id": item.ctx.candidate.candidate_id,
        "recruiter": item.ctx.thread.recruiter,
        "flags": [f.code for f in item.flags],
        "body": text.body,
    }


def _write_threads(conn: Connection, decided: list[Decided], before, now: datetime) -> None:
    """Store each thread's state and its thread-level flags, touching only what changed."""
    changed = [
        d
        for d in decided
        if before.get(d.ctx.thread.thread_id) != (d.state, d.reasons, d.hold_until)
    ]
    t = models.Thread.__table__
    statement = (
        update(t)
        .where(t.c.thread_id == bindparam("tid"))
        .values(
            state=bindparam("state"),
            reasons=bindparam("reasons"),
            hold_until=bindparam("hold"),
            problem=bindparam("problem"),
            evaluated_at=bindparam("at"),
        )
    )
    rows = [
        {
            "tid": d.ctx.thread.thread_id,
            "state": d.state,
            "reasons": d.reasons,
            "hold": d.hold_until,
            "problem": d.problem,
            "at": now,
        }
        for d in changed
    ]
    flag = models.Flag.__table__
    ids = [d.ctx.thread.thread_id for d in changed]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        conn.execute(delete(flag).where(flag.c.draft_id.is_(None), flag.c.thread_id.in_(chunk)))
    for start in range(0, len(rows), 2000):
        conn.execute(statement, rows[start : start + 2000])
    flag_rows = [
        {"thread_id": d.ctx.thread.thread_id, "draft_id": None, **f.as_dict()}
        for d in changed
        if d.state != "drafted"
        for f in d.flags
    ]
    if flag_rows:
        conn.execute(flag.insert(), flag_rows)


def _write_drafts(conn: Connection, ready, now: datetime, run_id: str) -> int:
    """Insert the drafts (a step already drafted by a racing run is skipped) and their flags."""
    if not ready:
        return 0
    rows = []
    for item, text in ready:
        ctx = item.ctx
        rows.append(
            {
                "thread_id": ctx.thread.thread_id,
                "step": item.step,
                "candidate_id": ctx.candidate.candidate_id,
                "role_id": ctx.thread.role_id,
                "recruiter": ctx.thread.recruiter,
                "channel": ctx.thread.channel,
                "status": "pending",
                "subject": text.subject,
                "body": text.body,
                "original_body": text.body,
                "engine": "llm" if item.meta else "jinja",
                "template": text.template,
                "created_at": now,
                "schedule_run": run_id,
                "version": 1,
                "cancel_codes": [],
                "attempts": 0,
                "llm_meta": item.meta,
            }
        )
    upsert(conn, models.FollowUpDraft, rows, ["thread_id", "step"], update_columns=[])
    d = models.FollowUpDraft.__table__
    ids = dict(conn.execute(select(d.c.thread_id, d.c.id).where(d.c.schedule_run == run_id)).all())
    flag_rows = [
        {
            "thread_id": item.ctx.thread.thread_id,
            "draft_id": ids[item.ctx.thread.thread_id],
            **f.as_dict(),
        }
        for item, _text in ready
        if item.ctx.thread.thread_id in ids
        for f in item.flags
    ]
    if flag_rows:
        conn.execute(models.Flag.__table__.insert(), flag_rows)
    return len(ids)
