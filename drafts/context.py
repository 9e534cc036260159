"""A thread's snapshot: everything the rules may look at, loaded in a few set-based queries.

The scheduler loads one snapshot for the whole store; the sender and the review app load
one for the candidates they are about to act on. Both then ask the same rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from store import models
from store.config import Settings
from store.text import normalise_email, normalise_linkedin

OPEN_DRAFT_STATUSES = ("pending", "approved", "sending", "unknown")


@dataclass(frozen=True, slots=True)
class TouchpointView:
    """One contact, as the rules see it."""

    touchpoint_id: str
    candidate_id: str
    role_id: str | None
    recruiter: str | None
    channel: str
    direction: str
    occurred_at: datetime
    delivery: str | None
    subject: str | None
    body: str | None


@dataclass(frozen=True, slots=True)
class CandidateView:
    """The candidate's ATS record (untrusted text)."""

    candidate_id: str
    full_name: str
    first_name: str
    email: str | None
    linkedin_url: str | None
    company: str | None
    title: str | None
    location: str | None
    timezone: str | None
    ats_status: str
    do_not_contact: bool
    notes: str | None


@dataclass(frozen=True, slots=True)
class ThreadView:
    """The thread being decided about."""

    thread_id: str
    candidate_id: str
    role_id: str | None
    channel: str
    recruiter: str | None
    initial_touchpoint_id: str


@dataclass(slots=True)
class ThreadContext:
    """Everything one decision about one thread may depend on."""

    thread: ThreadView
    candidate: CandidateView
    role: models.Role | None
    recruiter: models.Recruiter | None
    initial: TouchpointView
    # All of the candidate's touchpoints, any channel, role or recruiter, oldest first.
    touchpoints: list[TouchpointView]
    suppressions: list[models.Suppression]
    settings: Settings
    now: datetime
    # Other threads of this candidate that are due now (filled by the scheduler).
    other_due_threads: list[str] = field(default_factory=list)

    @property
    def after_initial(self) -> list[TouchpointView]:
        """Touchpoints after the initial message (the initial itself excluded)."""
        start = self.initial.occurred_at
        initial_id = self.initial.touchpoint_id
        return [
            t
            for t in self.touchpoints
            if t.occurred_at > start or (t.occurred_at == start and t.touchpoint_id != initial_id)
        ]


@dataclass
class Snapshot:
    """The store's state, indexed for the rules."""

    settings: Settings
    now: datetime
    candidates: dict[str, CandidateView]
    roles: dict[str, models.Role]
    recruiters: dict[str, models.Recruiter]
    touchpoints: dict[str, list[TouchpointView]]
    suppressions_by_candidate: dict[str, list[models.Suppression]]
    suppressions_by_email: dict[str, list[models.Suppression]]
    suppressions_by_linkedin: dict[str, list[models.Suppression]]

    def context(self, thread: ThreadView) -> ThreadContext:
        """The context of one thread of a candidate in this snapshot."""
        candidate = self.candidates[thread.candidate_id]
        touchpoints = self.touchpoints.get(thread.candidate_id, [])
        initial = next(t for t in touchpoints if t.touchpoint_id == thread.initial_touchpoint_id)
        matched = list(self.suppressions_by_candidate.get(candidate.candidate_id, ()))
        if candidate.email:
            matched += self.suppressions_by_email.get(normalise_email(candidate.email), ())
        if candidate.linkedin_url:
            key = normalise_linkedin(candidate.linkedin_url)
            matched += self.suppressions_by_linkedin.get(key, ())
        return ThreadContext(
            thread=thread,
            candidate=candidate,
            role=self.roles.get(thread.role_id) if thread.role_id else None,
            recruiter=self.recruiters.get(thread.recruiter) if thread.recruiter else None,
            initial=initial,
            touchpoints=touchpoints,
            suppressions=matched,
            settings=self.settings,
            now=self.now,
        )


def _in(column, ids: list[str] | None):
    return column.in_(ids) if ids is not None else True


def load_snapshot(
    conn: Connection,
    settings: Settings,
    now: datetime,
    candidate_ids: Iterable[str] | None = None,
) -> Snapshot:
    """Load what the rules need, for every candidate or just the ones named."""
    ids = sorted(set(candidate_ids)) if candidate_ids is not None else None
    c = models.Candidate.__table__
    candidates = {
        row.candidate_id: CandidateView(**row._mapping)
        for row in conn.execute(select(c).where(_in(c.c.candidate_id, ids)))
    }
    t = models.Touchpoint.__table__
    columns = [getattr(t.c, name) for name in TouchpointView.__slots__]
    touchpoints: dict[str, list[TouchpointView]] = defaultdict(list)
    for row in conn.execute(
        select(*columns)
        .where(_in(t.c.candidate_id, ids))
        .order_by(t.c.candidate_id, t.c.occurred_at, t.c.touchpoint_id)
    ):
        touchpoints[row[1]].append(TouchpointView(*row))
    roles = {
        r.role_id: models.Role(**r._mapping) for r in conn.execute(select(models.Role.__table__))
    }
    recruiters = {
        r.recruiter: models.Recruiter(**r._mapping)
        for r in conn.execute(select(models.Recruiter.__table__))
    }
    by_candidate: dict[str, list[models.Suppression]] = defaultdict(list)
    by_email: dict[str, list[models.Suppression]] = defaultdict(list)
    by_linkedin: dict[str, list[models.Suppression]] = defaultdict(list)
    for row in conn.execute(select(models.Suppression.__table__)):
        entry = models.Suppression(**row._mapping)
        if entry.candidate_id:
            by_candidate[entry.candidate_id].append(entry)
        if entry.email:
            by_email[entry.email].append(entry)
        if entry.linkedin_url:
            by_linkedin[entry.linkedin_url].append(entry)
    return Snapshot(
        settings,
        now,
        candidates,
        roles,
        recruiters,
        touchpoints,
        by_candidate,
        by_email,
        by_linkedin,
    )


def thread_view(row) -> ThreadView:
    """A thread row (ORM object or mapping) as the rules see it."""
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k)
    return ThreadView(*(get(name) for name in ThreadView.__slots__))
