"""What a reviewer reads: a page of the queue, one draft's whole context, suppressed threads.

Plain functions over a Connection (no Textual). The queue is paged by draft id, so a
store with 100k pending drafts costs one indexed range scan per page, never a full load.
The flags a reviewer sees come from the same rule functions the scheduler and sender ask,
run again on the store as it is now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.engine import Connection

from drafts.rules.context import CandidateView, TouchpointView, load_snapshot, thread_view
from drafts.rules.flags import Flag
from drafts.rules.text_checks import text_flags
from drafts.rules.thread_rules import blocking_flags, warning_flags
from store import models
from store.config import Settings
from store.enums import DraftStatus

PAGE = 200
D = models.FollowUpDraft.__table__
C = models.Candidate.__table__
R = models.Role.__table__
T = models.Thread.__table__
F = models.Flag.__table__
DEC = models.Decision.__table__


@dataclass(frozen=True)
class QueueFilter:
    """Which drafts the queue lists. None means "any"."""

    status: str | None = "pending"
    flag: str | None = None
    recruiter: str | None = None
    role: str | None = None
    search: str | None = None


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue."""

    id: int
    version: int
    status: str
    candidate_id: str
    candidate_name: str
    role_title: str | None
    recruiter: str | None
    channel: str
    created_at: datetime
    initial_at: datetime | None = None
    flags: tuple[tuple[str, str], ...] = ()  # (code, severity) as stored at drafting/edit


def _like(text: str) -> str:
    escaped = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def queue_source() -> Any:
    """The tables the queue reads: each draft with its candidate and (if any) role."""
    return D.join(C, C.c.candidate_id == D.c.candidate_id).outerjoin(R, R.c.role_id == D.c.role_id)


def free_to(reviewer: str, now: datetime) -> Any:
    """A draft nobody else holds a live lease on (this reviewer's own lease counts as free)."""
    return or_(
        D.c.claimed_by.is_(None),
        D.c.claimed_by == reviewer,
        D.c.claim_expires_at.is_(None),
        D.c.claim_expires_at <= now,
    )


def queue_clauses(filt: QueueFilter, reviewer: str, now: datetime) -> list[Any]:
    """The WHERE clauses of the filter, for `reviewer` at `now` (over `queue_source`)."""
    clauses: list[Any] = []
    if filt.status:
        clauses.append(D.c.status == filt.status)
    if filt.status == DraftStatus.PENDING:
        # A draft another reviewer holds a live lease on is theirs to decide: skip it.
        clauses.append(free_to(reviewer, now))
    if filt.recruiter:
        clauses.append(D.c.recruiter == filt.recruiter)
    if filt.role:
        clauses.append(D.c.role_id == filt.role)
    if filt.flag:
        clauses.append(D.c.id.in_(select(F.c.draft_id).where(F.c.code == filt.flag)))
    if filt.search:
        pattern = _like(filt.search)
        clauses.append(
            or_(
                func.lower(C.c.full_name).like(pattern, escape="\\"),
                func.lower(D.c.candidate_id).like(pattern, escape="\\"),
                func.lower(R.c.title).like(pattern, escape="\\"),
                func.lower(D.c.body).like(pattern, escape="\\"),
            )
        )
    return clauses


