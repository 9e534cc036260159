"""The do-not-contact list (contract section 8): its keys, who added an entry and when.

Every entry blocks with `do_not_contact` wherever the rules are asked (schedule, review,
send, replay): drafts.rules.context matches them to candidates. An entry's `source` tells
where it came from, so `suppress list` can tell the team why someone is on it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Connection

from store import FollowupsError, audit, models
from store.erasure import digest, store_secret
from store.text import normalise_email, normalise_linkedin

# Where an entry came from: an ATS list, a reviewer's "do not contact", a candidate's
# reply asking us to stop (mailbox sync), an erasure (`forget`), a hard bounce, or by hand.
SOURCES = ("import", "review", "reply", "erasure", "bounce", "manual")
# A key on the command line may be shortened, like a git commit id, to this many characters.
MIN_KEY_CHARS = 8
# Keys of the entries a candidate's own message makes ("reply:<touchpoint id>").
REPLY_KEY = "reply:"


def suppression_key(candidate_id: str | None, email: str | None, linkedin_url: str | None) -> str:
    """The stable key of a suppression entry, from its identifiers as stored (normalised).

    The same entry imported twice, or bounced twice, keeps its key: nothing is added again.
    """
    identity = "\x1f".join(value or "" for value in (candidate_id, email, linkedin_url))
    return hashlib.sha256(identity.encode()).hexdigest()


def add_entry(
    conn: Connection,
    *,
    candidate_id: str | None = None,
    email: str | None = None,
    linkedin_url: str | None = None,
    reason: str | None,
    source: str,
    by: str,
    at: datetime,
) -> tuple[str, bool]:
    """Put one person (by id) or one address on the list. Returns (key, whether it is new).

    An entry already there keeps who added it first and when; the audit log records the
    addition without the address itself.
    """
    if source not in SOURCES:
        raise ValueError(f"unknown suppression source {source!r}")
    email = normalise_email(email) or None
    linkedin_url = normalise_linkedin(linkedin_url) or None
    if not (candidate_id or email or linkedin_url):
        raise FollowupsError("a suppression needs a candidate id, an email or a LinkedIn URL")
    key = suppression_key(candidate_id, email, linkedin_url)
    table = models.Suppression.__table__
    if conn.execute(select(table.c.key).where(table.c.key == key)).first() is not None:
        return key, False
    conn.execute(
        table.insert().values(
            key=key,
            candidate_id=candidate_id,
            email=email,
            linkedin_url=linkedin_url,
            reason=reason,
            source=source,
            created_at=at,
            created_by=by,
        )
    )
    audit.record(
        conn,
        actor=by,
        action="suppress_add",
        at=at,
        candidate_id=candidate_id,
        reason=reason,
        # No address, only its keyed hash: `forget` finds and redacts this entry by it.
        detail={
            "source": source,
            "by": _matched_by(email, linkedin_url, candidate_id),
            "subject": _subject(conn, candidate_id, email, linkedin_url),
        },
    )
    return key, True


def _subject(conn: Connection, candidate_id, email, linkedin_url) -> str:
    """The keyed hash (store.erasure) of the entry's identifier, for the audit log."""
    kind, value = (
        ("candidate_id", candidate_id)
        if candidate_id
        else ("email", email)
        if email
        else ("linkedin", linkedin_url)
    )
    return digest(store_secret(conn), kind, value)


def _matched_by(email, linkedin_url, candidate_id) -> str:
    return "candidate_id" if candidate_id else "email" if email else "linkedin_url"


