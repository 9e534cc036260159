"""`followups person ID`: everything the store holds about one person (GDPR Art. 15).

The same tables `forget` erases, read instead: the candidate and their addresses,
touchpoints, status history, threads, drafts with their flags, audit entries,
do-not-contact entries and bounced addresses. An erased person is only a date.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection

from store import FollowupsError, models
from store.clock import iso
from store.erasure import erased_at, identifiers
from store.queries import flag_dict


def _plain(value: Any) -> Any:
    return iso(value) if isinstance(value, datetime) else value


def _rows(conn: Connection, query) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in conn.execute(query).mappings()]


def person_record(conn: Connection, candidate_id: str) -> dict[str, Any]:
    """Every row about the person, by table; `{"candidate_id", "erased_at"}` once erased."""
    c = models.Candidate.__table__
    candidate = _rows(conn, select(c).where(c.c.candidate_id == candidate_id))
    if not candidate:
        when = erased_at(conn, candidate_id)
        if when is None:
            raise FollowupsError(f"no candidate {candidate_id!r} in the store")
        return {"candidate_id": candidate_id, "erased_at": iso(when)}
    person = candidate[0]
    ids = identifiers(
        candidate_id, person.get("email"), person.get("other_emails"), person.get("linkedin_url")
    )
    emails = [value for kind, value in ids if kind == "email"]
    linkedin = [value for kind, value in ids if kind == "linkedin"]

    tp, t, d = models.Touchpoint.__table__, models.Thread.__table__, models.FollowUpDraft.__table__
    f, dec, s = models.Flag.__table__, models.Decision.__table__, models.Suppression.__table__
    threads = _rows(conn, select(t).where(t.c.candidate_id == candidate_id).order_by(t.c.thread_id))
    thread_ids = [row["thread_id"] for row in threads]
    drafts = _rows(conn, select(d).where(d.c.candidate_id == candidate_id).order_by(d.c.id))
    flags = [
        flag_dict(row) | {"thread_id": row["thread_id"], "draft_id": row["draft_id"]}
        for row in conn.execute(
            select(f).where(f.c.thread_id.in_(thread_ids)).order_by(f.c.id)
        ).mappings()
    ]
    suppressed = [s.c.candidate_id == candidate_id]
    if emails:
        suppressed.append(s.c.email.in_(emails))
    if linkedin:
        suppressed.append(s.c.linkedin_url.in_(linkedin))
    record = {
        "candidate": person,
        "addresses": emails,
        "touchpoints": _rows(
            conn,
            select(tp).where(tp.c.candidate_id == candidate_id).order_by(tp.c.occurred_at),
        ),
        "threads": threads,
        "drafts": drafts,
        "flags": flags,
        "decisions": _rows(
            conn,
            select(dec)
            .where(
                or_(
                    dec.c.candidate_id == candidate_id,
                    dec.c.thread_id.in_(thread_ids),
                )
            )
            .order_by(dec.c.id),
        ),
        "suppressions": _rows(conn, select(s).where(or_(*suppressed)).order_by(s.c.key)),
    }
    status = models.StatusChange.__table__
    record["status_history"] = _rows(
        conn,
        select(status).where(status.c.candidate_id == candidate_id).order_by(status.c.changed_at),
    )
    bounced = models.BouncedAddress.__table__
    record["bounced_addresses"] = (
        _rows(conn, select(bounced).where(bounced.c.address.in_(emails))) if emails else []
    )
    return record
