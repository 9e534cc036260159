"""What a reviewer decides: approve, reject, edit and undo.

Plain functions, no Textual. Every decision is one transaction that (1) reads the draft,
locked on PostgreSQL (SQLite's BEGIN IMMEDIATE already serialises writers), (2) refuses
when the draft changed since the reviewer saw it, (3) changes it with a conditional
``UPDATE ... WHERE version = seen`` and (4) appends a Decision row. A stale view is an
error the app shows, never a silent overwrite. Status changes go through
`drafts.lifecycle`; leases on the queue are `drafts.review.leases`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.engine import Connection

from drafts import lifecycle
from drafts.review.detail import current_flags, thread_context
from drafts.review.errors import (
    BlockedDraft,
    ClaimedElsewhere,
    NothingToUndo,
    ReviewRefused,
    StaleDraft,
    UnacknowledgedWarnings,
    UnsavedEdit,
)
from drafts.review.queue import D
from drafts.rules.context import MissingInitialMessage
from drafts.rules.flags import Flag
from drafts.rules.pipeline import TEXT_FLAG_CODES, check_text
from drafts.writing.opt_out import with_opt_out
from store import audit, models, suppressions
from store.clock import at_or_now
from store.config import Settings
from store.enums import DraftStatus
from store.text import clean

DO_NOT_CONTACT = "do not contact"
REJECT_REASONS = ("not a fit", "role closed", "already in touch", DO_NOT_CONTACT, "other")
# The decisions undo takes back, and the status each one left its draft in.
DECIDED_BY = {"approve": lifecycle.APPROVED, "reject": lifecycle.REJECTED}
assert set(DECIDED_BY.values()) == lifecycle.UNDOABLE
UNDOABLE = (*DECIDED_BY, "edit")
PENDING = DraftStatus.PENDING
F = models.Flag.__table__
DEC = models.Decision.__table__


@dataclass
class Outcome:
    """A decision that went through: the draft's new state."""

    draft_id: int
    version: int
    status: str
    flags: list[Flag] = field(default_factory=list)


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
    if row["status"] != PENDING:
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


def _done(version: int | None, row: dict[str, Any]) -> int:
    """The new version of a decision that went through; a lost race is a stale view."""
    if version is None:
        raise StaleDraft(f"draft {row['id']} changed while deciding; reloaded", None)
    return version


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
    at = at_or_now(now)
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
            version = _done(lifecycle.approve(conn, row, reviewer=reviewer, at=at), row)
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
    return Outcome(draft_id, version, DraftStatus.APPROVED)


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
    """Reject the draft with one of REJECT_REASONS (and an optional note).

    "do not contact" also puts the candidate on the do-not-contact list (source review), in
    the same transaction: every thread of theirs is then blocked wherever the rules are asked.
    """
    if reason not in REJECT_REASONS:
        raise ReviewRefused(f"unknown reject reason {reason!r}")
    at = at_or_now(now)
    note = clean(note).strip() if note else None
    text = f"{reason}: {note}" if note else reason
    with engine.begin() as conn:
        row = _fresh(conn, draft_id, seen_version, reviewer, at)
        version = _done(lifecycle.reject(conn, row, reviewer=reviewer, at=at, reason=text), row)
        detail: dict[str, Any] = {"version": version}
        if reason == DO_NOT_CONTACT:
            _key, added = suppressions.add_entry(
                conn,
                candidate_id=row["candidate_id"],
                reason=text,
                source="review",
                by=reviewer,
                at=at,
            )
            # Undo takes the entry back only when this rejection added it.
            detail["suppression_added"] = added
        audit.record(
            conn,
            actor=reviewer,
            action="reject",
            at=at,
            reason=text,
            on_screen_ms=on_screen_ms,
            detail=detail,
            **_ids(row),
        )
    return Outcome(draft_id, version, DraftStatus.REJECTED)


def _text_flags(
    conn: Connection, settings: Settings, row: dict[str, Any], body: str, at: datetime
) -> list[Flag]:
    """Every text check on a new text (drafts.rules.pipeline.check_text). An LLM draft's
    output checks measure it against its prompt as its template builds it now."""
    if row["engine"] != "llm":
        return check_text(body, None)
    try:
        ctx = thread_context(conn, settings, row, at)
    except MissingInitialMessage:
        return check_text(body, None)  # no thread to measure against: the plain checks
    # Jinja loads only when an LLM draft's text changes, not when the review app opens.
    from drafts.writing.prompts import text_bounds

    return check_text(body, ctx, text_bounds(settings, ctx))