def load_page(
    conn: Connection,
    filt: QueueFilter,
    *,
    reviewer: str,
    now: datetime,
    after_id: int | None = None,
    before_id: int | None = None,
    limit: int = PAGE,
) -> list[QueueRow]:
    """A page of the queue in id order: after `after_id`, or the page just before `before_id`."""
    clauses = queue_clauses(filt, reviewer, now)
    order = D.c.id
    if after_id is not None:
        clauses.append(D.c.id > after_id)
    if before_id is not None:
        clauses.append(D.c.id < before_id)
        order = D.c.id.desc()
    query = (
        select(
            D.c.id,
            D.c.version,
            D.c.status,
            D.c.candidate_id,
            C.c.full_name,
            R.c.title,
            D.c.recruiter,
            D.c.channel,
            D.c.created_at,
            T.c.initial_at,
        )
        .select_from(
            D.join(C, C.c.candidate_id == D.c.candidate_id)
            .outerjoin(R, R.c.role_id == D.c.role_id)
            .join(T, T.c.thread_id == D.c.thread_id)
        )
        .where(and_(True, *clauses))
        .order_by(order)
        .limit(limit)
    )
    rows = conn.execute(query).all()
    if before_id is not None:
        rows.reverse()
    flags: dict[int, list[tuple[str, str]]] = {}
    ids = [r[0] for r in rows]
    if ids:
        for draft_id, code, severity in conn.execute(
            select(F.c.draft_id, F.c.code, F.c.severity).where(F.c.draft_id.in_(ids))
        ):
            flags.setdefault(draft_id, []).append((code, severity))
    return [QueueRow(*r, flags=tuple(sorted(flags.get(r[0], [])))) for r in rows]


def count_queue(conn: Connection, filt: QueueFilter, *, reviewer: str, now: datetime) -> int:
    """How many drafts the filter matches (for the header; asked apart from the first page)."""
    query = (
        select(func.count())
        .select_from(queue_source())
        .where(and_(True, *queue_clauses(filt, reviewer, now)))
    )
    return conn.execute(query).scalar_one()


def filter_choices(conn: Connection) -> dict[str, list[tuple[str, str]]]:
    """Values the filter screen offers: (value, label) per dimension."""
    recruiters = [
        (r, r)
        for (r,) in conn.execute(select(D.c.recruiter).distinct().order_by(D.c.recruiter))
        if r
    ]
    roles = [
        (role_id, f"{title} ({role_id})")
        for role_id, title in conn.execute(
            select(R.c.role_id, R.c.title)
            .where(R.c.role_id.in_(select(D.c.role_id)))
            .order_by(R.c.title)
        )
    ]
    flags = [
        (c, c)
        for (c,) in conn.execute(
            select(F.c.code).where(F.c.draft_id.is_not(None)).distinct().order_by(F.c.code)
        )
    ]
    statuses = [(s, s) for s in models.DRAFT_STATUSES]
    return {"status": statuses, "recruiter": recruiters, "role": roles, "flag": flags}


@dataclass
class DraftDetail:
    """Everything a reviewer needs to decide about one draft, loaded at one moment."""

    draft: dict[str, Any]
    candidate: CandidateView
    role: models.Role | None
    recruiter: models.Recruiter | None
    initial: TouchpointView
    timeline: list[TouchpointView]  # every touchpoint with the candidate, newest first
    blocking: list[Flag]  # the rules, asked now
    warnings: list[Flag]  # stored at drafting/edit, plus any that apply now
    history: list[dict[str, Any]] = field(default_factory=list)
    checked_at: datetime | None = None

    @property
    def recipient(self) -> str | None:
        """The address the follow-up would really go to."""
        if self.draft["channel"] == "email":
            return self.candidate.email
        return self.candidate.linkedin_url

    @property
    def warning_codes(self) -> list[str]:
        """The warnings a reviewer acknowledges by approving this draft as shown."""
        return sorted({f.code for f in self.warnings})


def _stored_flags(conn: Connection, draft_id: int) -> list[Flag]:
    rows = conn.execute(
        select(F.c.code, F.c.severity, F.c.message, F.c.evidence).where(F.c.draft_id == draft_id)
    ).all()
    return [Flag(code, sev, message, evidence or {}) for code, sev, message, evidence in rows]


def current_flags(
    conn: Connection, settings: Settings, draft: dict[str, Any], now: datetime
) -> tuple[list[Flag], list[Flag], Any]:
    """(blocking now, warnings, context): the same rules as schedule and send, asked now."""
    snapshot = load_snapshot(conn, settings, now, candidate_ids=[draft["candidate_id"]])
    thread = conn.execute(select(T).where(T.c.thread_id == draft["thread_id"])).mappings().one()
    ctx = snapshot.context(thread_view(dict(thread)))
    blocking = blocking_flags(ctx)
    # Stored warnings include ones only the scheduler can see (other_threads); text checks
    # and rules asked now add whatever has appeared since.
    warnings = [f for f in _stored_flags(conn, draft["id"]) if not f.blocks]
    seen = {f.code for f in warnings}
    for flag in warning_flags(ctx) + text_flags(draft["body"]):
        if flag.code not in seen:
            warnings.append(flag)
            seen.add(flag.code)
    return blocking, warnings, ctx


