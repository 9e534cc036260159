"""What a reviewer decides: approve, reject, edit, undo, and the claims that share the queue.

Plain functions, no Textual. Every decision is one transaction that (1) reads the draft,
locked on PostgreSQL (SQLite's BEGIN IMMEDIATE already serialises writers), (2) refuses
when the draft changed since the reviewer saw it, (3) changes it with a conditional
``UPDATE ... WHERE version = seen`` and (4) appends a Decision row. A stale view is an
error the app shows, never a silent overwrite.

Claims share the queue without deciding anything: a lease on a pending draft (who, until
when) that others skip. `claim_next` finds and takes the next free draft in one
transaction, so reviewers asking at once are never handed the same draft.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, or_, select, update
from sqlalchemy.engine import Connection

from drafts.checks import text_flags
from drafts.integrity import body_hash
from drafts.review_queue import D, QueueFilter, current_flags, queue_clauses, queue_source
from drafts.rules import Flag
from store import FollowupsError, audit, models
from store.clock import utc_now
from store.config import Settings
from store.text import clean

REJECT_REASONS = ("not a fit", "role closed", "already in touch", "do not contact", "other")
# Flags that come from the draft's text rather than the thread: rerun after every edit.
TEXT_FLAG_CODES = ("placeholder",)
UNDOABLE = ("approve", "reject", "edit")
F = models.Flag.__table__
DEC = models.Decision.__table__


class ReviewRefused(FollowupsError):
    """A decision the store refused; the message says why, for the reviewer."""


class StaleDraft(ReviewRefused):
    """The draft changed (or was decided) since the reviewer's view of it.

    `current` is the draft as the store holds it now (None when it is gone or unknown),
    so the app can show the fresh draft with the message.
    """

    def __init__(self, message: str, current: dict[str, Any] | None = None):
        super().__init__(message)
        self.current = current


class ClaimedElsewhere(ReviewRefused):
    """Another reviewer holds a live claim on the draft (`holder`, until `until`)."""

    def __init__(self, message: str, holder: str, until: datetime):
        super().__init__(message)
        self.holder = holder
        self.until = until


class BlockedDraft(ReviewRefused):
    """A blocking rule applies now: the draft cannot be approved."""

    def __init__(self, flags: list[Flag]):
        self.flags = flags
        reasons = "; ".join(f"{f.code}: {f.message}" for f in flags)
        super().__init__(f"cannot approve, blocked now: {reasons}")


class UnacknowledgedWarnings(ReviewRefused):
    """A warning applies that the reviewer was not shown (it appeared since)."""

    def __init__(self, codes: list[str]):
        self.codes = codes
        super().__init__(f"new warning(s) since shown: {', '.join(codes)}; look again")


class UnsavedEdit(ReviewRefused):
    """The draft has an edit that was never saved: approving would quietly drop it."""

    def __init__(self, draft_id: int):
        super().__init__(
            f"draft {draft_id} has an unsaved edit: press e to save or discard it, then approve"
        )


class NothingToUndo(ReviewRefused):
    """No decision of this reviewer can be undone."""


@dataclass
class Outcome:
    """A decision that went through: the draft's new state."""

    draft_id: int
    version: int
    status: str
    flags: list[Flag] = field(default_factory=list)


def _moment(now: datetime | None) -> datetime:
    """`now` in the store's convention (naive UTC); the clock when None.

    An aware time compared with a stored naive one would raise TypeError mid-decision.
    """
    if now is None:
        return utc_now()
    if now.tzinfo is not None:
        return now.astimezone(UTC).replace(tzinfo=None)
    return now


def _ids(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "draft_id": row["id"],
        "thread_id": row["thread_id"],
        "candidate_id": row["candidate_id"],
    }


def _read(conn: Connection, draft_id: int, *, skip_locked: bool = False) -> dict[str, Any] | None:
    query = select(D).where(D.c.id == draft_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=skip_locked)
    row = conn.execute(query).mappings().one_or_none()
    return dict(row) if row is not None else None


