"""A reviewer's progress in one sitting: what they decided (what stands) and what is left.

The queue's count used to stay put while a reviewer worked; the status line now says
done/left after every decision, and quitting prints one line with the next step.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from store import models
from store.enums import DraftStatus

DEC = models.Decision.__table__
D = models.FollowUpDraft.__table__
# Decision actions a sitting counts, and the word for each.
COUNTED = {"approve": "approved", "reject": "rejected", "edit": "edited"}


def last_decision_id(conn: Connection) -> int:
    """The newest audit entry's id: a sitting counts the entries after it."""
    return conn.execute(select(func.max(DEC.c.id))).scalar() or 0


@dataclass(frozen=True)
class Progress:
    """Decisions that stand from this sitting, the drafts left, the approved not yet sent."""

    approved: int
    rejected: int
    edited: int
    left: int
    waiting_to_send: int

    @property
    def done(self) -> int:
        """Drafts decided this sitting (an edit is not a decision on its own)."""
        return self.approved + self.rejected

    def summary(self, reviewer: str, marked: int = 0) -> str:
        """The one line printed on quit."""
        line = (
            f"{reviewer}: {self.approved} approved, {self.rejected} rejected, "
            f"{self.edited} edited; {self.left} pending left."
        )
        if self.waiting_to_send:
            line += f" Next: `followups send` ({self.waiting_to_send} approved wait to be sent)."
        if marked:
            line += f" {marked} marked draft(s) were not approved (marks are not kept)."
        return line


def sitting_progress(conn: Connection, reviewer: str, since_id: int, left: int) -> Progress:
    """This reviewer's standing decisions after audit entry `since_id`; `left` as counted."""
    rows = conn.execute(
        select(DEC.c.id, DEC.c.action, DEC.c.detail).where(
            DEC.c.id > since_id, DEC.c.actor == reviewer
        )
    ).all()
    undone = {(detail or {}).get("undoes") for _id, action, detail in rows if action == "undo"}
    counts = Counter(
        COUNTED[action] for id_, action, _d in rows if action in COUNTED and id_ not in undone
    )
    waiting = conn.execute(
        select(func.count()).select_from(D).where(D.c.status == DraftStatus.APPROVED)
    ).scalar_one()
    return Progress(counts["approved"], counts["rejected"], counts["edited"], left, waiting)
