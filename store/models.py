"""The store's tables: what an ATS export gives us, and what followups decides about it.

Every timestamp is stored as naive UTC (``TIMESTAMP WITHOUT TIME ZONE``): SQLite keeps no
offset, and one convention on both databases keeps comparisons honest. ``store.clock``
converts at the edges.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, DateTime, Index, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from store.enums import THREAD_CHANNELS as _THREAD_CHANNELS
from store.enums import (
    AtsStatus,
    Channel,
    Delivery,
    Direction,
    DraftStatus,
    RecruiterStatus,
    RoleStatus,
    Severity,
    ThreadState,
    values,
)

# The contract's vocabularies (store.enums) as tuples of plain strings, for validation
# lists and messages.
RECRUITER_STATUSES = values(RecruiterStatus)
ROLE_STATUSES = values(RoleStatus)
ATS_STATUSES = values(AtsStatus)
CHANNELS = values(Channel)
THREAD_CHANNELS = tuple(c.value for c in _THREAD_CHANNELS)
DIRECTIONS = values(Direction)
DELIVERIES = values(Delivery)
THREAD_STATES = values(ThreadState)
DRAFT_STATUSES = values(DraftStatus)
SEVERITIES = values(Severity)


class Recruiter(SQLModel, table=True):
    """A member of the recruiting team who sends outreach."""

    recruiter: str = Field(primary_key=True, max_length=200)
    name: str | None = None
    email: str | None = None
    daily_limit: int | None = None
    status: str = Field(default=RecruiterStatus.ACTIVE.value, max_length=20)


class Role(SQLModel, table=True):
    """An open (or no longer open) position candidates are approached about."""

    role_id: str = Field(primary_key=True, max_length=200)
    title: str
    status: str = Field(max_length=20)
    hiring_manager: str | None = None
    location: str | None = None


class Candidate(SQLModel, table=True):
    """A person in the ATS. Every text field is untrusted input."""

    # A suppression by LinkedIn URL finds its person by it (migration 0007's triggers).
    __table_args__ = (Index("ix_candidate_linkedin", "linkedin_url"),)

    candidate_id: str = Field(primary_key=True, max_length=200)
    full_name: str
    first_name: str
    email: str | None = None
    linkedin_url: str | None = None
    company: str | None = None
    title: str | None = None
    location: str | None = None
    timezone: str | None = None
    ats_status: str = Field(max_length=20)
    do_not_contact: bool = False
    notes: str | None = Field(default=None, sa_column=Column(Text))
    # More addresses of the same person (contract section 6), normalised, `;`-separated.
    # Matching reads candidate_address, which the importer keeps in step with both columns.
    other_emails: str | None = Field(default=None, sa_column=Column(Text))


class CandidateAddress(SQLModel, table=True):
    """Every address of a candidate (email and other_emails), in the one normalised form.

    Mail is matched to people by address many thousand times per sync: an indexed lookup
    here, not a scan of every candidate's `other_emails`.
    """

    __tablename__ = "candidate_address"

    address: str = Field(primary_key=True, max_length=320)
    candidate_id: str = Field(
        primary_key=True, foreign_key="candidate.candidate_id", max_length=200, index=True
    )


class Touchpoint(SQLModel, table=True):
    """One contact with a candidate, on any channel, in either direction."""

    __table_args__ = (
        Index("ix_touchpoint_candidate_time", "candidate_id", "occurred_at"),
        UniqueConstraint("message_id", "candidate_id", name="uq_touchpoint_message_candidate"),
    )

    touchpoint_id: str = Field(primary_key=True, max_length=200)
    candidate_id: str = Field(foreign_key="candidate.candidate_id", max_length=200)
    role_id: str | None = Field(default=None, foreign_key="role.role_id", max_length=200)
    recruiter: str | None = Field(default=None, foreign_key="recruiter.recruiter", max_length=200)
    channel: str = Field(max_length=20)
    direction: str = Field(max_length=20)
    occurred_at: datetime = Field(sa_type=DateTime())
    delivery: str | None = Field(default=None, max_length=20)
    subject: str | None = None
    body: str | None = Field(default=None, sa_column=Column(Text))
    # Set when followups itself sent this message. Unique: one draft is one message, so a
    # sender that crashed and retried cannot record the same follow-up twice.
    draft_id: int | None = Field(default=None, unique=True)
    # Where it came from: an ATS export ("import"), a mailbox sync ("mailbox") or followups'
    # own sending ("followups"); for mail, which mailbox and folder, and its Message-ID.
    source: str = Field(
        default="import", max_length=20, sa_column_kwargs={"server_default": "import"}
    )
    mailbox: str | None = Field(default=None, max_length=200)
    folder: str | None = Field(default=None, max_length=500)
    # Without angle brackets. Unique per candidate: a message is stored once per person it
    # concerns, however often a folder is re-read (a changed UIDVALIDITY, a retried sync).
    message_id: str | None = Field(default=None, max_length=998, index=True)
    # An automatic reply (RFC 3834 headers or out-of-office wording): never `replied`.
    automatic: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # The return date an automatic reply names, when it names one.
    returns_at: datetime | None = Field(default=None, sa_type=DateTime())


class Suppression(SQLModel, table=True):
    """A do-not-contact entry: imported, added by hand or in review, or by a bounce or reply.

    ``key`` is a stable digest of the normalised identifiers, so importing the same
    list twice changes nothing. ``source`` says where it came from (store.suppressions).
    """

    key: str = Field(primary_key=True, max_length=64)
    candidate_id: str | None = Field(default=None, index=True, max_length=200)
    email: str | None = Field(default=None, index=True)
    linkedin_url: str | None = Field(default=None, index=True)
    reason: str | None = None
    source: str = Field(default="import", max_length=40)
    # Who added it and when (unknown for entries older than this column).
    created_at: datetime | None = Field(default=None, sa_type=DateTime())
    created_by: str | None = Field(default=None, max_length=200)


class ErasedIdentifier(SQLModel, table=True):
    """What remains of an erased person (`followups forget`): keyed hashes, and the date.

    ``digest`` is HMAC-SHA256 (the store's own secret) of one identifier: the candidate id,
    an address or a LinkedIn URL, normalised. ``person`` is the digest of the candidate id,
    grouping one erasure. Nothing here can be read back into a name or an address.
    """

    __tablename__ = "erased_identifier"

    digest: str = Field(primary_key=True, max_length=64)
    person: str = Field(index=True, max_length=64)
    kind: str = Field(max_length=20)
    erased_at: datetime = Field(sa_type=DateTime())


class StoreSecret(SQLModel, table=True):
    """A secret the store creates for itself (the erasure hashes' key). Never printed."""

    __tablename__ = "store_secret"

    name: str = Field(primary_key=True, max_length=100)
    value: str = Field(max_length=200)


class StatusChange(SQLModel, table=True):
    """A moment from which a candidate had an ATS status (contract section 6).

    Rows come from status_history.csv (source ``history``) or from an import that saw a
    candidate new or with another status than the stored one (source ``import``, at the
    import's time). Replay reads a candidate's status as of a moment from them.
    """

    __tablename__ = "status_history"

    candidate_id: str = Field(
        foreign_key="candidate.candidate_id", primary_key=True, max_length=200
    )
    changed_at: datetime = Field(primary_key=True, sa_type=DateTime())
    ats_status: str = Field(max_length=20)
    source: str = Field(default="history", max_length=20)


class BouncedAddress(SQLModel, table=True):
    """An address mail cannot reach (a hard bounce): email threads to it are `undelivered`.

    Not a do-not-contact entry: the person may still be reached on another channel or at
    another address. `evidence` is the report (or the relay's answer) a person can check.
    """

    __tablename__ = "bounced_address"

    address: str = Field(primary_key=True, max_length=320)
    bounced_at: datetime = Field(sa_type=DateTime())
    # "report" (a delivery status notification read from a mailbox) or "smtp" (the relay
    # refused the recipient while followups sent).
    source: str = Field(max_length=20)
    touchpoint_id: str | None = Field(default=None, max_length=200)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    evidence: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class MailboxFolder(SQLModel, table=True):
    """How far a mailbox folder has been read: its UIDVALIDITY and the last UID stored."""

    __tablename__ = "mailbox_folder"

    mailbox: str = Field(primary_key=True, max_length=200)
    folder: str = Field(primary_key=True, max_length=500)
    # IMAP numbers are unsigned 32-bit (UIDs) and 63-bit (MODSEQ): wider than INTEGER.
    uidvalidity: int = Field(sa_type=BigInteger())
    last_uid: int = Field(sa_type=BigInteger())
    highest_modseq: int | None = Field(default=None, sa_type=BigInteger())
    synced_at: datetime = Field(sa_type=DateTime())


class Thread(SQLModel, table=True):
    """A candidate, a role and a channel: the unit a follow-up belongs to."""

    __table_args__ = (Index("ix_thread_candidate", "candidate_id"),)

    thread_id: str = Field(primary_key=True, max_length=700)
    candidate_id: str = Field(foreign_key="candidate.candidate_id", max_length=200)
    role_id: str | None = Field(default=None, foreign_key="role.role_id", max_length=200)
    channel: str = Field(max_length=20)
    recruiter: str | None = Field(default=None, max_length=200)
    initial_touchpoint_id: str = Field(max_length=200)
    initial_at: datetime = Field(sa_type=DateTime())
    state: str = Field(default=ThreadState.WAITING.value, max_length=20, index=True)
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # When a waiting thread may next be looked at (an out-of-office return date, say).
    hold_until: datetime | None = Field(default=None, sa_type=DateTime())
    evaluated_at: datetime | None = Field(default=None, sa_type=DateTime())
    # A template error or similar: why a due thread has no draft although nothing blocks it.
    problem: str | None = Field(default=None, sa_column=Column(Text))


class FollowUpDraft(SQLModel, table=True):
    """A follow-up written for a thread, waiting for (or past) a person's decision."""

    __tablename__ = "draft"
    __table_args__ = (
        # One draft per thread step: two schedulers racing cannot both create one.
        UniqueConstraint("thread_id", "step", name="uq_draft_thread_step"),
        # (status, id): the queue and claim_next walk pending drafts in id order; on status
        # alone PostgreSQL scans every decided draft below the first free one, per claim.
        Index("ix_draft_status_id", "status", "id"),
        Index("ix_draft_candidate", "candidate_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    thread_id: str = Field(foreign_key="thread.thread_id", max_length=700)
    step: int = 1
    candidate_id: str = Field(max_length=200)
    role_id: str | None = Field(default=None, max_length=200)
    recruiter: str | None = Field(default=None, max_length=200)
    channel: str = Field(max_length=20)
    # New drafts start pending; every later change is drafts.lifecycle's.
    status: str = Field(default=DraftStatus.PENDING.value, max_length=20)
    subject: str | None = None
    body: str = Field(sa_column=Column(Text, nullable=False))
    # The text as first written, kept so edits stay auditable.
    original_body: str = Field(sa_column=Column(Text, nullable=False))
    engine: str = Field(default="jinja", max_length=20)
    template: str | None = None
    created_at: datetime = Field(sa_type=DateTime())
    # Which scheduler run wrote it: two runs racing can tell their own drafts apart.
    schedule_run: str | None = Field(default=None, max_length=40)
    # Optimistic concurrency: every decision is "update ... where version = seen".
    version: int = 1
    decided_by: str | None = None
    decided_at: datetime | None = Field(default=None, sa_type=DateTime())
    reject_reason: str | None = None
    approved_body_hash: str | None = Field(default=None, max_length=64)
    cancel_reason: str | None = Field(default=None, sa_column=Column(Text))
    cancel_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Held back at send time (daily cap, send window): why, and when it may go.
    hold_reason: str | None = None
    not_before: datetime | None = Field(default=None, sa_type=DateTime())
    message_id: str | None = Field(default=None, max_length=300, unique=True)
    sent_at: datetime | None = Field(default=None, sa_type=DateTime())
    send_error: str | None = Field(default=None, sa_column=Column(Text))
    attempts: int = 0
    # An edit that was never saved (crash, quit): offered again when the draft reopens.
    unsaved_edit: str | None = Field(default=None, sa_column=Column(Text))
    # A reviewer's lease on a pending draft: who is reading it, until when (others skip it).
    claimed_by: str | None = None
    claim_expires_at: datetime | None = Field(default=None, sa_type=DateTime())
    # A sender's claim on a draft it delivers (sending, unknown): which run, until when.
    send_claimed_by: str | None = None
    send_claim_expires_at: datetime | None = Field(default=None, sa_type=DateTime())
    llm_meta: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class Flag(SQLModel, table=True):
    """A rule's finding about a thread, with evidence a person can check.

    Flags of a suppressed thread have no draft; flags of a draft have both ids.
    """

    __table_args__ = (Index("ix_flag_thread", "thread_id"), Index("ix_flag_draft", "draft_id"))

    id: int | None = Field(default=None, primary_key=True)
    thread_id: str = Field(max_length=700)
    draft_id: int | None = None
    code: str = Field(max_length=40)
    severity: str = Field(max_length=10)
    message: str = Field(sa_column=Column(Text, nullable=False))
    evidence: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Decision(SQLModel, table=True):
    """One entry of the append-only audit log: who did what, when, to which draft.

    Rows are only ever inserted; ``store.audit`` refuses updates and deletes.
    """

    __table_args__ = (Index("ix_decision_candidate", "candidate_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True, sa_type=DateTime())
    actor: str
    action: str = Field(max_length=40)
    draft_id: int | None = Field(default=None, index=True)
    thread_id: str | None = Field(default=None, max_length=700)
    candidate_id: str | None = Field(default=None, max_length=200)
    reason: str | None = Field(default=None, sa_column=Column(Text))
    before_text: str | None = Field(default=None, sa_column=Column(Text))
    after_text: str | None = Field(default=None, sa_column=Column(Text))
    on_screen_ms: int | None = None
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Setting(SQLModel, table=True):
    """A team-wide setting held in the store, such as the automation switch."""

    key: str = Field(primary_key=True, max_length=100)
    value: str


class ScheduleMark(SQLModel, table=True):
    """A candidate something the scheduler's decisions read has changed for since its last run.

    Written by database triggers (migration 0007) on every table the rules read, so no
    writer, present or future, can forget to say what it touched: a touchpoint, the
    candidate, a thread, a draft's status, a suppression or bounce of one of their
    addresses, their threads' role or recruiter. `schedule` consumes the marks and decides
    again only the candidates they name (drafts/writing/incremental.py).
    """

    __tablename__ = "schedule_mark"

    id: int | None = Field(default=None, primary_key=True)
    candidate_id: str = Field(max_length=200)


class ScheduleState(SQLModel, table=True):
    """When `schedule` last decided and with which config: the start of the next run's window.

    One row (``name`` "schedule"). A thread whose answer can change by time alone (due,
    too late, a hold's end) between ``decided_at`` and the next run's moment is decided
    again; a config whose hash differs from ``config_hash`` decides everything.
    """

    __tablename__ = "schedule_state"

    name: str = Field(primary_key=True, max_length=40)
    decided_at: datetime = Field(sa_type=DateTime())
    config_hash: str = Field(max_length=64)
