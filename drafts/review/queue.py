"""What a reviewer reads first: a page of the queue, its count and its filters.

Plain functions over a Connection (no Textual). The queue is paged by draft id, so a
store with 100k pending drafts costs one indexed range scan per page, never a full load.
One draft's whole context is drafts.review.detail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Connection

from store import models
from store.enums import DraftStatus
from store.search import folded, search_pattern

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


def matches(text: str, *columns: Any) -> Any:
    """Any of `columns` holds `text`, case and accents folded (store.search)."""
    pattern = search_pattern(text)
    return or_(
        *(folded(func.coalesce(column, "")).like(pattern, escape="\\") for column in columns)
    )


# Every field a reviewer sees in the queue or the draft's detail, so what is on screen is
# what a search finds: the candidate (name, id, company, title, addresses, location), the
# role, the recruiter and the text itself.
SEARCHED = (
    C.c.full_name,
    D.c.candidate_id,
    C.c.company,
    C.c.title,
    C.c.email,
    C.c.other_emails,
    C.c.linkedin_url,
    C.c.location,
    R.c.title,
    D.c.recruiter,
    D.c.subject,
    D.c.body,
)


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
        clauses.append(matches(filt.search, *SEARCHED))
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


def next_flagged(
    conn: Connection, filt: QueueFilter, *, reviewer: str, now: datetime, after_id: int
) -> int | None:
    """The first draft after `after_id` under the filter that carries any flag, or None."""
    clauses = queue_clauses(filt, reviewer, now)
    clauses += [D.c.id > after_id, D.c.id.in_(select(F.c.draft_id).where(F.c.draft_id > after_id))]
    query = select(D.c.id).select_from(queue_source()).where(*clauses).order_by(D.c.id).limit(1)
    return conn.execute(query).scalar_one_or_none()


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
