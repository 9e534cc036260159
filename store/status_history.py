"""How a candidate's ATS status moved (contract section 6): recorded, imported, read as of.

Two kinds of rows land in the `status_history` table: the export's own
`status_history.csv` (source ``history``), and what every import sees itself, a
candidate's status when the candidate is new or the status differs from the stored one,
at the import's time (source ``import``). The status *as of* a moment is the latest change
at or before it; before the earliest change, the earliest change's status.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from store import models
from store.text import quoted
from store.upsert import upsert

FILE = "status_history.csv"
FROM_HISTORY = "history"
FROM_IMPORT = "import"


def duplicate_lines(rows: list[dict[str, Any]], lines: list[int]) -> list[tuple[int, str]]:
    """(line, message) for every row that repeats a candidate's change at the same moment."""
    first: dict[tuple[str, datetime], int] = {}
    found = []
    for row, line in zip(rows, lines, strict=True):
        key = (row["candidate_id"], row["changed_at"])
        if key in first:
            found.append(
                (
                    line,
                    f"{quoted(key[0])} already changed status at this moment (line {first[key]})",
                )
            )
        else:
            first[key] = line
    return found


def stored_statuses(conn: Connection) -> dict[str, str]:
    """Every candidate's current ATS status, before an import changes it."""
    c = models.Candidate.__table__
    return dict(conn.execute(select(c.c.candidate_id, c.c.ats_status)).all())


def record_import(
    conn: Connection,
    history_rows: Iterable[Mapping[str, Any]],
    candidate_rows: Iterable[Mapping[str, Any]],
    before: Mapping[str, str],
    now: datetime,
) -> int:
    """Write the export's history, then each candidate whose status is new or changed at
    `now`. A change the export's history already holds for that moment is kept as it is.
    Returns how many statuses this import saw change."""
    history = [
        {
            "candidate_id": r["candidate_id"],
            "changed_at": r["changed_at"],
            "ats_status": r["ats_status"],
            "source": FROM_HISTORY,
        }
        for r in history_rows
    ]
    upsert(
        conn,
        models.StatusChange,
        history,
        ["candidate_id", "changed_at"],
        update_columns=["ats_status", "source"],
    )
    seen = [
        {
            "candidate_id": r["candidate_id"],
            "changed_at": now,
            "ats_status": r["ats_status"],
            "source": FROM_IMPORT,
        }
        for r in candidate_rows
        if r.get("ats_status") and before.get(r["candidate_id"]) != r["ats_status"]
    ]
    upsert(conn, models.StatusChange, seen, ["candidate_id", "changed_at"], update_columns=[])
    return len(seen)


class StatusTimeline:
    """Every candidate's recorded changes, oldest first, answering "status as of"."""

    def __init__(self, changes: Mapping[str, list[tuple[datetime, str]]]):
        self._moments = {cid: [m for m, _ in rows] for cid, rows in changes.items()}
        self._statuses = {cid: [s for _, s in rows] for cid, rows in changes.items()}

    def __contains__(self, candidate_id: str) -> bool:
        return candidate_id in self._moments

    def as_of(self, candidate_id: str, moment: datetime, current: str) -> str:
        """The status at `moment`: the latest change at or before it; before the earliest
        change, the earliest one's status; with no recorded change, `current`."""
        moments = self._moments.get(candidate_id)
        if not moments:
            return current
        index = bisect_right(moments, moment) - 1
        return self._statuses[candidate_id][max(index, 0)]

    def changes_between(self, start: datetime, end: datetime) -> set[str]:
        """Candidates with a change in (start, end]: whose status may differ between them."""
        return {
            cid
            for cid, moments in self._moments.items()
            if bisect_right(moments, end) > bisect_right(moments, start)
        }


def load_timeline(conn: Connection) -> StatusTimeline:
    """Read the whole status history."""
    h = models.StatusChange.__table__
    changes: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    rows = conn.execute(
        select(h.c.candidate_id, h.c.changed_at, h.c.ats_status).order_by(
            h.c.candidate_id, h.c.changed_at
        )
    )
    for candidate_id, changed_at, status in rows:
        changes[candidate_id].append((changed_at, status))
    return StatusTimeline(changes)
