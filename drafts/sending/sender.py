"""`followups send`: deliver approved drafts once, and only if every rule still holds.

A draft moves approved → sending → sent | failed | cancelled | unknown:

1. **Sweep.** A draft left in `sending` by a sender that is gone is settled first: never
   attempted (no `sent_at`) → back to approved; attempted → `unknown`, for a person.
2. **Claim** (one transaction per batch, `send_claim`): rules, approved text, pacing;
   then approved → sending by a conditional UPDATE, with the Message-ID fixed.
3. **Deliver**, one message at a time. Before each, a committed write sets `sent_at`
   (the point after which the draft can only become sent or unknown); after it, the
   outcome is committed together with the next message's mark, so a run costs one commit
   per message.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import Engine, select

from drafts import lifecycle
from drafts.rules import pacing
from drafts.rules.answers import Stop
from drafts.rules.pipeline import automation_stop, volume_stop
from drafts.sending.claims import Claimed, Claimer
from drafts.sending.transports import Outcome, Transport
from drafts.sending.writes import mark_attempt, record_outcome, record_touchpoint, release
from store import FollowupsError, audit, models
from store.clock import iso, utc_now
from store.config import Settings
from store.models import THREAD_CHANNELS

DRAFT = models.FollowUpDraft.__table__
BATCH = 50
# How long another host waits before it declares a silent sender's draft in doubt.
MIN_LEASE = timedelta(minutes=10)
HOST = socket.gethostname()
# Runs alive in this process: their `sending` drafts are not a crashed sender's.
_ACTIVE_RUNS: set[str] = set()


@dataclass
class SendReport:
    """What a run did (or, dry, would do), and what waits for a person."""

    now: datetime
    dry_run: bool
    transports: dict[str, str | None]
    # Where each channel's messages go ("outbox /path", "smtp host:port"), said at the end.
    destinations: dict[str, str | None] = field(default_factory=dict)
    automation_on: bool = True
    # Set when this run stopped itself before a message that would pass the volume alarm.
    volume_alarm: Stop | None = None
    items: list[dict[str, Any]] = field(default_factory=list)
    in_doubt: list[dict[str, Any]] = field(default_factory=list)
    swept: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> Counter:
        """Drafts per outcome."""
        return Counter(item["outcome"] for item in self.items)

    def as_json(self) -> dict[str, Any]:
        """The `send --json` document."""
        alarm = {"volume_alarm": self.volume_alarm.evidence} if self.volume_alarm else {}
        return {
            "dry_run": self.dry_run,
            "automation": "on" if self.automation_on else "off",
            "now": iso(self.now),
            "transports": self.transports,
            "destinations": self.destinations,
            "counts": dict(sorted(self.counts().items())),
            "sent": self.counts().get("sent", 0),
            "stopped": str(self.volume_alarm.code) if self.volume_alarm else None,
            "drafts": self.items,
            "swept": self.swept,
            "unknown": self.in_doubt,
        } | alarm


def _item(draft: dict[str, Any], outcome: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": draft["id"],
        "candidate_id": draft["candidate_id"],
        "recruiter": draft["recruiter"],
        "channel": draft["channel"],
        "outcome": outcome,
        "detail": detail,
        "message_id": draft.get("message_id"),
        **extra,
    }


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def claimer_gone(claimed_by: str | None, expires: datetime | None, wall_now: datetime) -> bool:
    """Whether the sender that claimed a draft can no longer finish it."""
    if expires is not None and expires < wall_now:
        return True
    try:
        _tag, host, pid, run = (claimed_by or "").split(":", 3)
    except ValueError:
        return True
    if host != HOST:
        return False
    if int(pid) == os.getpid():
        return run not in _ACTIVE_RUNS
    return not _pid_alive(int(pid))


def sweep(engine: Engine, *, actor: str, now: datetime) -> list[dict[str, Any]]:
    """Settle drafts stuck in `sending` by a sender that crashed or was killed."""
    settled = []
    wall_now = utc_now()
    with engine.begin() as conn:
        rows = (
            conn.execute(select(DRAFT).where(DRAFT.c.status == lifecycle.SENDING)).mappings().all()
        )
        for row in rows:
            owner = row["send_claimed_by"]
            if not claimer_gone(owner, row["send_claim_expires_at"], wall_now):
                continue
            if row["sent_at"] is None:
                # Claimed, never attempted: nothing left the building.
                release(conn, [row["id"]], owner)
                outcome, reason = "released", "claimed by a sender that stopped; never attempted"
            else:
                lifecycle.declare_in_doubt(
                    conn,
                    row["id"],
                    owner,
                    "the sender stopped while delivering this message; "
                    f"look for Message-ID {row['message_id']} before deciding",
                )
                outcome, reason = "unknown", "the sender stopped during delivery"
            audit.record(
                conn,
                actor=actor,
                action=outcome if outcome == "unknown" else "release",
                at=now,
                draft_id=row["id"],
                thread_id=row["thread_id"],
                candidate_id=row["candidate_id"],
                reason=reason,
                detail={"claimed_by": row["send_claimed_by"], "message_id": row["message_id"]},
            )
            settled.append(_item(dict(row), outcome, reason))
    return settled


def in_doubt(engine: Engine) -> list[dict[str, Any]]:
    """Drafts in `unknown`: a person must look each up by Message-ID and settle it."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(DRAFT).where(DRAFT.c.status == lifecycle.UNKNOWN).order_by(DRAFT.c.id)
        ).mappings()
        return [
            _item(dict(r), "unknown", r["send_error"] or "", sent_at=iso(r["sent_at"]))
            for r in rows
        ]


