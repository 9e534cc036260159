"""The append-only decision log, and the team settings that are themselves decisions.

Entries are only ever added: the ORM refuses to flush a change or a deletion of one, and
the database has triggers that refuse it too (migration 0001).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import event, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from store import FollowupsError, models
from store.clock import utc_now

AUTOMATION_KEY = "automation"
_INSERT_DECISION = insert(models.Decision.__table__)


class AuditLogIsAppendOnly(FollowupsError):
    """Raised when code tries to change or remove an audit entry."""


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _context, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, models.Decision):
            raise AuditLogIsAppendOnly("the audit log is append-only: entries cannot change")


def record(
    conn: Connection | Session,
    *,
    actor: str,
    action: str,
    at: datetime | None = None,
    draft: models.FollowUpDraft | None = None,
    **fields: Any,
) -> None:
    """Append one decision. Works on a Connection (bulk paths) or a Session."""
    values: dict[str, Any] = {
        "at": at or utc_now(),
        "actor": actor,
        "action": action,
        "detail": fields.pop("detail", {}),
    }
    if draft is not None:
        values.update(draft_id=draft.id, thread_id=draft.thread_id, candidate_id=draft.candidate_id)
    values.update(fields)
    # A prebuilt statement with parameters: compiled once, not once per entry.
    conn.execute(_INSERT_DECISION, values)


def automation_enabled(conn: Connection | Session) -> bool:
    """The admin switch: when off, schedule and send do nothing."""
    value = conn.execute(
        select(models.Setting.value).where(models.Setting.key == AUTOMATION_KEY)
    ).scalar_one_or_none()
    return value != "off"


def set_automation(conn: Connection | Session, *, enabled: bool, actor: str) -> bool:
    """Turn automation on or off, recorded in the audit log. Returns whether it changed."""
    before = automation_enabled(conn)
    if before == enabled:
        return False
    value = "on" if enabled else "off"
    existing = conn.execute(
        select(models.Setting.key).where(models.Setting.key == AUTOMATION_KEY)
    ).scalar_one_or_none()
    table = models.Setting.__table__
    if existing is None:
        conn.execute(table.insert().values(key=AUTOMATION_KEY, value=value))
    else:
        conn.execute(table.update().where(table.c.key == AUTOMATION_KEY).values(value=value))
    record(conn, actor=actor, action=f"automation_{value}")
    return True