def _replies(conn: Connection) -> list[dict[str, Any]]:
    """Candidates who asked us to stop in a message, as the last `schedule` found them (its
    do_not_contact flags pointing at a touchpoint): one entry each, source "reply"."""
    f, t = models.Flag.__table__, models.Thread.__table__
    found: dict[str, dict[str, Any]] = {}
    rows = conn.execute(
        select(t.c.candidate_id, f.c.message, f.c.evidence)
        .join(t, t.c.thread_id == f.c.thread_id)
        .where(f.c.code == "do_not_contact")
        .order_by(f.c.id)
    )
    for candidate_id, message, evidence in rows:
        touchpoint = (evidence or {}).get("touchpoint_id")
        if not touchpoint or candidate_id in found:
            continue
        when = (evidence or {}).get("occurred_at")
        found[candidate_id] = {
            "key": f"{REPLY_KEY}{touchpoint}",
            "source": "reply",
            "candidate_id": candidate_id,
            "email": None,
            "linkedin_url": None,
            "reason": message,
            "created_at": datetime.fromisoformat(when).replace(tzinfo=None) if when else None,
            "created_by": None,
        }
    return list(found.values())


def find_entry(conn: Connection, key: str) -> dict[str, Any]:
    """The entry whose key is `key` or starts with it (at least MIN_KEY_CHARS), or an error."""
    key = key.strip().casefold()
    if key.startswith(REPLY_KEY):
        raise FollowupsError(
            "that entry is the candidate's own message asking us to stop: it stands while the "
            "message is in the store"
        )
    if len(key) < MIN_KEY_CHARS or not all(c in "0123456789abcdef" for c in key):
        raise FollowupsError(
            f"a suppression key is {MIN_KEY_CHARS} or more hex characters, as `suppress list` shows"
        )
    table = models.Suppression.__table__
    rows = conn.execute(select(table).where(table.c.key.startswith(key)).limit(2)).mappings().all()
    if not rows:
        erased = models.ErasedIdentifier.__table__
        if conn.execute(select(erased.c.person).where(erased.c.person.startswith(key))).first():
            raise FollowupsError(
                "that entry is an erasure: an erased person stays on the list for good"
            )
        raise FollowupsError(f"no suppression with key {key}")
    if len(rows) > 1:
        raise FollowupsError(f"more than one suppression key starts with {key}; give more of it")
    return dict(rows[0])


def remove_entry(conn: Connection, key: str, *, by: str, at: datetime) -> dict[str, Any]:
    """Take an entry off the list (recorded in the audit log). Returns the entry removed."""
    entry = find_entry(conn, key)
    table = models.Suppression.__table__
    conn.execute(delete(table).where(table.c.key == entry["key"]))
    audit.record(
        conn,
        actor=by,
        action="suppress_remove",
        at=at,
        candidate_id=entry["candidate_id"],
        detail={
            "source": entry["source"],
            "subject": _subject(conn, entry["candidate_id"], entry["email"], entry["linkedin_url"]),
        },
    )
    return entry


def list_entries(conn: Connection) -> list[dict[str, Any]]:
    """Every entry, newest first (entries of unknown date last), then each erased person:
    one entry per erasure, holding no identifier (only the keyed hash and the date)."""
    table = models.Suppression.__table__
    rows = conn.execute(
        select(table).order_by(table.c.created_at.is_(None), table.c.created_at.desc(), table.c.key)
    ).mappings()
    entries = [
        {
            "key": r["key"],
            "source": r["source"],
            "candidate_id": r["candidate_id"],
            "email": r["email"],
            "linkedin_url": r["linkedin_url"],
            "reason": r["reason"],
            "created_at": r["created_at"],
            "created_by": r["created_by"],
        }
        for r in rows
    ]
    entries += _replies(conn)
    erased = models.ErasedIdentifier.__table__
    for person, at in conn.execute(
        select(erased.c.person, func.min(erased.c.erased_at))
        .group_by(erased.c.person)
        .order_by(func.min(erased.c.erased_at).desc())
    ):
        entries.append(
            {
                "key": person,
                "source": "erasure",
                "candidate_id": None,
                "email": None,
                "linkedin_url": None,
                "reason": "erased (followups forget)",
                "created_at": at,
                "created_by": None,
            }
        )
    return entries
