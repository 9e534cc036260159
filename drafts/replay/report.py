"""`followups replay` without the terminal: read the store once, run each configuration
over the days, compare, and report (contract section 9). Nothing is written, anywhere."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine

from drafts.replay.asof import History, load_history
from drafts.replay.naive import replay_naive
from drafts.replay.runs import Difference, Run, days_between, differences, moment_of
from drafts.replay.scheduled import replay_scheduled
from store import FollowupsError
from store.config import Settings

# A year is plenty for "what would last quarter have looked like"; beyond it a typo
# (2062 for 2026) would quietly run for minutes.
MAX_DAYS = 366

Phase = Callable[[str, int], Callable[[int], None]]


@dataclass
class ReplayReport:
    """Every run of a replay, the differences between configured and against, and the
    candidates' names for a person reading it."""

    start: date
    end: date
    hour: int
    runs: list[Run]
    differences: list[Difference]
    history: History

    def run(self, name: str) -> Run | None:
        """The run of that name, if this replay made one."""
        return next((r for r in self.runs if r.name == name), None)

    def name_of(self, candidate_id: str) -> str:
        """The candidate's name as the store holds it (untrusted text: print it plainly)."""
        candidate = self.history.snapshot.candidates.get(candidate_id)
        return candidate.full_name if candidate else candidate_id

    def as_json(self) -> dict[str, Any]:
        """The contract's `replay --json` document."""
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "runs": [
                {
                    "name": run.name,
                    "followups": len(run.followups),
                    "by_day": run.by_day(),
                    "harms": dict(sorted(run.harms().items())),
                }
                for run in self.runs
            ],
            "differences": [d.as_json() for d in self.differences],
        }


def check_range(start: date, end: date) -> list[date]:
    """The days of a replay, or a clear error about the range."""
    if end < start:
        raise FollowupsError(
            f"--to {end.isoformat()} is before --from {start.isoformat()}; give the earlier "
            "day first"
        )
    days = days_between(start, end)
    if len(days) > MAX_DAYS:
        raise FollowupsError(
            f"{len(days)} days from {start.isoformat()} to {end.isoformat()}: replay covers "
            f"at most {MAX_DAYS} days at a time"
        )
    return days


def replay(
    engine: Engine,
    settings: Settings,
    start: date,
    end: date,
    *,
    naive: bool = False,
    against: Settings | None = None,
    progress: Phase | None = None,
) -> ReplayReport:
    """Replay the configuration (and the naive automation, and a second configuration)
    from `start` to `end`, each day at `[replay] hour` UTC. Reads the store once."""
    days = check_range(start, end)
    hour = settings.replay.hour
    with engine.connect() as conn:  # one read; closing it rolls back: nothing is written
        history = load_history(conn, settings, moment_of(end, hour))
    # The history is only read from here on: frozen, the cyclic collector stops walking its
    # hundreds of thousands of objects again at every collection (a third of a large run).
    gc.freeze()
    try:
        return _replay_runs(history, settings, days, hour, naive, against, progress)
    finally:
        gc.unfreeze()


def _replay_runs(history, settings, days, hour, naive, against, progress) -> ReplayReport:
    phase = progress or (lambda _label, _total: None)
    runs = [replay_scheduled(history, settings, days, hour, advance=phase("configured", len(days)))]
    if naive:
        runs.append(replay_naive(history, settings, days, hour, phase("naive", len(days))))
    found: list[Difference] = []
    if against is not None:
        other = replay_scheduled(
            history, against, days, hour, name="against", advance=phase("against", len(days))
        )
        runs.append(other)
        found = differences(runs[0], other)
    return ReplayReport(days[0], days[-1], hour, runs, found, history)
