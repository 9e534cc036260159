"""The claim: one transaction that rechecks a batch of approved drafts and takes the ones that
may go. The pipeline (drafts.rules.pipeline.may_send) is asked again here, on the data as it
is now, with the same rules the scheduler asks; a draft is claimed only by the lifecycle's
conditional UPDATE, which a second sender cannot also win.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from email.utils import parseaddr
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.engine import Connection

from drafts import lifecycle
from drafts.rules import pacing
from drafts.rules.answers import Answer, Reason
from drafts.rules.context import MissingInitialMessage, Snapshot, load_snapshot, thread_view
from drafts.rules.pipeline import Pace, may_send, refuse
from drafts.sending.transports import Outgoing
from store import models
from store.config import Settings
from store.locks import serialise

DRAFT = models.FollowUpDraft.__table__


@dataclass
class Claimed:
    """A draft this sender owns now (status `sending`), and the message it will become."""

    draft: dict[str, Any]
    outgoing: Outgoing


@dataclass
class BatchResult:
    """What one claim transaction decided."""

    claimed: list[Claimed] = field(default_factory=list)
    # (draft row, outcome, detail, codes/not_before extras) for the report
    decided: list[dict[str, Any]] = field(default_factory=list)
    exhausted: bool = False
    # The highest draft id looked at: the next batch starts after it.
    last_id: int = 0


def new_message_id(draft_id: int, sender: str) -> str:
    """A Message-ID unique to this draft: fixed before the first attempt, kept on retries."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "followups.invalid"
    return f"<followups.{draft_id}.{uuid.uuid4().hex[:16]}@{domain}>"


