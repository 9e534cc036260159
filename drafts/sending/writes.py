"""What the store records about a delivery: one small write per state change.

Every update is conditioned on this sender's claim (`send_claimed_by`), so a sender that lost
its claim (a person reconciled the draft, another host declared it in doubt) can never
overwrite someone else's decision.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Connection

from drafts import lifecycle
from drafts.rules import pacing
from drafts.sending.transports import Outcome
from store import audit, models
from store.mailbox import block_address
from store.text import normalise_email

DRAFT = models.FollowUpDraft.__table__


def touchpoint_id(draft_id: int) -> str:
    """The outbound touchpoint a sent draft becomes: stable, so it is written once."""
    return f"followups-{draft_id}"


def record_touchpoint(conn: Connection, draft: dict[str, Any], at: datetime) -> None:
    """The sent follow-up as an outbound touchpoint, so every rule sees it from now on.

    A plain insert: only the one transition to `sent` gets here, and the unique
    `draft_id` would refuse a second one anyway.
    """
    conn.execute(
        _TOUCHPOINT,
        {
            "touchpoint_id": touchpoint_id(draft["id"]),
            "candidate_id": draft["candidate_id"],
            "role_id": draft["role_id"],
            "recruiter": draft["recruiter"],
            "channel": draft["channel"],
            "direction": "outbound",
            "occurred_at": at,
            "delivery": "delivered",
            "subject": draft["subject"],
            "body": draft["body"],
            "draft_id": draft["id"],
            "source": "followups",
            # Bare, as mail read from a mailbox stores it: a reply's In-Reply-To finds it,
            # and the copy in the Sent folder is not stored a second time.
            "message_id": (draft.get("message_id") or "").strip("<>") or None,
        },
    )


# Built once: SQLAlchemy reuses its compiled form for every message. Not a transition:
# the draft stays `sending`, now marked as possibly on its way.
_MARK = (
    update(DRAFT)
    .where(
        DRAFT.c.id == bindparam("b_id"),
        DRAFT.c.status == lifecycle.SENDING.value,
        DRAFT.c.send_claimed_by == bindparam("b_owner"),
    )
    .values(sent_at=bindparam("b_at"), send_claim_expires_at=bindparam("b_lease"))
)
_TOUCHPOINT = models.Touchpoint.__table__.insert()
_ACTIONS = {"sent": "send", "retry": "defer", "failed": "fail", "unknown": "unknown"}


def mark_attempt(conn: Connection, draft_id: int, owner: str, at: datetime, lease_until) -> bool:
    """Say "this one may be leaving now" before the first byte goes. False: not ours any more."""
    params = {"b_id": draft_id, "b_owner": owner, "b_at": at, "b_lease": lease_until}
    return bool(conn.execute(_MARK, params).rowcount)


def release(conn: Connection, ids: list[int], owner: str) -> int:
    """Give back claimed drafts that were never attempted: they go back to approved."""
    return lifecycle.give_back(conn, ids, owner)


def record_outcome(
    conn: Connection,
    draft: dict[str, Any],
    outcome: Outcome,
    *,
    owner: str,
    now: datetime,
    actor: str,
    transport: str,
) -> str:
    """Store what the transport said. Returns the draft's resulting status (or "lost")."""
    attempts = draft["attempts"] + 1
    detail: dict[str, Any] = {
        "message_id": draft["message_id"],
        "transport": transport,
        "channel": draft["channel"],
        "reply": outcome.detail,
    }
    if outcome.status == "retry" and attempts >= pacing.MAX_TEMPORARY_FAILURES:
        outcome = Outcome("failed", f"gave up after {attempts} attempts; last: {outcome.detail}")
    status = outcome.status
    params: dict[str, Any] = {
        "b_id": draft["id"],
        "b_owner": owner,
        "b_attempts": attempts,
        "b_error": outcome.detail,
    }
    if status == "retry":
        not_before = now + pacing.retry_delay(attempts)
        params |= {"b_hold": f"retry: {outcome.detail}", "b_not_before": not_before}
        detail["not_before"] = not_before.isoformat()
    if not lifecycle.settle(conn, status, params):
        return "lost"
    if status == "sent":
        record_touchpoint(conn, draft, draft.get("sent_at") or now)
    if outcome.no_such_mailbox and draft.get("to_email"):
        # Not a do-not-contact entry: the address is dead, the person is not (contract 7).
        block_address(
            conn,
            draft["to_email"],
            at=now,
            source="smtp",
            reason=f"the relay refused the address: {outcome.detail}",
            evidence={"draft_id": draft["id"], "message_id": draft["message_id"]},
        )
        detail["bounced_address"] = normalise_email(draft["to_email"])
    audit.record(
        conn,
        actor=actor,
        action=_ACTIONS[status],
        at=now,
        draft_id=draft["id"],
        thread_id=draft["thread_id"],
        candidate_id=draft["candidate_id"],
        reason=outcome.detail if status != "sent" else None,
        detail=detail,
    )
    return status