def load_draft_row(conn: Connection, draft_id: int) -> dict[str, Any] | None:
    """The draft's stored row as a dict, or None when it is gone."""
    row = conn.execute(select(D).where(D.c.id == draft_id)).mappings().one_or_none()
    return dict(row) if row is not None else None


def load_detail(
    conn: Connection, settings: Settings, draft_id: int, now: datetime
) -> DraftDetail | None:
    """One draft with its candidate, role, initial message, timeline, flags and history."""
    draft = load_draft_row(conn, draft_id)
    if draft is None:
        return None
    blocking, warnings, ctx = current_flags(conn, settings, draft, now)
    history = [
        dict(r)
        for r in conn.execute(
            select(DEC.c.at, DEC.c.actor, DEC.c.action, DEC.c.reason, DEC.c.on_screen_ms)
            .where(DEC.c.draft_id == draft_id)
            .order_by(DEC.c.id)
        ).mappings()
    ]
    return DraftDetail(
        draft=draft,
        candidate=ctx.candidate,
        role=ctx.role,
        recruiter=ctx.recruiter,
        initial=ctx.initial,
        timeline=list(reversed(ctx.touchpoints)),
        blocking=blocking,
        warnings=warnings,
        history=history,
        checked_at=now,
    )


@dataclass(frozen=True)
class SuppressedRow:
    """A thread that got no follow-up, with why."""

    thread_id: str
    candidate_id: str
    candidate_name: str
    role_title: str | None
    channel: str
    recruiter: str | None
    state: str
    reasons: tuple[str, ...]
    flags: tuple[Flag, ...]


def load_suppressed(
    conn: Connection, search: str | None = None, *, after: str | None = None, limit: int = PAGE
) -> list[SuppressedRow]:
    """Threads without a draft (suppressed, followed up, waiting), paged by thread id."""
    clauses: list[Any] = [T.c.state != "drafted"]
    if after is not None:
        clauses.append(T.c.thread_id > after)
    if search:
        pattern = _like(search)
        clauses.append(
            or_(
                func.lower(C.c.full_name).like(pattern, escape="\\"),
                func.lower(T.c.candidate_id).like(pattern, escape="\\"),
                func.lower(func.coalesce(C.c.email, "")).like(pattern, escape="\\"),
                func.lower(func.coalesce(C.c.company, "")).like(pattern, escape="\\"),
                func.lower(cast(T.c.reasons, String)).like(pattern, escape="\\"),
            )
        )
    rows = conn.execute(
        select(
            T.c.thread_id,
            T.c.candidate_id,
            C.c.full_name,
            R.c.title,
            T.c.channel,
            T.c.recruiter,
            T.c.state,
            T.c.reasons,
        )
        .select_from(
            T.join(C, C.c.candidate_id == T.c.candidate_id).outerjoin(R, R.c.role_id == T.c.role_id)
        )
        .where(and_(True, *clauses))
        .order_by(T.c.thread_id)
        .limit(limit)
    ).all()
    ids = [r[0] for r in rows]
    flags: dict[str, list[Flag]] = {}
    if ids:
        for tid, code, sev, message, evidence in conn.execute(
            select(F.c.thread_id, F.c.code, F.c.severity, F.c.message, F.c.evidence).where(
                F.c.thread_id.in_(ids), F.c.draft_id.is_(None)
            )
        ):
            flags.setdefault(tid, []).append(Flag(code, sev, message, evidence or {}))
    return [SuppressedRow(*r[:7], tuple(r[7] or ()), tuple(flags.get(r[0], ()))) for r in rows]
