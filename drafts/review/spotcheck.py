"""Lead spot-checks: a seeded, stratified sample of what each recruiter approved or sent.

A lead's verdict is itself a decision, so it goes into the append-only log (actions
`spot_ok` and `spot_concern`, the note as the reason); the latest verdict per draft wins.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from store import FollowupsError, audit, models
from store.clock import iso

SPOT_STATUSES = ("approved", "sent")
VERDICTS = {"ok": "spot_ok", "concern": "spot_concern"}


@dataclass(frozen=True)
class SpotCheckItem:
    """One draft picked for a lead to look at, with the lead's verdict so far."""

    draft_id: int
    recruiter: str
    status: str
    candidate_id: str
    body: str
    verdict: str | None
    note: str | None
    # Who approved it (the reviewer), beside `recruiter` (the draft's owner).
    decided_by: str | None = None


def _verdicts(conn: Connection) -> dict[int, tuple[str, str | None, str]]:
    d = models.Decision.__table__
    latest: dict[int, tuple[str, str | None, str]] = {}
    query = (
        select(d.c.draft_id, d.c.action, d.c.reason, d.c.actor)
        .where(d.c.action.in_(VERDICTS.values()))
        .order_by(d.c.at, d.c.id)
    )
    for draft_id, action, reason, actor in conn.execute(query):
        latest[draft_id] = ("ok" if action == "spot_ok" else "concern", reason, actor)
    return latest


def sample(
    conn: Connection, *, per_recruiter: int, seed: int, recruiter: str | None = None
) -> list[SpotCheckItem]:
    """Up to `per_recruiter` drafts per recruiter, split across approved and sent.

    Stratified so a recruiter whose drafts are mostly sent still has approved ones looked
    at (and the other way round); seeded so two leads with the same seed see the same set.
    """
    d = models.FollowUpDraft.__table__
    query = select(
        d.c.id, d.c.recruiter, d.c.status, d.c.candidate_id, d.c.body, d.c.decided_by
    ).where(d.c.status.in_(SPOT_STATUSES))
    if recruiter:
        query = query.where(d.c.recruiter == recruiter)
    strata: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for row in conn.execute(query.order_by(d.c.id)):
        strata[row.recruiter or "-"][row.status].append(row)
    verdicts = _verdicts(conn)
    rng = random.Random(seed)
    picked: list[SpotCheckItem] = []
    for who in sorted(strata):
        groups = strata[who]
        quota = _split(per_recruiter, {s: len(groups[s]) for s in SPOT_STATUSES})
        for status in SPOT_STATUSES:
            for row in sorted(rng.sample(groups[status], quota[status]), key=lambda r: r.id):
                verdict = verdicts.get(row.id)
                picked.append(
                    SpotCheckItem(
                        row.id,
                        who,
                        status,
                        row.candidate_id,
                        row.body,
                        verdict[0] if verdict else None,
                        verdict[1] if verdict else None,
                        row.decided_by,
                    )
                )
    return picked


def _split(size: int, available: dict[str, int]) -> dict[str, int]:
    """Share `size` across strata as evenly as their sizes allow."""
    quota = dict.fromkeys(available, 0)
    remaining = size
    while remaining > 0:
        open_strata = [s for s in available if quota[s] < available[s]]
        if not open_strata:
            break
        for stratum in open_strata:
            if remaining == 0:
                break
            quota[stratum] += 1
            remaining -= 1
    return quota


def mark(
    conn: Connection,
    *,
    draft_id: int,
    verdict: str,
    lead: str,
    note: str | None = None,
    at: datetime | None = None,
) -> None:
    """Record a lead's verdict on a draft: "ok", or "concern" (which needs a note)."""
    if verdict not in VERDICTS:
        raise FollowupsError(f"a spot-check verdict is 'ok' or 'concern', not {verdict!r}")
    if verdict == "concern" and not (note and note.strip()):
        raise FollowupsError("a concern needs a note saying what is wrong")
    d = models.FollowUpDraft.__table__
    row = conn.execute(select(d.c.thread_id, d.c.candidate_id).where(d.c.id == draft_id)).first()
    if row is None:
        raise FollowupsError(f"no draft with id {draft_id}")
    audit.record(
        conn,
        actor=lead,
        action=VERDICTS[verdict],
        at=at,
        draft_id=draft_id,
        thread_id=row.thread_id,
        candidate_id=row.candidate_id,
        reason=(note or "").strip() or None,
    )


def concerns(conn: Connection) -> list[dict[str, Any]]:
    """Every draft whose latest verdict is a concern, per recruiter: for export."""
    verdicts = {k: v for k, v in _verdicts(conn).items() if v[0] == "concern"}
    if not verdicts:
        return []
    d = models.FollowUpDraft.__table__
    rows = conn.execute(select(d).where(d.c.id.in_(list(verdicts)))).mappings()
    result = [
        {
            "draft_id": row["id"],
            "recruiter": row["recruiter"],
            "candidate_id": row["candidate_id"],
            "status": row["status"],
            "sent_at": iso(row["sent_at"]),
            "lead": verdicts[row["id"]][2],
            "note": verdicts[row["id"]][1],
            "body": row["body"],
        }
        for row in rows
    ]
    return sorted(result, key=lambda r: (r["recruiter"] or "", r["draft_id"]))
