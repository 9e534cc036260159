"""Figures a team lead answers for: per recruiter and per ISO week, from the store alone.

Everything is derived from the drafts, the append-only decision log and the imported
touchpoints, so the numbers can be recomputed by hand from `followups audit`.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from store import models

# The days the figures draw and the usual day is taken from (the volume alarm's base).
USUAL_DAY_DAYS = 28
# An approval faster than this is a rubber stamp: nobody reads a follow-up in under 3 s.
RUBBER_STAMP_MS = 3_000
# The per-recruiter figures every report shows, in order (keys of RecruiterWeek.as_dict).
FIGURE_COLUMNS = (
    "created",
    "approved",
    "edited",
    "rejected",
    "sent",
    "cancelled",
    "replies_after_followup",
    "decided",
    "median_seconds_on_screen_before_approval",
    "approvals_under_3s",
)
# The columns about the person as a reviewer (the decisions they made, on anyone's drafts);
# the others are about the person as the drafts' owner (what happened to their drafts).
REVIEWER_COLUMNS = ("decided", "median_seconds_on_screen_before_approval", "approvals_under_3s")
# The decisions a reviewer makes on a draft (an undone one no longer stands).
REVIEW_ACTIONS = ("approve", "edit", "reject")
# ... and the counts behind them, by reason or code (dicts in RecruiterWeek.as_dict).
FIGURE_BREAKDOWNS = ("rejected_by_reason", "cancelled_by_reason", "flags_by_code")


def week_of(moment: datetime) -> str:
    """The ISO week a moment falls in, e.g. 2025-W45."""
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class RecruiterWeek:
    """One person's figures for one week (or for all time, week "all").

    As the owner of drafts: created, approved, edited, rejected, sent, cancelled, replies,
    flags. As a reviewer: `decided` and the seconds on screen before each approval.
    """

    created: int = 0
    approved: int = 0
    edited: int = 0
    rejected: Counter = field(default_factory=Counter)
    sent: int = 0
    cancelled: Counter = field(default_factory=Counter)
    replies_after_followup: int = 0
    decided: int = 0
    on_screen_ms: list[int] = field(default_factory=list)
    flags: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        """Plain numbers for --json and --csv."""
        fast = sum(1 for ms in self.on_screen_ms if ms < RUBBER_STAMP_MS)
        median = statistics.median(self.on_screen_ms) / 1000 if self.on_screen_ms else None
        return {
            "created": self.created,
            "approved": self.approved,
            "edited": self.edited,
            "rejected": sum(self.rejected.values()),
            "rejected_by_reason": dict(sorted(self.rejected.items())),
            "sent": self.sent,
            "cancelled": sum(self.cancelled.values()),
            "cancelled_by_reason": dict(sorted(self.cancelled.items())),
            "replies_after_followup": self.replies_after_followup,
            "decided": self.decided,
            "median_seconds_on_screen_before_approval": median,
            "approvals_under_3s": fast,
            "flags_by_code": dict(sorted(self.flags.items())),
        }


def team_figures(
    conn: Connection, *, since: datetime | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Per person and week, team totals, daily send volume and rejection reasons.

    A person's row counts what happened to their drafts (as the owner) and the decisions
    they made themselves (as a reviewer, on anyone's drafts): a lead who approved alex's
    draft in 2 s shows that under the lead's name, not alex's. Undone decisions are left out.
    """
    d = models.FollowUpDraft.__table__
    drafts = {row.id: row for row in conn.execute(select(d))}
    cells: dict[tuple[str, str], RecruiterWeek] = defaultdict(RecruiterWeek)

    def cell(recruiter: str | None, moment: datetime) -> list[RecruiterWeek]:
        who = recruiter or "-"
        return [cells[(who, week_of(moment))], cells[(who, "all")], cells[("team", "all")]]

    def wanted(moment: datetime | None) -> bool:
        return moment is not None and (since is None or moment >= since)

    for draft in drafts.values():
        if wanted(draft.created_at):
            for c in cell(draft.recruiter, draft.created_at):
                c.created += 1
        if draft.status == "sent" and wanted(draft.sent_at):
            for c in cell(draft.recruiter, draft.sent_at):
                c.sent += 1

    dec = models.Decision.__table__
    decisions = conn.execute(select(dec).order_by(dec.c.at, dec.c.id)).all()
    # Count what stands: an undone decision is as if it was never made (the undo too).
    undone = {(row.detail or {}).get("undoes") for row in decisions if row.action == "undo"}
    for row in decisions:
        draft = drafts.get(row.draft_id)
        if draft is None or not wanted(row.at) or row.id in undone:
            continue
        if row.action in REVIEW_ACTIONS:
            # The reviewer's own figures: whoever decided, whoever's draft it was.
            for c in cell(row.actor, row.at):
                c.decided += 1
                if row.action == "approve" and row.on_screen_ms is not None:
                    c.on_screen_ms.append(row.on_screen_ms)
        for c in cell(draft.recruiter, row.at):
            if row.action == "approve":
                c.approved += 1
            elif row.action == "edit":
                c.edited += 1
            elif row.action == "reject":
                c.rejected[row.reason or "unspecified"] += 1
            elif row.action == "cancel":
                codes = (row.detail or {}).get("codes") or [row.reason or "unspecified"]
                c.cancelled.update(codes)

    flag = models.Flag.__table__
    for draft_id, code in conn.execute(
        select(flag.c.draft_id, flag.c.code).where(flag.c.draft_id.is_not(None))
    ):
        draft = drafts.get(draft_id)
        if draft is not None and wanted(draft.created_at):
            for c in cell(draft.recruiter, draft.created_at):
                c.flags[code] += 1

    _count_replies(conn, drafts, cell, wanted)
    per_recruiter: dict[str, dict[str, Any]] = defaultdict(dict)
    for (who, week), figures in sorted(cells.items()):
        if who != "team":
            per_recruiter[who][week] = figures.as_dict()
    team = cells[("team", "all")].as_dict()
    return {
        "since": since.isoformat() if since else None,
        "team": team,
        "recruiters": dict(per_recruiter),
        "daily_sends": daily_sends(conn, since=since),
        # The usual day before today (given `now`): what the volume alarm compares with.
        "usual_daily_sends": (
            usual_daily_sends(conn, until=datetime(now.year, now.month, now.day))
            if now is not None
            else None
        ),
    }


