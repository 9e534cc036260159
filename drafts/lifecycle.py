"""A draft's lifecycle: every status, the transitions allowed between them, and the only code
that writes a draft's status.

::

    (scheduler) ─▶ pending ──approve──▶ approved ──claim──▶ sending ──deliver──▶ sent
                    │  │                 │  ▲                │ │ │
                    │  └─reject─▶ rejected  └──retry, give back┘ │ └─fail──▶ failed
                    │                    │                    └─in doubt─▶ unknown
                    └─cancel─▶ cancelled ◀─cancel                          │
                                                   reconcile (a person), or the sender's late
                                                   answer ──▶ sent | failed
    undo (reopen): approved ─▶ pending, rejected ─▶ pending, while the decision stands

Each transition is one conditional UPDATE that names the status it expects, so two actors
racing cannot both win. Reviewer and scheduler transitions (approve, reject, reopen,
cancel, reconcile) are guarded by the version the actor read (``WHERE id, status,
version``). Sender transitions after the claim (deliver, retry, give back, fail, in
doubt) are guarded by the sender's claim instead (``WHERE id, status, send_claimed_by``):
between its claim and its outcome only the claim's holder writes, and the late outcome of
a draft that another host declared in doubt (unknown) must still land.

Leases and claims live in separate columns: ``claimed_by``/``claim_expires_at`` are a
reviewer's lease on a pending draft (drafts.review.leases); ``send_claimed_by``/
``send_claim_expires_at`` are a sender's claim on a draft it delivers (migration 0003).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Connection

from store import FollowupsError, audit, models
from store.enums import DraftStatus

__all__ = ["DraftStatus"]  # defined in store.enums, which the store's own queries read

PENDING = DraftStatus.PENDING
APPROVED = DraftStatus.APPROVED
REJECTED = DraftStatus.REJECTED
SENDING = DraftStatus.SENDING
SENT = DraftStatus.SENT
UNKNOWN = DraftStatus.UNKNOWN
CANCELLED = DraftStatus.CANCELLED
FAILED = DraftStatus.FAILED

DRAFT = models.FollowUpDraft.__table__


@dataclass(frozen=True)
class Transition:
    """One allowed move: from any of `sources` to `target`, and when it happens."""

    name: str
    sources: frozenset[DraftStatus]
    target: DraftStatus
    when: str


def _t(name: str, sources: tuple[DraftStatus, ...], target: DraftStatus, when: str):
    return Transition(name, frozenset(sources), target, when)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        _t("approve", (PENDING,), APPROVED, "a reviewer approves the text on screen"),
        _t("reject", (PENDING,), REJECTED, "a reviewer rejects it, with a reason"),
        _t("reopen", (APPROVED, REJECTED), PENDING, "the reviewer undoes that decision"),
        _t("cancel", (PENDING, APPROVED), CANCELLED, "a blocking rule applies now"),
        _t("claim", (APPROVED,), SENDING, "a sender takes it, every rule holding"),
        _t("deliver", (SENDING, UNKNOWN), SENT, "the transport took it"),
        _t("retry", (SENDING,), APPROVED, "a temporary failure: it goes later"),
        _t("give_back", (SENDING,), APPROVED, "claimed but never attempted"),
        _t("fail", (SENDING,), FAILED, "it will never go to this address"),
        _t("in_doubt", (SENDING,), UNKNOWN, "it may have gone: a person must look"),
        _t("reconcile_sent", (UNKNOWN,), SENT, "a person found it was sent"),
        _t("reconcile_failed", (UNKNOWN,), FAILED, "a person found it never went"),
    )
}
# (from, to) pairs the table allows; anything else raises TransitionRefused.
ALLOWED: frozenset[tuple[DraftStatus, DraftStatus]] = frozenset(
    (source, t.target) for t in TRANSITIONS.values() for source in t.sources
)
# A new draft is pending; it is written by the scheduler's insert (drafts.writing.writes).
CREATED = PENDING
# What undo may take back (to pending): a reviewer's approval or rejection.
UNDOABLE = TRANSITIONS["reopen"].sources
# A draft still on its way: a candidate with one gets no second draft.
OPEN = (PENDING, APPROVED, SENDING, UNKNOWN)
# A draft that may have gone out: it counts against caps and spacing.
IN_FLIGHT = (SENDING, SENT, UNKNOWN)


class TransitionRefused(FollowupsError):
    """A status change the lifecycle table does not allow (a bug, not a race)."""


def check(source: str, target: str) -> None:
    """Raise TransitionRefused unless the table allows `source` → `target`."""
    if (source, target) not in ALLOWED:
        raise TransitionRefused(f"a draft cannot go from {source} to {target}")


def body_hash(subject: str | None, body: str) -> str:
    """The fingerprint of a text: stored at approval, checked again at send time."""
    digest = hashlib.sha256()
    digest.update((subject or "").encode("utf-8"))
    digest.update(b"\x00")
    digest.update(body.encode("utf-8"))
    return digest.hexdigest()


def move(conn: Connection, draft: Mapping[str, Any], target: str, **values: Any) -> int | None:
    """The versioned transition: ``UPDATE ... WHERE id, status, version`` to `target`.

    Returns the new version, or None when the draft changed since `draft` was read.
    """
    source = draft["status"]
    check(source, target)
    changed = conn.execute(
        update(DRAFT)
        .where(
            DRAFT.c.id == draft["id"],
            DRAFT.c.status == source,
            DRAFT.c.version == draft["version"],
        )
        .values(status=DraftStatus(target).value, version=draft["version"] + 1, **values)
    ).rowcount
    return draft["version"] + 1 if changed == 1 else None


def revise(conn: Connection, draft: Mapping[str, Any], **values: Any) -> int | None:
    """A versioned change that keeps the status (an edit of the text). New version or None."""
    if "status" in values:
        raise TransitionRefused("revise keeps the status: use a transition to change it")
    changed = conn.execute(
        update(DRAFT)
        .where(
            DRAFT.c.id == draft["id"],
            DRAFT.c.status == draft["status"],
            DRAFT.c.version == draft["version"],
        )
        .values(version=draft["version"] + 1, **values)
    ).rowcount
    return draft["version"] + 1 if changed == 1 else None


# --- the reviewer's transitions ---------------------------------------------------------


def approve(conn: Connection, draft: Mapping[str, Any], *, reviewer: str, at: datetime):
    """pending → approved: the text's fingerprint is kept, the reviewer's lease given back."""
    return move(
        conn,
        draft,
        APPROVED,
        decided_by=reviewer,
        decided_at=at,
        approved_body_hash=body_hash(draft["subject"], draft["body"]),
        unsaved_edit=None,
        claimed_by=None,
        claim_expires_at=None,
    )


def reject(conn: Connection, draft: Mapping[str, Any], *, reviewer: str, at: datetime, reason):
    """pending → rejected, with the reason; the reviewer's lease given back."""
    return move(
        conn,
        draft,
        REJECTED,
        decided_by=reviewer,
        decided_at=at,
        reject_reason=reason,
        unsaved_edit=None,
        claimed_by=None,
        claim_expires_at=None,
    )


