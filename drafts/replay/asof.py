"""The store as it was at a moment: what the rules may see when replay asks them about it.

`History` is everything loaded once (a snapshot of the whole store, the status history);
`History.as_of(moment, settings, sent)` is a `Snapshot` the rules' own context builder
(drafts.rules.context) reads as usual, whose mappings answer for that moment only:

- touchpoints up to the moment, and the follow-ups this replay counted as sent by then;
- each candidate's ATS status as of the moment (contract section 6);
- do-not-contact entries made by then. An entry that came from an import has no true date
  (it was on a list before we saw it), nor has one stored before entries carried a date:
  both count from the start. So does the ATS `do_not_contact` flag, which is current.

Everything else (roles, recruiters, addresses, delivery of the initial message) is as the
store holds it now: the export says what it is, not since when.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from drafts.rules.context import (
    CandidateView,
    Snapshot,
    ThreadView,
    TouchpointView,
    load_snapshot,
    thread_columns,
)
from store import models
from store.config import Settings
from store.status_history import StatusTimeline, load_timeline


class _MomentMapping(Mapping[str, Any]):
    """A read-only mapping computed per key, cached for one moment."""

    def __init__(self, keys: Collection[str], compute):
        self._keys = keys
        self._compute = compute
        self._cache: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key not in self._cache:
            if key not in self._keys:
                raise KeyError(key)
            self._cache[key] = self._compute(key)
        return self._cache[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


@dataclass(frozen=True)
class ReplayThread:
    """A thread replay decides about, with the moment it starts to exist."""

    view: ThreadView
    initial_at: datetime


def _counts_from_start(entry: Any) -> bool:
    created = getattr(entry, "created_at", None)
    return created is None or getattr(entry, "source", "import") == "import"


class History:
    """The whole store, read once; `as_of` answers for one moment."""

    def __init__(self, snapshot: Snapshot, timeline: StatusTimeline, threads: list[ReplayThread]):
        self.snapshot = snapshot
        self.timeline = timeline
        self.threads = sorted(threads, key=lambda t: (t.initial_at, t.view.thread_id))
        self._moments = {
            cid: [t.occurred_at for t in tps] for cid, tps in snapshot.touchpoints.items()
        }

    def as_of(
        self,
        moment: datetime,
        settings: Settings,
        sent: Mapping[str, list[TouchpointView]] | None = None,
    ) -> Snapshot:
        """The store at `moment`, with `sent` (candidate id → follow-ups this replay counted
        as sent, oldest first) added to the touchpoints."""
        base = self.snapshot
        sent = sent or {}

        def candidate(cid: str) -> CandidateView:
            current = base.candidates[cid]
            status = self.timeline.as_of(cid, moment, current.ats_status)
            return current if status == current.ats_status else replace(current, ats_status=status)

        def touchpoints(cid: str) -> list[TouchpointView]:
            real = base.touchpoints.get(cid, [])
            shown = real[: bisect_right(self._moments[cid], moment)] if real else []
            extra = [t for t in sent.get(cid, ()) if t.occurred_at <= moment]
            if not extra:
                return shown
            return sorted([*shown, *extra], key=lambda t: (t.occurred_at, t.touchpoint_id))

        def dated(entries: Mapping[str, list[Any]]) -> dict[str, list[Any]]:
            kept: dict[str, list[Any]] = defaultdict(list)
            for key, items in entries.items():
                for entry in items:
                    if _counts_from_start(entry) or entry.created_at <= moment:
                        kept[key].append(entry)
            return kept

        return Snapshot(
            settings,
            moment,
            _MomentMapping(base.candidates, candidate),
            base.roles,
            base.recruiters,
            _MomentMapping(base.touchpoints.keys() | sent.keys(), touchpoints),
            dated(base.suppressions_by_candidate),
            dated(base.suppressions_by_email),
            dated(base.suppressions_by_linkedin),
            # An address counts as bounced from the report (or relay answer) that said so.
            {a: b for a, b in base.bounced.items() if b.bounced_at <= moment},
        )


def load_history(conn: Connection, settings: Settings, until: datetime) -> History:
    """Read what replay needs in one read: no lock taken, nothing written."""
    snapshot = load_snapshot(conn, settings, until)
    t = models.Thread.__table__
    rows = conn.execute(select(*thread_columns(), t.c.initial_at)).all()
    width = len(ThreadView.__slots__)
    threads = [ReplayThread(ThreadView(*row[:width]), row[width]) for row in rows]
    return History(snapshot, load_timeline(conn), threads)
