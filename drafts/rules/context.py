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

from store import FollowupsError, models
from store.addresses import addresses_of
from store.config import Settings
from store.mailbox import bounced_addresses
from store.text import normalise_email, normalise_linkedin


class MissingInitialMessage(FollowupsError):
    """A thread's initial message is no longer among its candidate's touchpoints.

    A later export can move a touchpoint id to another candidate; the thread then has
    nothing to follow up until the store is re-imported or corrected.
    """


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
    # Where it came from (import, mailbox, followups); for mail, where and which message.
    source: str = "import"
    mailbox: str | None = None
    folder: str | None = None
    message_id: str | None = None
    # An automatic reply by its headers (RFC 3834 and kin), and the return date it names.
    automatic: bool = False
    returns_at: datetime | None = None


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
    other_emails: str | None = None

    @property
    def addresses(self) -> list[str]:
        """Every address of the person (email first), normalised: each counts as email does."""
        return addresses_of(self.email, self.other_emails)


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
    # The candidate's addresses that mail no longer reaches (hard bounces), by address.
    bounced: dict[str, models.BouncedAddress] = field(default_factory=dict)
    # Other threads of this candidate that are due now (filled by the scheduler).
    other_due_threads: list[str] = field(default_factory=list)
    # Several rules ask for it; a context is a snapshot, so it is worked out once.
    _after_initial: list[TouchpointView] | None = field(default=None, init=False, repr=False)

    @property
    def after_initial(self) -> list[TouchpointView]:
        """Touchpoints after the initial message (the initial itself excluded)."""
        if self._after_initial is None:
            start = self.initial.occurred_at
            initial_id = self.initial.touchpoint_id
            self._after_initial = [
                t
                for t in self.touchpoints
                if t.occurred_at > start
                or (t.occurred_at == start and t.touchpoint_id != initial_id)
            ]
        return self._after_initial


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
    bounced: dict[str, models.BouncedAddress] = field(default_factory=dict)

    def context(self, thread: ThreadView) -> ThreadContext:
        """The context of one thread of a candidate in this snapshot."""
        candidate = self.candidates[thread.candidate_id]
        touchpoints = self.touchpoints.get(thread.candidate_id, [])
        initial = next(
            (t for t in touchpoints if t.touchpoint_id == thread.initial_touchpoint_id), None
        )
        if initial is None:
            raise MissingInitialMessage(
                f"thread {thread.thread_id}: its initial message {thread.initial_touchpoint_id} "
                f"is no longer one of {thread.candidate_id}'s touchpoints (re-import the export)"
            )
        matched = list(self.suppressions_by_candidate.get(candidate.candidate_id, ()))
        # Normalising costs a few regular expressions: only when there is a list to match.
        addresses = candidate.addresses if (candidate.email or candidate.other_emails) else []
        if self.suppressions_by_email:
            for address in addresses:
                matched += self.suppressions_by_email.get(address, ())
        if candidate.linkedin_url and self.suppressions_by_linkedin:
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
            bounced={a: self.bounced[a] for a in addresses if a in self.bounced},
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
    columns = [getattr(c.c, name) for name in CandidateView.__slots__]
    candidates = {
        row[0]: CandidateView(*row)
        for row in conn.execute(select(*columns).where(_in(c.c.candidate_id, ids))).all()
    }
    t = models.Touchpoint.__table__
    columns = [getattr(t.c, name) for name in TouchpointView.__slots__]
    touchpoints: dict[str, list[TouchpointView]] = defaultdict(list)
    for row in conn.execute(
        select(*columns)
        .where(_in(t.c.candidate_id, ids))
        .order_by(t.c.candidate_id, t.c.occurred_at, t.c.touchpoint_id)
    ).all():
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
            # Normalised again: entries stored by an older release used a looser form.
            by_email[normalise_email(entry.email)].append(entry)
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
        bounced_addresses(conn),
    )


def thread_view(row) -> ThreadView:
    """A thread row (ORM object, mapping or dict) as the rules see it."""
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k)
    return ThreadView(*(get(name) for name in ThreadView.__slots__))


def thread_columns() -> list:
    """The thread table's columns in ThreadView order: `ThreadView(*row)` of a select of them."""
    t = models.Thread.__table__
    return [getattr(t.c, name) for name in ThreadView.__slots__]