def _last_change(conn: Connection, row: dict[str, Any]) -> str:
    """Who last changed the draft, and how, from the audit log: "bob (reject)"."""
    last = conn.execute(
        select(DEC.c.actor, DEC.c.action)
        # A refused attempt left the draft as it was: not the change the reviewer missed.
        .where(DEC.c.draft_id == row["id"], DEC.c.action != "approve_refused")
        .order_by(DEC.c.id.desc())
        .limit(1)
    ).one_or_none()
    if last is None:
        return row["decided_by"] or "someone else"
    return f"{last.actor} ({last.action})"


def _fresh(conn: Connection, draft_id: int, seen_version: int, reviewer: str, now: datetime):
    """The locked row, if the reviewer's view of it is still the truth; else refuse."""
    row = _read(conn, draft_id)
    if row is None:
        raise StaleDraft(f"draft {draft_id} no longer exists")
    if row["version"] != seen_version:
        raise StaleDraft(
            f"draft {draft_id} was changed by {_last_change(conn, row)} since you opened it;"
            f" it is {row['status']} now; reloaded",
            row,
        )
    if row["status"] != "pending":
        raise StaleDraft(f"draft {draft_id} is already {row['status']}", row)
    holder, until = row["claimed_by"], row["claim_expires_at"]
    if holder and holder != reviewer and until is not None and until > now:
        # Typically the reviewer's own lease lapsed and a colleague took the draft over.
        raise ClaimedElsewhere(
            f"draft {draft_id} is being reviewed by {holder} (claimed until"
            f" {until:%Y-%m-%d %H:%M} UTC); nothing was changed",
            holder,
            until,
        )
    return row


def _change(conn: Connection, row: dict[str, Any], **values: Any) -> int:
    """The conditional UPDATE: only the version the reviewer saw may change."""
    result = conn.execute(
        update(D)
        .where(D.c.id == row["id"], D.c.version == row["version"])
        .values(version=D.c.version + 1, **values)
    )
    if result.rowcount != 1:
        raise StaleDraft(f"draft {row['id']} changed while deciding; reloaded", None)
    return row["version"] + 1


def approve(
    engine: Engine,
    settings: Settings,
    *,
    draft_id: int,
    seen_version: int,
    reviewer: str,
    on_screen_ms: int | None,
    acknowledged: Iterable[str] = (),
    now: datetime | None = None,
    bulk: bool = False,
) -> Outcome:
    """Approve the draft as shown. Refuses a stale view, a block found now, or an unseen warning.

    A refusal for a block is itself written to the audit log (who tried, and why not).
    """
    at = _moment(now)
    refused: BlockedDraft | None = None
    with engine.begin() as conn:
        row = _fresh(conn, draft_id, seen_version, reviewer, at)
        if row["unsaved_edit"] is not None and row["unsaved_edit"] != row["body"]:
            raise UnsavedEdit(draft_id)
        blocking, warnings, _ctx = current_flags(conn, settings, row, at)
        if blocking:
            refused = BlockedDraft(blocking)
            audit.record(
                conn,
                actor=reviewer,
                action="approve_refused",
                at=at,
                reason=", ".join(f.code for f in blocking),
                on_screen_ms=on_screen_ms,
                detail={"flags": [f.as_dict() for f in blocking], "bulk": bulk},
                **_ids(row),
            )
        else:
            codes = sorted({f.code for f in warnings})
            missing = sorted(set(codes) - set(acknowledged))
            if missing:
                raise UnacknowledgedWarnings(missing)
            version = _change(
                conn,
                row,
                status="approved",
                decided_by=reviewer,
                decided_at=at,
                approved_body_hash=body_hash(row["subject"], row["body"]),
                unsaved_edit=None,
                claimed_by=None,
                claim_expires_at=None,
            )
            audit.record(
                conn,
                actor=reviewer,
                action="approve",
                at=at,
                on_screen_ms=on_screen_ms,
                detail={"version": version, "warnings": codes, "bulk": bulk},
                **_ids(row),
            )
    if refused is not None:
        raise refused
    return Outcome(draft_id, version, "approved")