def volume_check(
    engine: Engine, settings: Settings, now: datetime, planned: int, day_zone: tzinfo | None = None
) -> Stop | None:
    """The volume alarm for a run that plans `planned` messages now (`send` asks first)."""
    with engine.connect() as conn:
        return volume_stop(conn, settings, now, planned, day_zone or pacing.local_zone())


class Sender:
    """One `send` run over every approved draft that is due."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        now: datetime,
        *,
        transports: dict[str, Transport],
        dry_run: bool = False,
        actor: str = "sender",
        batch: int = BATCH,
        limit: int | None = None,
        day_zone: tzinfo | None = None,
        on_progress: Callable[[dict[str, Any]], None] | None = None,
        allow_spike: bool = False,
    ):
        self.engine = engine
        self.settings = settings
        self.now = now
        self.transports = transports
        self.dry_run = dry_run
        self.actor = actor
        self.batch = batch
        self.limit = limit
        self.on_progress = on_progress or (lambda _item: None)
        # The volume alarm (drafts.rules.pipeline.volume_stop) holds unless a person said so.
        self.allow_spike = allow_spike
        self.day_zone = day_zone or pacing.local_zone()
        self.run_id = uuid.uuid4().hex[:12]
        self.owner = f"send:{HOST}:{os.getpid()}:{self.run_id}"
        self.lease = max(MIN_LEASE, timedelta(seconds=4 * settings.send.smtp.timeout_s))
        self.claimer = Claimer(
            settings,
            now,
            owner=self.owner,
            lease=self.lease,
            wall_clock=utc_now,
            day_zone=self.day_zone,
            actor=actor,
        )

    def run(self) -> SendReport:
        """Sweep, then claim and deliver batch after batch until nothing due is left."""
        names, destinations = {}, {}
        for channel in THREAD_CHANNELS:
            transport = self.transports.get(channel)
            names[channel] = transport.name if transport else None
            destinations[channel] = getattr(transport, "destination", names[channel])
        report = SendReport(self.now, self.dry_run, names, destinations=destinations)
        self._report = report
        _ACTIVE_RUNS.add(self.run_id)
        try:
            if not self.dry_run:
                report.swept = sweep(self.engine, actor=self.actor, now=self.now)
            channels = sorted(THREAD_CHANNELS if self.dry_run else self.transports)
            if channels:
                self._loop(report, channels)
        finally:
            _ACTIVE_RUNS.discard(self.run_id)
            for transport in {id(t): t for t in self.transports.values()}.values():
                transport.close()
        report.in_doubt = in_doubt(self.engine)
        return report

    def _loop(self, report: SendReport, channels: list[str]) -> None:
        after, sent = 0, 0
        # Bounded: every batch moves `after` forward past at least one draft id.
        for _ in range(1_000_000):
            size = self.batch if self.limit is None else min(self.batch, self.limit - sent)
            if size <= 0:
                return
            with self.engine.begin() as conn:
                if automation_stop(conn) is not None:
                    report.automation_on = False
                    return
                result = self.claimer.claim_batch(
                    conn, channels, size, dry_run=self.dry_run, after=after
                )
                if self.dry_run:
                    conn.rollback()
                elif stop := self._volume_stop(conn, len(result.claimed)):
                    # Before the first message past the line: this batch's claims roll back.
                    conn.rollback()
                    report.volume_alarm = stop
                    return
            if result.exhausted:
                return
            after = result.last_id
            for decided in result.decided:
                item = _item(decided["draft"], decided["outcome"], decided["detail"])
                if "codes" in decided:
                    item["codes"] = decided["codes"]
                if decided.get("not_before"):
                    item["not_before"] = iso(decided["not_before"])
                if decided["outcome"] == "would_send":
                    channel = decided["draft"]["channel"]
                    item["transport"] = report.transports.get(channel)
                report.items.append(item)
                self.on_progress(item)
            sent += len(result.claimed) + sum(
                1 for d in result.decided if d["outcome"] == "would_send"
            )
            if result.claimed and not self._deliver(result.claimed, report):
                return

    def _volume_stop(self, conn, claimed: int) -> Stop | None:
        if self.allow_spike or not claimed:
            return None
        return volume_stop(conn, self.settings, self.now, claimed, self.day_zone)

    def _deliver(self, claimed: list[Claimed], report: SendReport) -> bool:
        """Deliver a claimed batch. False: the transport is down, stop the run."""
        remaining = list(claimed)
        finished: tuple[Claimed, Outcome] | None = None
        flying: Claimed | None = None
        keep_going = True
        # One connection for the batch: a checkout per message would also pay a pre-ping.
        with self.engine.connect() as conn:
            try:
                while remaining:
                    item = remaining.pop(0)
                    if not self._commit(conn, finished, start=item):
                        finished = None
                        continue  # no longer ours: someone settled it meanwhile
                    finished, flying = None, item
                    outcome = self._send_one(item)
                    finished, flying = (item, outcome), None
                    if outcome.transport_down:
                        keep_going = False
                        break
            finally:
                if flying is not None:
                    finished = (flying, Outcome("unknown", "the sender stopped during delivery"))
                given_back = [c.draft["id"] for c in remaining]
                self._commit(conn, finished, start=None, give_back=given_back)
        return keep_going

    def _send_one(self, item: Claimed) -> Outcome:
        """One delivery. A transport answers with an Outcome; should it raise all the same,
        the message may have left (unknown), and the batch goes on with a fresh connection."""
        transport = self.transports[item.draft["channel"]]
        try:
            return transport.deliver(item.outgoing)
        except Exception as exc:
            transport.close()
            return Outcome("unknown", f"the transport failed: {type(exc).__name__}: {exc}")

    def _commit(self, conn, finished, *, start: Claimed | None, give_back: list[int] = ()) -> bool:
        """One transaction: the last outcome, the next attempt's mark, drafts given back."""
        if conn.in_transaction():
            conn.rollback()  # a failed statement left one open; start clean
        with conn.begin():
            if finished is not None:
                item, outcome = finished
                draft = item.draft | {"sent_at": self.now, "to_email": item.outgoing.to_email}
                transport = self.transports[draft["channel"]].name
                status = record_outcome(
                    conn,
                    draft,
                    outcome,
                    owner=self.owner,
                    now=self.now,
                    actor=self.actor,
                    transport=transport,
                )
                entry = _item(draft, status, outcome.detail, transport=transport)
                self._report.items.append(entry)
                self.on_progress(entry)
            if give_back:
                release(conn, list(give_back), self.owner)
            if start is None:
                return True
            return mark_attempt(
                conn, start.draft["id"], self.owner, self.now, utc_now() + self.lease
            )


