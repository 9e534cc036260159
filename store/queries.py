"""Read paths shared by the CLI, the review app and the reports: plain dicts out."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from store import models
from store.clock import iso


def flag_dict(row) -> dict[str, Any]:
    """A flag as the contract's JSON shape."""
    return {
        "code": row["code"],
        "severity": row["severity"],
        "message": row["message"],
        "evidence": row["evidence"] or {},
    }


def candidate_names(conn: Connection, ids: Iterable[str] | None = None) -> dict[str, str]:
    """Candidate id -> full name (untrusted text), for lists that show names beside ids."""
    c = models.Candidate.__table__
    query = select(c.c.candidate_id, c.c.full_name)
    if ids is not None:
        query = query.where(c.c.candidate_id.in_(sorted(set(ids))))
    return dict(conn.execute(query).all())


def list_threads(
    conn: Connection, *, state: str | None = None, candidate_id: str | None = None
) -> list[dict[str, Any]]:
    """Every thread (of one candidate, in one state) with its state, reasons and evidence."""
    t = models.Thread.__table__
    query = select(t).order_by(t.c.candidate_id, t.c.role_id, t.c.channel)
    if state:
        query = query.where(t.c.state == state)
    if candidate_id:
        query = query.where(t.c.candidate_id == candidate_id)
    threads = conn.execute(query).mappings().all()
    names = candidate_names(
        conn, [row["candidate_id"] for row in threads] if candidate_id else None
    )
    flag = models.Flag.__table__
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in conn.execute(select(flag).where(flag.c.draft_id.is_(None))).mappings():
        grouped[row["thread_id"]].append(flag_dict(row))
    return [
        {
            "thread_id": row["thread_id"],
            "candidate_id": row["candidate_id"],
            "candidate_name": names.get(row["candidate_id"]),
            "role_id": row["role_id"],
            "recruiter": row["recruiter"],
            "channel": row["channel"],
            "state": row["state"],
            "reasons": list(row["reasons"] or []),
            "initial_touchpoint_id": row["initial_touchpoint_id"],
            "initial_at": iso(row["initial_at"]),
            "hold_until": iso(row["hold_until"]),
            "problem": row["problem"],
            "flags": grouped.get(row["thread_id"], []),
        }
        for row in threads
    ]


def draft_dict(row, flags: list[dict[str, Any]], name: str | None = None) -> dict[str, Any]:
    """A draft as the contract's JSON shape (plus what a script would want next)."""
    return {
        "id": row["id"],
        "thread_id": row["thread_id"],
        "candidate_id": row["candidate_id"],
        "candidate_name": name,
        "role_id": row["role_id"],
        "recruiter": row["recruiter"],
        "channel": row["channel"],
        "status": row["status"],
        "flags": flags,
        "subject": row["subject"],
        "body": row["body"],
        "created_at": iso(row["created_at"]),
        "decided_by": row["decided_by"],
        "decided_at": iso(row["decided_at"]),
        "reject_reason": row["reject_reason"],
        "cancel_reason": row["cancel_reason"],
        "cancel_codes": list(row["cancel_codes"] or []),
        "hold_reason": row["hold_reason"],
        "not_before": iso(row["not_before"]),
        "message_id": row["message_id"],
        "sent_at": iso(row["sent_at"]),
        "engine": row["engine"],
        "template": row["template"],
        "llm_meta": row["llm_meta"],
    }


def list_drafts(conn: Connection, *, status: str | None = None) -> list[dict[str, Any]]:
    """Drafts, oldest first, each with its flags."""
    d = models.FollowUpDraft.__table__
    query = select(d).order_by(d.c.id)
    if status:
        query = query.where(d.c.status == status)
    rows = conn.execute(query).mappings().all()
    flag = models.Flag.__table__
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in conn.execute(select(flag).where(flag.c.draft_id.is_not(None))).mappings():
        grouped[row["draft_id"]].append(flag_dict(row))
    for items in grouped.values():
        items.sort(key=lambda f: (f["severity"] != "block", f["code"]))
    names = candidate_names(conn)
    return [
        draft_dict(row, grouped.get(row["id"], []), names.get(row["candidate_id"])) for row in rows
    ]


def basic_stats(conn: Connection) -> dict[str, Any]:
    """Counts a lead wants at a glance: store contents, thread states, drafts per recruiter."""

    def count(model) -> int:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()

    d = models.FollowUpDraft.__table__
    per_recruiter: dict[str, Counter] = defaultdict(Counter)
    for recruiter, status, n in conn.execute(
        select(d.c.recruiter, d.c.status, func.count()).group_by(d.c.recruiter, d.c.status)
    ):
        per_recruiter[recruiter or "-"][status] += n
    t = models.Thread.__table__
    states = dict(conn.execute(select(t.c.state, func.count()).group_by(t.c.state)).all())
    flag = models.Flag.__table__
    flags = dict(conn.execute(select(flag.c.code, func.count()).group_by(flag.c.code)).all())
    return {
        "store": {
            "recruiters": count(models.Recruiter),
            "roles": count(models.Role),
            "candidates": count(models.Candidate),
            "touchpoints": count(models.Touchpoint),
            "suppressions": count(models.Suppression),
            "threads": count(models.Thread),
            "drafts": count(models.FollowUpDraft),
        },
        "threads_by_state": {s: states.get(s, 0) for s in models.THREAD_STATES},
        "drafts_by_recruiter": {
            name: dict(sorted(counter.items())) for name, counter in sorted(per_recruiter.items())
        },
        "flags_by_code": dict(sorted(flags.items())),
    }