class Claimer:
    """Rechecks and claims batches for one sender run."""

    def __init__(
        self,
        settings: Settings,
        now: datetime,
        *,
        owner: str,
        lease: timedelta,
        wall_clock,
        day_zone: tzinfo,
        actor: str,
    ):
        self.settings = settings
        self.now = now
        self.owner = owner
        self.lease = lease
        self.wall_clock = wall_clock
        self.day_zone = day_zone
        self.actor = actor
        # A dry run rolls every batch back; what it would have sent still counts later.
        self.dry_used: Counter = Counter()
        self.dry_flight: dict[str, list[datetime]] = defaultdict(list)

    def select(self, conn: Connection, channels: list[str], size: int, after: int):
        """The next approved drafts that are due, by id after `after`; on PG, skipping rows
        another sender has locked (it is deciding about them right now)."""
        query = (
            select(DRAFT)
            .where(
                DRAFT.c.status == lifecycle.APPROVED,
                DRAFT.c.channel.in_(channels),
                or_(DRAFT.c.not_before.is_(None), DRAFT.c.not_before <= self.now),
                DRAFT.c.id > after,
            )
            .order_by(DRAFT.c.id)
            .limit(size)
        )
        if conn.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        return [dict(r) for r in conn.execute(query).mappings()]

    def _serialise(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        """On PostgreSQL, take each recruiter's and candidate's lock in one global order, so
        two senders count caps and spacing one after the other (SQLite's BEGIN IMMEDIATE
        already serialises whole transactions)."""
        names = {f"recruiter:{r['recruiter'] or ''}" for r in rows}
        names |= {f"candidate:{r['candidate_id']}" for r in rows}
        serialise(conn, *names)

    def _used_today(self, conn: Connection) -> Counter:
        start, end = pacing.day_bounds(self.now, self.day_zone)
        handle = func.coalesce(DRAFT.c.recruiter, "")
        query = (
            select(handle, func.count())
            .where(
                or_(
                    DRAFT.c.status == lifecycle.SENDING,
                    DRAFT.c.status.in_((lifecycle.SENT, lifecycle.UNKNOWN))
                    & (DRAFT.c.sent_at >= start)
                    & (DRAFT.c.sent_at < end),
                )
            )
            .group_by(handle)
        )
        return Counter(dict(conn.execute(query).all()))

    def _in_flight(self, conn: Connection, candidate_ids: list[str]) -> dict[str, list[datetime]]:
        """When each candidate's drafts on their way (or in doubt) went, or `now` if not yet.

        Whether one is too recent is the spacing rule's to say (pacing.spacing_hold), once.
        """
        found: dict[str, list[datetime]] = defaultdict(list)
        query = select(DRAFT.c.candidate_id, DRAFT.c.sent_at).where(
            DRAFT.c.candidate_id.in_(candidate_ids), DRAFT.c.status.in_(lifecycle.IN_FLIGHT)
        )
        for candidate_id, sent_at in conn.execute(query):
            found[candidate_id].append(sent_at or self.now)
        return found

    def claim_batch(
        self, conn: Connection, channels: list[str], size: int, *, dry_run: bool, after: int
    ) -> BatchResult:
        """Recheck and claim up to `size` drafts, inside the caller's transaction."""
        result = BatchResult()
        rows = self.select(conn, channels, size, after)
        if not rows:
            result.exhausted = True
            return result
        result.last_id = max(r["id"] for r in rows)
        self._serialise(conn, rows)
        candidate_ids = sorted({r["candidate_id"] for r in rows})
        snapshot = load_snapshot(conn, self.settings, self.now, candidate_ids)
        t = models.Thread.__table__
        threads = {
            row.thread_id: row
            for row in conn.execute(
                select(t).where(t.c.thread_id.in_(sorted({r["thread_id"] for r in rows})))
            )
        }
        used = self._used_today(conn) + self.dry_used
        in_flight = self._in_flight(conn, candidate_ids)
        for candidate_id in candidate_ids:
            in_flight[candidate_id] += self.dry_flight.get(candidate_id, [])
        for row in rows:
            answer, ctx = self._ask(row, snapshot, threads, used, in_flight)
            outcome = self._apply(conn, row, answer, ctx, result, dry_run)
            if outcome in ("claimed", "would_send"):
                used[row["recruiter"] or ""] += 1
                in_flight[row["candidate_id"]].append(self.now)
            if outcome == "would_send":
                self.dry_used[row["recruiter"] or ""] += 1
                self.dry_flight[row["candidate_id"]].append(self.now)
        return result

    def _ask(self, row, snapshot: Snapshot, threads, used, in_flight):
        """The pipeline's answer for one draft (and its context, when it still has one):
        the heart of "only if every rule still holds"."""
        thread = threads.get(row["thread_id"])
        if thread is None or row["candidate_id"] not in snapshot.candidates:
            return refuse(Reason.MISSING, "the thread or candidate is no longer in the store"), None
        try:
            ctx = snapshot.context(thread_view(thread))
        except MissingInitialMessage as exc:
            # Nothing left to follow up: cancel this one draft, and let the run go on.
            return refuse(Reason.INITIAL_MISSING, str(exc)), None
        pace = Pace(
            self.settings,
            self.now,
            self.day_zone,
            used[row["recruiter"] or ""],
            in_flight.get(row["candidate_id"], []),
        )
        return may_send(row, ctx, pace), ctx

    def _apply(self, conn, row, answer: Answer, ctx, result: BatchResult, dry_run: bool) -> str:
        """Cancel, hold or claim one draft as the answer says; returns what happened."""
        base = {"id": row["id"], "draft": row}
        if answer.cancels:
            codes, reason = answer.cancel_codes, answer.cancel_reason
            result.decided.append(base | {"outcome": "cancelled", "codes": codes, "detail": reason})
            if not dry_run:
                lifecycle.cancel(
                    conn,
                    row,
                    flags=[f.as_dict() for f in answer.blocking],
                    codes=codes,
                    reason=reason,
                    actor=self.actor,
                    at=self.now,
                )
            return "cancelled"
        if answer.holds:
            hold = answer.holds[0]
            result.decided.append(
                base
                | {
                    "outcome": "held",
                    "codes": str(hold.code).split(","),
                    "detail": hold.reason,
                    "not_before": hold.not_before,
                }
            )
            if not dry_run:
                # Not a transition: the draft stays approved, saying why and until when.
                conn.execute(
                    update(DRAFT)
                    .where(
                        DRAFT.c.id == row["id"],
                        DRAFT.c.status == lifecycle.APPROVED,
                        DRAFT.c.version == row["version"],
                    )
                    .values(hold_reason=f"{hold.code}: {hold.reason}", not_before=hold.not_before)
                )
            return "held"
        if dry_run:
            result.decided.append(base | {"outcome": "would_send", "detail": "every rule holds"})
            return "would_send"
        claimed = self._claim(conn, row, ctx)
        if claimed is None:
            return "lost"
        result.claimed.append(claimed)
        return "claimed"

    def _claim(self, conn: Connection, row, ctx) -> Claimed | None:
        """approved → sending, only if nobody changed the draft since we read it."""
        message_id = row["message_id"] or new_message_id(row["id"], self.settings.send.from_)
        lease_until = self.wall_clock() + self.lease
        if not lifecycle.claim(
            conn, row, owner=self.owner, lease_until=lease_until, message_id=message_id
        ):
            return None
        candidate = ctx.candidate
        outgoing = Outgoing(
            draft_id=row["id"],
            channel=row["channel"],
            message_id=message_id,
            sender=self.settings.send.from_,
            to_name=candidate.full_name,
            to_email=candidate.email,
            linkedin_url=candidate.linkedin_url,
            subject=row["subject"] or "",
            body=row["body"],
            date=self.now,
            list_unsubscribe=self.settings.send.list_unsubscribe,
        )
        draft = row | {
            "status": lifecycle.SENDING,
            "version": row["version"] + 1,
            "message_id": message_id,
        }
        return Claimed(draft, outgoing)