def reopen(conn: Connection, draft: Mapping[str, Any]) -> int | None:
    """approved | rejected → pending (undo): the decision and its fingerprint are cleared."""
    return move(
        conn,
        draft,
        PENDING,
        decided_by=None,
        decided_at=None,
        reject_reason=None,
        approved_body_hash=None,
    )


def cancel(
    conn: Connection,
    draft: Mapping[str, Any],
    *,
    flags: list[dict[str, Any]],
    codes: list[str],
    reason: str,
    actor: str,
    at: datetime,
) -> bool:
    """pending | approved → cancelled, with the blocking codes, their flags (as dicts) and
    an audit entry. False when someone changed the draft first (nothing is written)."""
    version = move(
        conn,
        draft,
        CANCELLED,
        cancel_reason=reason,
        cancel_codes=codes,
        hold_reason=None,
        not_before=None,
    )
    if version is None:
        return False
    if flags:
        conn.execute(
            models.Flag.__table__.insert(),
            [{"thread_id": draft["thread_id"], "draft_id": draft["id"], **f} for f in flags],
        )
    audit.record(
        conn,
        actor=actor,
        action="cancel",
        at=at,
        draft_id=draft["id"],
        thread_id=draft["thread_id"],
        candidate_id=draft["candidate_id"],
        reason=reason,
        detail={"codes": codes, "evidence": flags},
    )
    return True


# --- the sender's transitions -----------------------------------------------------------
# Built once: SQLAlchemy reuses their compiled form for every message, which is most of the
# cost of a small write.


