"""One draft as a reviewer reads it (its whole context, its flags asked now), and the threads
that got no draft, with why.

Plain functions over a Connection (no Textual). The flags a reviewer sees come from the
pipeline (drafts.rules.pipeline.may_review): the same rules the scheduler and sender ask,
run again on the store as it is now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, cast, func, select
from sqlalchemy.engine import Connection

from drafts.review.queue import DEC, PAGE, C, D, F, R, T, matches
from drafts.rules.context import (
    CandidateView,
    ThreadContext,
    TouchpointView,
    load_snapshot,
    thread_view,
)
from drafts.rules.flags import Flag
from drafts.rules.pipeline import may_review
from store import models
from store.config import Settings


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


def thread_context(
    conn: Connection, settings: Settings, draft: dict[str, Any], now: datetime
) -> ThreadContext:
    """The draft's thread as the rules see it now (MissingInitialMessage when it cannot be)."""
    snapshot = load_snapshot(conn, settings, now, candidate_ids=[draft["candidate_id"]])
    thread = conn.execute(select(T).where(T.c.thread_id == draft["thread_id"])).mappings().one()
    return snapshot.context(thread_view(dict(thread)))


def current_flags(
    conn: Connection, settings: Settings, draft: dict[str, Any], now: datetime
) -> tuple[list[Flag], list[Flag], ThreadContext]:
    """(blocking now, warnings, context): the pipeline's review answer, asked now."""
    ctx = thread_context(conn, settings, draft, now)
    answer = may_review(ctx, draft["body"], _stored_flags(conn, draft["id"]))
    return answer.blocking, answer.warnings, ctx


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


def _suppressed_clauses(search: str | None) -> list[Any]:
    clauses: list[Any] = [T.c.state != "drafted"]
    if search:
        clauses.append(
            matches(
                search,
                C.c.full_name,
                T.c.candidate_id,
                C.c.email,
                C.c.other_emails,
                C.c.company,
                C.c.title,
                R.c.title,
                T.c.recruiter,
                cast(T.c.reasons, String),
            )
        )
    return clauses


def _suppressed_source() -> Any:
    return T.join(C, C.c.candidate_id == T.c.candidate_id).outerjoin(R, R.c.role_id == T.c.role_id)


def count_suppressed(conn: Connection, search: str | None = None) -> int:
    """How many threads have no draft (under the search): the Why not? screen's count."""
    query = select(func.count()).select_from(_suppressed_source())
    return conn.execute(query.where(and_(True, *_suppressed_clauses(search)))).scalar_one()


def load_suppressed(
    conn: Connection, search: str | None = None, *, after: str | None = None, limit: int = PAGE
) -> list[SuppressedRow]:
    """Threads without a draft (suppressed, followed up, waiting), paged by thread id."""
    clauses = _suppressed_clauses(search)
    if after is not None:
        clauses.append(T.c.thread_id > after)
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
        .select_from(_suppressed_source())
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