def _count_replies(conn, drafts, cell, wanted) -> None:
    """An inbound touchpoint after a sent follow-up, any channel, counts once per follow-up."""
    sent = [d for d in drafts.values() if d.status == "sent" and d.sent_at is not None]
    if not sent:
        return
    t = models.Touchpoint.__table__
    inbound: dict[str, list[datetime]] = defaultdict(list)
    for candidate_id, at in conn.execute(
        select(t.c.candidate_id, t.c.occurred_at).where(t.c.direction == "inbound")
    ):
        inbound[candidate_id].append(at)
    for draft in sent:
        if any(at > draft.sent_at for at in inbound.get(draft.candidate_id, ())) and wanted(
            draft.sent_at
        ):
            for c in cell(draft.recruiter, draft.sent_at):
                c.replies_after_followup += 1


def daily_sends(conn: Connection, *, since: datetime | None = None) -> dict[str, int]:
    """Outbound touchpoints per day (imported history and our own sends), oldest first."""
    t = models.Touchpoint.__table__
    query = select(t.c.occurred_at).where(t.c.direction == "outbound")
    if since is not None:
        query = query.where(t.c.occurred_at >= since)
    days = Counter(at.date().isoformat() for (at,) in conn.execute(query))
    return dict(sorted(days.items()))


def usual_daily_sends(conn: Connection, *, until: datetime, days: int = USUAL_DAY_DAYS) -> float:
    """The team's usual day: the median outbound count over its busy days (days with any)
    in the `days` before `until` (the figures' window: the volume alarm and the figures
    show the same usual day).

    Quiet days are left out on purpose: a team that sends on weekdays only should not have
    its usual volume halved by weekends. The window is short on purpose too: a few
    messages now and then months ago say nothing about how much the team sends today.
    """
    t = models.Touchpoint.__table__
    start = until - timedelta(days=days)
    counts = Counter(
        at.date()
        for (at,) in conn.execute(
            select(t.c.occurred_at).where(
                t.c.direction == "outbound", t.c.occurred_at >= start, t.c.occurred_at < until
            )
        )
    )
    return float(statistics.median(counts.values())) if counts else 0.0


def fill_days(
    series: dict[str, int], last: date | None = None, days: int = USUAL_DAY_DAYS
) -> list[int]:
    """The last `days` days of a daily series, zeros where nothing happened."""
    if not series and last is None:
        return []
    end = last or date.fromisoformat(max(series))
    return [series.get((end - timedelta(days=i)).isoformat(), 0) for i in range(days - 1, -1, -1)]