def _replace_text_flags(conn: Connection, row: dict[str, Any], flags: list[Flag]) -> None:
    """The draft's text findings are the new text's: the old ones go, these are stored."""
    conn.execute(delete(F).where(F.c.draft_id == row["id"], F.c.code.in_(TEXT_FLAG_CODES)))
    if flags:
        conn.execute(
            F.insert(),
            [{"thread_id": row["thread_id"], "draft_id": row["id"], **f.as_dict()} for f in flags],
        )


def edit(
    engine: Engine,
    settings: Settings,
    *,
    draft_id: int,
    seen_version: int,
    reviewer: str,
    new_body: str,
    now: datetime | None = None,
) -> Outcome:
    """Replace the body (original_body is kept), rerun every text check, log before and after.

    The opt-out line stays: an edit that drops it gets it back at the end (`[send]
    opt_out_line`), and the reviewer approves the text with it.
    """
    at = at_or_now(now)
    body = with_opt_out(clean(new_body), settings.send.opt_out_line)
    with engine.begin() as conn:
        row = _fresh(conn, draft_id, seen_version, reviewer, at)
        if body == row["body"]:
            conn.execute(update(D).where(D.c.id == draft_id).values(unsaved_edit=None))
            return Outcome(
                draft_id, row["version"], PENDING, _text_flags(conn, settings, row, body, at)
            )
        version = _done(lifecycle.revise(conn, row, body=body, unsaved_edit=None), row)
        flags = _text_flags(conn, settings, row, body, at)
        _replace_text_flags(conn, row, flags)
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
    return Outcome(draft_id, version, PENDING, flags)


def save_unsaved_edit(engine: Engine, *, draft_id: int, text: str | None) -> None:
    """Keep (or, with None, drop) text being edited, so a crash or quit loses nothing.

    Not a decision: no version change, so the reviewer's own view does not go stale.
    """
    with engine.begin() as conn:
        conn.execute(
            update(D)
            .where(D.c.id == draft_id, D.c.status == PENDING)
            .values(unsaved_edit=clean(text) if text is not None else None)
        )


def _take_back_suppression(conn: Connection, candidate_id: str, reviewer: str, at) -> None:
    """Remove the do-not-contact entry a "do not contact" rejection added (if still there)."""
    key = suppressions.suppression_key(candidate_id, None, None)
    table = models.Suppression.__table__
    if conn.execute(select(table.c.key).where(table.c.key == key)).first() is not None:
        suppressions.remove_entry(conn, key, by=reviewer, at=at)


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


def undo(
    engine: Engine, settings: Settings, *, reviewer: str, now: datetime | None = None
) -> Outcome:
    """Take back this reviewer's last decision not yet undone: the draft is pending again."""
    at = at_or_now(now)
    with engine.begin() as conn:
        dec = _undoable(conn, reviewer)
        if dec is None:
            raise NothingToUndo("nothing of yours to undo")
        row = _read(conn, dec["draft_id"])
        action = dec["action"]
        flags: list[Flag] = []
        if row is None:
            raise NothingToUndo(f"draft {dec['draft_id']} no longer exists")
        if action in DECIDED_BY:
            if row["status"] != DECIDED_BY[action] or row["decided_by"] != reviewer:
                raise NothingToUndo(f"draft {row['id']} is {row['status']} now; too late to undo")
            version = _done(lifecycle.reopen(conn, row), row)
            before, after = None, None
            if (dec["detail"] or {}).get("suppression_added"):
                _take_back_suppression(conn, row["candidate_id"], reviewer, at)
        else:
            if row["status"] != PENDING or row["body"] != dec["after_text"]:
                raise NothingToUndo(f"draft {row['id']} changed since your edit; undo it by hand")
            before, after = row["body"], dec["before_text"]
            version = _done(lifecycle.revise(conn, row, body=after), row)
            flags = _text_flags(conn, settings, row, after, at)
            _replace_text_flags(conn, row, flags)
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
    return Outcome(row["id"], version, PENDING, flags)