def reject(
    engine: Engine,
    *,
    draft_id: int,
    seen_version: int,
    reviewer: str,
    reason: str,
    note: str | None = None,
    on_screen_ms: int | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Reject the draft with one of REJECT_REASONS (and an optional note)."""
    if reason not in REJECT_REASONS:
        raise ReviewRefused(f"unknown reject reason {reason!r}")
    at = _moment(now)
    note = clean(note).strip() if note else None
    text = f"{reason}: {note}" if note else reason
    with engine.begin() as conn:
        row = _fresh(conn, draft_id, seen_version, reviewer, at)
        version = _change(
            conn,
            row,
            status="rejected",
            decided_by=reviewer,
            decided_at=at,
            reject_reason=text,
            unsaved_edit=None,
            claimed_by=None,
            claim_expires_at=None,
        )
        audit.record(
            conn,
            actor=reviewer,
            action="reject",
            at=at,
            reason=text,
            on_screen_ms=on_screen_ms,
            detail={"version": version},
            **_ids(row),
        )
    return Outcome(draft_id, version, "rejected")


def _replace_text_flags(conn: Connection, row: dict[str, Any], body: str) -> list[Flag]:
    conn.execute(delete(F).where(F.c.draft_id == row["id"], F.c.code.in_(TEXT_FLAG_CODES)))
    flags = text_flags(body)
    if flags:
        conn.execute(
            F.insert(),
            [{"thread_id": row["thread_id"], "draft_id": row["id"], **f.as_dict()} for f in flags],
        )
    return flags


def edit(
    engine: Engine,
    *,
    draft_id: int,
    seen_version: int,
    reviewer: str,
    new_body: str,
    now: datetime | None = None,
) -> Outcome:
    """Replace the body (original_body is kept), rerun the text checks, log before and after."""
    at = _moment(now)
    body = clean(new_body)
    with engine.begin() as conn:
        row = _fresh(conn, draft_id, seen_version, reviewer, at)
        if body == row["body"]:
            conn.execute(update(D).where(D.c.id == draft_id).values(unsaved_edit=None))
            return Outcome(draft_id, row["version"], "pending", text_flags(body))
        version = _change(conn, row, body=body, unsaved_edit=None)
        flags = _replace_text_flags(conn, row, body)
        audit.record(
            conn,
            actor=reviewer,
            action="edit",
            at=at,
            before_text=row["body"],
            after_text=body,
            detail={"version": version, "text_flags": [f.code for f in flags]},
            **_ids(row),
        )
    return Outcome(draft_id, version, "pending", flags)


def save_unsaved_edit(engine: Engine, *, draft_id: int, text: str | None) -> None:
    """Keep (or, with None, drop) text being edited, so a crash or quit loses nothing.

    Not a decision: no version change, so the reviewer's own view does not go stale.
    """
    with engine.begin() as conn:
        conn.execute(
            update(D)
            .where(D.c.id == draft_id, D.c.status == "pending")
            .values(unsaved_edit=clean(text) if text is not None else None)
        )


def _undoable(conn: Connection, reviewer: str) -> dict[str, Any] | None:
    undone = {
        (detail or {}).get("undoes")
        for (detail,) in conn.execute(
            select(DEC.c.detail).where(DEC.c.actor == reviewer, DEC.c.action == "undo")
        )
    }
    for dec in conn.execute(
        select(DEC)
        .where(DEC.c.actor == reviewer, DEC.c.action.in_(UNDOABLE))
        .order_by(DEC.c.id.desc())
    ).mappings():
        if dec["id"] not in undone:
            return dict(dec)
    return None


def undo(engine: Engine, *, reviewer: str, now: datetime | None = None) -> Outcome:
    """Take back this reviewer's last decision not yet undone: the draft is pending again."""
    at = _moment(now)
    with engine.begin() as conn:
        dec = _undoable(conn, reviewer)
        if dec is None:
            raise NothingToUndo("nothing of yours to undo")
        row = _read(conn, dec["draft_id"])
        action = dec["action"]
        flags: list[Flag] = []
        if row is None:
            raise NothingToUndo(f"draft {dec['draft_id']} no longer exists")
        if action in ("approve", "reject"):
            expected = "approved" if action == "approve" else "rejected"
            if row["status"] != expected or row["decided_by"] != reviewer:
                raise NothingToUndo(f"draft {row['id']} is {row['status']} now; too late to undo")
            version = _change(
                conn,
                row,
                status="pending",
                decided_by=None,
                decided_at=None,
                reject_reason=None,
                approved_body_hash=None,
            )
            before, after = None, None
        else:
            if row["status"] != "pending" or row["body"] != dec["after_text"]:
                raise NothingToUndo(f"draft {row['id']} changed since your edit; undo it by hand")
            before, after = row["body"], dec["before_text"]
            version = _change(conn, row, body=after)
            flags = _replace_text_flags(conn, row, after)
        audit.record(
            conn,
            actor=reviewer,
            action="undo",
            at=at,
            reason=f"undo {action}",
            before_text=before,
            after_text=after,
            detail={"undoes": dec["id"], "action": action, "version": version},
            **_ids(row),
        )
    return Outcome(row["id"], version, "pending", flags)


def _free_to(reviewer: str, now: datetime) -> Any:
    """A draft nobody else holds a live claim on (this reviewer's own claim counts as free)."""
    return or_(
        D.c.claimed_by.is_(None),
        D.c.claimed_by == reviewer,
        D.c.claim_expires_at.is_(None),
        D.c.claim_expires_at <= now,
    )


def _take(conn: Connection, draft_id: int, reviewer: str, until: datetime) -> None:
    conn.execute(
        update(D).where(D.c.id == draft_id).values(claimed_by=reviewer, claim_expires_at=until)
    )


def claim(
    engine: Engine, *, draft_id: int, reviewer: str, lease_minutes: int, now: datetime | None = None
) -> bool:
    """Take (or renew) a lease on a pending draft; False when someone else holds it.

    A claim is not a decision: it does not change the version, so it never makes anyone's
    view stale. PostgreSQL skips a row another transaction is claiming right now.
    """
    at = _moment(now)
    with engine.begin() as conn:
        query = select(D.c.id).where(
            D.c.id == draft_id, D.c.status == "pending", _free_to(reviewer, at)
        )
        if conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        if conn.execute(query).scalar_one_or_none() is None:
            return False
        _take(conn, draft_id, reviewer, at + timedelta(minutes=lease_minutes))
    return True


def claim_next(
    engine: Engine,
    *,
    reviewer: str,
    lease_minutes: int,
    now: datetime | None = None,
    queue: QueueFilter | None = None,
    after_id: int | None = None,
) -> int | None:
    """Claim the first free pending draft in queue order (after `after_id`); its id, or None.

    Finding and taking are one transaction, so reviewers asking at once get different
    drafts. On PostgreSQL the search skips rows other transactions hold (FOR UPDATE SKIP
    LOCKED) instead of queueing behind them; on SQLite the transaction began with BEGIN
    IMMEDIATE (store.db), so nobody else writes while it looks. A draft this reviewer
    already holds counts as free: after a crash they are handed it back first.
    """
    at = _moment(now)
    filt = replace(queue or QueueFilter(), status="pending")
    clauses = queue_clauses(filt, reviewer, at)
    if after_id is not None:
        clauses.append(D.c.id > after_id)
    # The joins only serve a search; without one the query stays on the draft table alone.
    source = queue_source() if filt.search else D
    query = select(D.c.id).select_from(source).where(*clauses).order_by(D.c.id).limit(1)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # OF draft: lock only the draft, never the candidate or role rows it is joined to.
            query = query.with_for_update(skip_locked=True, of=D)
        draft_id = conn.execute(query).scalar_one_or_none()
        if draft_id is not None:
            _take(conn, draft_id, reviewer, at + timedelta(minutes=lease_minutes))
    return draft_id


def release(engine: Engine, *, draft_id: int, reviewer: str) -> bool:
    """Give back this reviewer's lease on one draft (skipped, or left); False if not theirs."""
    with engine.begin() as conn:
        result = conn.execute(
            update(D)
            .where(D.c.id == draft_id, D.c.claimed_by == reviewer, D.c.status == "pending")
            .values(claimed_by=None, claim_expires_at=None)
        )
    return result.rowcount == 1


def release_claims(engine: Engine, *, reviewer: str) -> None:
    """Give back every lease this reviewer holds (on quit).

    Only pending drafts: a sender's claim on a draft it is sending lives in the same
    columns, and a reviewer who happened to share its name must not drop it.
    """
    with engine.begin() as conn:
        conn.execute(
            update(D)
            .where(D.c.claimed_by == reviewer, D.c.status == "pending")
            .values(claimed_by=None, claim_expires_at=None)
        )
