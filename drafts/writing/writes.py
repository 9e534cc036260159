"""The scheduler's writes: thread states, thread-level evidence, and new drafts, set-based."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.engine import Connection

from drafts import lifecycle
from store import models
from store.enums import ThreadState
from store.upsert import upsert

# Ids per IN (...) list and rows per executemany: well inside SQLite's parameter limit.
CHUNK = 500
BATCH = 2_000
# Threads that end alike are written by one UPDATE per group from this many on.
GROUP_MIN = 20


def write_threads(conn: Connection, changed: list, now: datetime) -> None:
    """Store each changed thread's state and its thread-level flags (a draft's go with it)."""
    t = models.Thread.__table__
    # Most threads of a run end alike (drafted, suppressed as replied, ...): each such group
    # is one UPDATE ... WHERE thread_id IN (...). Threads with a state of their own (a
    # waiting thread's hold date) are written row by row in one executemany.
    groups: dict[tuple, list[str]] = defaultdict(list)
    for d in changed:
        key = (str(d.state), tuple(str(r) for r in d.reasons), d.hold_until, d.problem)
        groups[key].append(d.thread.thread_id)
    one_by_one = []
    for (state, reasons, hold, problem), ids in groups.items():
        values = {"state": state, "reasons": list(reasons), "hold_until": hold, "problem": problem}
        if len(ids) < GROUP_MIN:
            one_by_one += [{"tid": tid, **values} for tid in ids]
            continue
        for chunk in chunks(ids, CHUNK):
            conn.execute(
                update(t).where(t.c.thread_id.in_(chunk)).values(**values, evaluated_at=now)
            )
    row_by_row = (
        update(t)
        .where(t.c.thread_id == bindparam("tid"))
        .values(
            state=bindparam("state"),
            reasons=bindparam("reasons"),
            hold_until=bindparam("hold_until"),
            problem=bindparam("problem"),
            evaluated_at=now,
        )
    )
    for chunk in chunks(one_by_one, BATCH):
        conn.execute(row_by_row, chunk)

    flag = models.Flag.__table__
    thread_level = flag.c.draft_id.is_(None)
    flagged = set(conn.execute(select(flag.c.thread_id).where(thread_level).distinct()).scalars())
    stale = [d.thread.thread_id for d in changed if d.thread.thread_id in flagged]
    for chunk in chunks(stale, CHUNK):
        conn.execute(delete(flag).where(thread_level, flag.c.thread_id.in_(chunk)))
    flag_rows = [
        {"thread_id": d.thread.thread_id, "draft_id": None, **f.as_dict()}
        for d in changed
        if d.state != ThreadState.DRAFTED
        for f in d.flags
    ]
    for chunk in chunks(flag_rows, BATCH):
        conn.execute(flag.insert(), chunk)


def chunks(items: list, size: int) -> Iterator[list]:
    """Consecutive slices of at most `size` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def write_drafts(conn: Connection, ready, now: datetime, run_id: str) -> int:
    """Insert the drafts (a step already drafted by a racing run is skipped) and their flags."""
    if not ready:
        return 0
    rows = [
        {
            "thread_id": item.thread.thread_id,
            "step": item.step,
            "candidate_id": item.thread.candidate_id,
            "role_id": item.thread.role_id,
            "recruiter": item.thread.recruiter,
            "channel": item.thread.channel,
            "status": lifecycle.CREATED.value,
            "subject": text.subject,
            "body": text.body,
            "original_body": text.body,
            "engine": "llm" if item.meta else "jinja",
            "template": text.template,
            "created_at": now,
            "schedule_run": run_id,
            "version": 1,
            "cancel_codes": [],
            "attempts": 0,
            "llm_meta": item.meta,
        }
        for item, text in ready
    ]
    upsert(conn, models.FollowUpDraft, rows, ["thread_id", "step"], update_columns=[])
    d = models.FollowUpDraft.__table__
    ids = dict(conn.execute(select(d.c.thread_id, d.c.id).where(d.c.schedule_run == run_id)).all())
    flag_rows = [
        {"thread_id": item.thread.thread_id, "draft_id": ids[item.thread.thread_id], **f.as_dict()}
        for item, _text in ready
        if item.thread.thread_id in ids
        for f in item.flags
    ]
    if flag_rows:
        conn.execute(models.Flag.__table__.insert(), flag_rows)
    return len(ids)
