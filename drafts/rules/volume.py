"""The volume alarm: a day far above the team's usual is stopped before its first message.

The seed story was 847 messages in one day from a team that usually sent a few dozen. The
usual day is the median of the team's busy days (days with any outbound message) over the
figures' window (store.figures.USUAL_DAY_DAYS) of touchpoint history, imported and sent
alike: the same usual day the figures show. A run with nothing to send is never an alarm.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from store import models
from store.config import Settings
from store.figures import usual_daily_sends

# With no history at all there is no usual day; a new team still should not send hundreds
# of messages on its first day without saying so.
NO_HISTORY_USUAL = 10.0


@dataclass(frozen=True)
class VolumeCheck:
    """Today's sends so far, what this run would add, and the line it must not cross."""

    usual: float
    today: int
    planned: int
    limit: float
    multiple: float

    @property
    def exceeded(self) -> bool:
        """Whether this run would take the day past `multiple` times the usual day.

        Sending nothing never is: a day already busy by hand is no reason to page anyone.
        """
        return self.planned > 0 and self.today + self.planned > self.limit

    def message(self) -> str:
        """What `send` says when it stops: one line."""
        return (
            f"volume alarm: {self.today} sent today + {self.planned} now > {self.limit:g} "
            f"({self.multiple:g}x the usual day of {self.usual:g}); nothing was sent "
            "(check the queue; --allow-spike sends anyway)"
        )

    def as_json(self) -> dict[str, float | int | bool]:
        """For `send --json`."""
        return {
            "usual_daily": self.usual,
            "sent_today": self.today,
            "planned": self.planned,
            "limit": self.limit,
            "exceeded": self.exceeded,
        }


def check_volume(
    conn: Connection, settings: Settings, now: datetime, planned: int, day_start: datetime
) -> VolumeCheck:
    """Compare today's volume, with `planned` more messages, against the usual day."""
    t = models.Touchpoint.__table__
    today = conn.execute(
        select(func.count()).where(
            t.c.direction == "outbound", t.c.occurred_at >= day_start, t.c.occurred_at <= now
        )
    ).scalar_one()
    usual = usual_daily_sends(conn, until=day_start) or NO_HISTORY_USUAL
    multiple = settings.limits.volume_alarm_multiple
    return VolumeCheck(usual, today, planned, usual * multiple, multiple)
