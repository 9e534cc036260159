"""Read-only lookups lead mode needs beside `drafts.review.spotcheck` and `store.figures`.

Plain functions over a Connection (no Textual), so the screens can call them from workers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from drafts.review import spotcheck
from store import models


def candidate_names(conn: Connection, candidate_ids: Iterable[str]) -> dict[str, str]:
    """Candidate id -> full name, for the ids given (unknown ids are left out)."""
    wanted = sorted(set(candidate_ids))
    if not wanted:
        return {}
    c = models.Candidate.__table__
    query = select(c.c.candidate_id, c.c.full_name).where(c.c.candidate_id.in_(wanted))
    return {candidate_id: name for candidate_id, name in conn.execute(query)}


def concerns_by_recruiter(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    """Every open concern (latest verdict per draft) with the candidate's name, by recruiter."""
    rows = spotcheck.concerns(conn)
    names = candidate_names(conn, (row["candidate_id"] for row in rows))
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        named = row | {"candidate_name": names.get(row["candidate_id"])}
        grouped[row["recruiter"] or "-"].append(named)
    return dict(sorted(grouped.items()))