def reconcile(
    engine: Engine, draft_id: int, outcome: str, *, actor: str, now: datetime, note: str | None
) -> dict[str, Any]:
    """A person settles an `unknown` draft after looking it up by its Message-ID."""
    if outcome not in ("sent", "failed"):
        raise FollowupsError(f"--reconcile takes 'sent' or 'failed', not {outcome!r}")
    with engine.begin() as conn:
        row = conn.execute(select(DRAFT).where(DRAFT.c.id == draft_id)).mappings().one_or_none()
        if row is None:
            raise FollowupsError(f"there is no draft {draft_id}")
        if row["status"] != lifecycle.UNKNOWN:
            raise FollowupsError(
                f"draft {draft_id} is {row['status']}, not unknown: nothing to reconcile"
            )
        sent_at = lifecycle.reconcile(conn, row, outcome, now=now)
        if outcome == "sent":
            record_touchpoint(conn, dict(row), sent_at)
        audit.record(
            conn,
            actor=actor,
            action="reconcile",
            at=now,
            draft_id=draft_id,
            thread_id=row["thread_id"],
            candidate_id=row["candidate_id"],
            reason=note,
            detail={"outcome": outcome, "message_id": row["message_id"]},
        )
    return _item(dict(row) | {"status": outcome}, outcome, note or "settled by a person")