def _claim_statement():
    check(APPROVED, SENDING)
    return (
        update(DRAFT)
        .where(
            DRAFT.c.id == bindparam("b_id"),
            DRAFT.c.status == APPROVED.value,
            DRAFT.c.version == bindparam("b_version"),
        )
        .values(
            status=SENDING.value,
            version=DRAFT.c.version + 1,
            send_claimed_by=bindparam("b_owner"),
            send_claim_expires_at=bindparam("b_lease"),
            message_id=bindparam("b_message_id"),
            hold_reason=None,
            not_before=None,
            sent_at=None,
        )
    )


_CLAIM = _claim_statement()


def claim(
    conn: Connection,
    draft: Mapping[str, Any],
    *,
    owner: str,
    lease_until: datetime,
    message_id: str,
) -> bool:
    """approved → sending, only if nobody changed the draft since it was read."""
    params = {
        "b_id": draft["id"],
        "b_version": draft["version"],
        "b_owner": owner,
        "b_lease": lease_until,
        "b_message_id": message_id,
    }
    return conn.execute(_CLAIM, params).rowcount == 1


def _settle(name: str, **values: Any):
    transition = TRANSITIONS[name]
    sources = sorted(s.value for s in transition.sources)
    return (
        update(DRAFT)
        .where(
            DRAFT.c.id == bindparam("b_id"),
            DRAFT.c.send_claimed_by == bindparam("b_owner"),
            DRAFT.c.status.in_(sources),
        )
        .values(
            status=transition.target.value,
            attempts=bindparam("b_attempts"),
            version=DRAFT.c.version + 1,
            **values,
        )
    )


_RELEASED = {"send_claimed_by": None, "send_claim_expires_at": None}
# A transport's outcome ("sent", "retry", "failed", "unknown") → its transition.
_OUTCOME = {
    "sent": _settle("deliver", send_error=None, **_RELEASED),
    "retry": _settle(
        "retry",
        send_error=bindparam("b_error"),
        hold_reason=bindparam("b_hold"),
        not_before=bindparam("b_not_before"),
        sent_at=None,
        **_RELEASED,
    ),
    "failed": _settle("fail", send_error=bindparam("b_error"), sent_at=None, **_RELEASED),
    "unknown": _settle("in_doubt", send_error=bindparam("b_error")),
}


def settle(conn: Connection, outcome: str, params: dict[str, Any]) -> bool:
    """sending → sent | approved (retry) | failed | unknown, as the transport answered.

    `params` binds b_id, b_owner, b_attempts, b_error (and b_hold, b_not_before for a
    retry). False: the claim is no longer this sender's (someone settled the draft).
    """
    return bool(conn.execute(_OUTCOME[outcome], params).rowcount)


def give_back(conn: Connection, ids: list[int], owner: str) -> int:
    """sending → approved for claimed drafts never attempted (no `sent_at`). How many."""
    if not ids:
        return 0
    check(SENDING, APPROVED)
    return conn.execute(
        update(DRAFT)
        .where(
            DRAFT.c.id.in_(ids),
            DRAFT.c.status == SENDING.value,
            DRAFT.c.send_claimed_by == owner,
            DRAFT.c.sent_at.is_(None),
        )
        .values(status=APPROVED.value, version=DRAFT.c.version + 1, **_RELEASED)
    ).rowcount


def declare_in_doubt(conn: Connection, draft_id: int, owner: str, error: str) -> bool:
    """sending → unknown for a draft whose sender stopped after attempting it."""
    check(SENDING, UNKNOWN)
    return bool(
        conn.execute(
            update(DRAFT)
            .where(
                DRAFT.c.id == draft_id,
                DRAFT.c.send_claimed_by == owner,
                DRAFT.c.status == SENDING.value,
            )
            .values(status=UNKNOWN.value, version=DRAFT.c.version + 1, send_error=error)
        ).rowcount
    )


def reconcile(conn: Connection, draft: Mapping[str, Any], outcome: str, *, now: datetime):
    """unknown → sent | failed, as a person found it. Returns the stored sent_at, or raises
    TransitionRefused when the draft is not (or no longer) unknown."""
    target = SENT if outcome == "sent" else FAILED
    if outcome == "failed":
        values: dict[str, Any] = {"sent_at": None}
    else:
        values = {"sent_at": draft["sent_at"] or now, "send_error": None}
    if move(conn, draft, target, **values, **_RELEASED) is None:
        raise TransitionRefused(f"draft {draft['id']} changed while being reconciled")
    return values["sent_at"]
