"""Cancelling a draft a rule now blocks: one write path for the scheduler and the sender."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.engine import Connection

from drafts.rules import Flag
from store import audit, models

DRAFT = models.FollowUpDraft.__table__


def cancel_draft(
    conn: Connection,
    *,
    draft: dict,
    from_status: str,
    flags: list[Flag],
    codes: list[str],
    reason: str,
    actor: str,
    at: datetime,
) -> bool:
    """Cancel a draft still in `from_status` at the version read, with its reason, flags and
    an audit entry. Returns False when someone changed the draft first (nothing is written).
    """
    changed = conn.execute(
        update(DRAFT)
        .where(
            DRAFT.c.id == draft["id"],
            DRAFT.c.status == from_status,
            DRAFT.c.version == draft["version"],
        )
        .values(
            status="cancelled",
            cancel_reason=reason,
            cancel_codes=codes,
            version=draft["version"] + 1,
            hold_reason=None,
            not_before=None,
        )
    ).rowcount
    if not changed:
        return False
    if flags:
        conn.execute(
            models.Flag.__table__.insert(),
            [
                {"thread_id": draft["thread_id"], "draft_id": draft["id"], **f.as_dict()}
                for f in flags
            ],
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
        detail={"codes": codes, "evidence": [f.as_dict() for f in flags]},
    )
    return True
