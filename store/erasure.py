"""`followups forget`: a person's data erased from the store, keyed hashes kept (section 8).

One transaction removes every row about the person (candidate, addresses, touchpoints,
status history, threads, drafts, flags, suppressions, bounces) and strips the personal
parts from their audit entries (ids, texts, reasons, addresses in details). What remains:
HMAC-SHA256 digests of their candidate id, every address and the LinkedIn URL, under a
secret the store made for itself (store_secret), and the date. A later import compares
each row's identifiers with those digests and skips the person's rows.

SQLite keeps deleted rows in free pages and in the write-ahead log: the transaction runs
with `secure_delete`, and then the file is rebuilt (VACUUM) and the log emptied
(checkpoint TRUNCATE). PostgreSQL keeps dead row versions until VACUUM (see README).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, or_, select, update
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from store import FollowupsError, audit, models
from store.addresses import addresses_of
from store.text import normalise_email, normalise_linkedin

SECRET_NAME = "erasure_hmac_key"
ERASED = models.ErasedIdentifier.__table__
DEC = models.Decision.__table__
# Tables that hold no one person's data (or, for decision, are redacted, not deleted).
_KEPT = {"decision", "erased_identifier", "store_secret", "setting", "recruiter", "role"}
# Audit details keep only these keys after an erasure: none of them can name a person.
_SAFE_DETAIL = {"version", "undoes", "action", "source", "by", "channel", "transport", "run"}


@dataclass
class Erasure:
    """What `forget` did: when, how many rows per table, and the drafts that had left."""

    candidate_id: str
    erased_at: datetime
    rows: dict[str, int] = field(default_factory=dict)
    redacted_decisions: int = 0
    # Drafts that were written to an outbox or sent: their files may still exist.
    sent_draft_ids: list[int] = field(default_factory=list)
    compacted: bool = True  # False: SQLite could not rebuild the file or empty its log


def store_secret(conn: Connection) -> bytes:
    """The store's own key for erasure digests, created on first use. Never printed."""
    table = models.StoreSecret.__table__
    value = conn.execute(select(table.c.value).where(table.c.name == SECRET_NAME)).scalar()
    if value is None:
        value = secrets.token_hex(32)
        conn.execute(table.insert().values(name=SECRET_NAME, value=value))
    return bytes.fromhex(value)


def digest(secret: bytes, kind: str, value: str) -> str:
    """The keyed hash of one identifier (already normalised) of a given kind."""
    return hmac.new(secret, f"{kind}\x1f{value}".encode(), hashlib.sha256).hexdigest()


def identifiers(
    candidate_id: str | None,
    email: str | None = None,
    other_emails: str | None = None,
    linkedin_url: str | None = None,
) -> list[tuple[str, str]]:
    """(kind, normalised value) of every identifier a row names."""
    found = [("candidate_id", candidate_id)] if candidate_id else []
    found += [("email", address) for address in addresses_of(email, other_emails)]
    if linkedin := normalise_linkedin(linkedin_url):
        found.append(("linkedin", linkedin))
    return found


class ErasedMatcher:
    """Tells whether a row names an erased person (used by the importer)."""

    def __init__(self, conn: Connection):
        self.digests = set(conn.execute(select(ERASED.c.digest)).scalars())
        # Digests exist only beside their secret: reading it here creates nothing.
        self.secret = store_secret(conn) if self.digests else b""

    def __bool__(self) -> bool:
        return bool(self.digests)

    def erased(self, *ids: tuple[str, str]) -> bool:
        """Whether any of these (kind, value) identifiers is an erased person's."""
        return any(digest(self.secret, kind, value) in self.digests for kind, value in ids)


def erased_at(conn: Connection, candidate_id: str) -> datetime | None:
    """When this candidate id was erased, or None. Only reads."""
    table = models.StoreSecret.__table__
    value = conn.execute(select(table.c.value).where(table.c.name == SECRET_NAME)).scalar()
    if value is None:
        return None  # no secret yet: nobody was ever erased
    wanted = digest(bytes.fromhex(value), "candidate_id", candidate_id)
    return conn.execute(select(ERASED.c.erased_at).where(ERASED.c.digest == wanted)).scalar()


def forget(engine: Engine, candidate_id: str, *, actor: str, at: datetime) -> Erasure:
    """Erase one person (see the module doc). Raises FollowupsError for an unknown id."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as conn:
        if sqlite:
            # Deleted cells are overwritten with zeros, not left in free space.
            conn.exec_driver_sql("PRAGMA secure_delete=ON")
        result = _erase(conn, candidate_id, actor=actor, at=at)
    if sqlite:
        result.compacted = _compact(engine)
    return result


def _erase(conn: Connection, candidate_id: str, *, actor: str, at: datetime) -> Erasure:
    c = models.Candidate.__table__
    person = conn.execute(select(c).where(c.c.candidate_id == candidate_id)).mappings().first()
    if person is None:
        if erased_at(conn, candidate_id) is not None:
            raise FollowupsError(f"candidate {candidate_id!r} was already erased")
        raise FollowupsError(f"no candidate {candidate_id!r} in the store")
    address_table = models.CandidateAddress.__table__
    stored = conn.execute(
        select(address_table.c.address).where(address_table.c.candidate_id == candidate_id)
    ).scalars()
    ids = identifiers(
        candidate_id, person["email"], person.get("other_emails"), person["linkedin_url"]
    )
    ids += [
        ("email", normalise_email(a)) for a in stored if ("email", normalise_email(a)) not in ids
    ]
    emails = [value for kind, value in ids if kind == "email"]
    linkedin = [value for kind, value in ids if kind == "linkedin"]

    t, d = models.Thread.__table__, models.FollowUpDraft.__table__
    thread_ids = list(
        conn.execute(select(t.c.thread_id).where(t.c.candidate_id == candidate_id)).scalars()
    )
    drafts = conn.execute(select(d.c.id, d.c.status).where(d.c.candidate_id == candidate_id)).all()
    draft_ids = [row.id for row in drafts]
    result = Erasure(candidate_id, at)
    result.sent_draft_ids = [
        row.id for row in drafts if row.status in ("sent", "unknown", "sending")
    ]
    secret = store_secret(conn)
    subjects = {digest(secret, kind, value) for kind, value in ids}
    result.redacted_decisions = _redact_audit(conn, candidate_id, thread_ids, draft_ids, subjects)

    for table in reversed(SQLModel.metadata.sorted_tables):
        if table.name in _KEPT:
            continue
        condition = _rows_of(table, candidate_id, thread_ids, draft_ids, emails, linkedin)
        if condition is not None:
            gone = conn.execute(delete(table).where(condition)).rowcount
            if gone:
                result.rows[table.name] = gone

    # The deletes above marked the person for the next `schedule` (store.models.ScheduleMark):
    # nothing of them may stay, and nothing of them is left to decide.
    mark = models.ScheduleMark.__table__
    conn.execute(delete(mark).where(mark.c.candidate_id == candidate_id))
    person_digest = digest(secret, "candidate_id", candidate_id)
    values = {digest(secret, kind, value): kind for kind, value in ids}
    known = set(
        conn.execute(select(ERASED.c.digest).where(ERASED.c.digest.in_(list(values)))).scalars()
    )
    conn.execute(
        ERASED.insert(),
        [
            {"digest": key, "person": person_digest, "kind": kind, "erased_at": at}
            for key, kind in values.items()
            if key not in known
        ],
    )
    audit.record(
        conn,
        actor=actor,
        action="forget",
        at=at,
        # No personal data: the keyed digest answers "was this id erased?" and nothing more.
        detail={
            "person": person_digest,
            "rows": result.rows,
            "redacted": result.redacted_decisions,
        },
    )
    return result


def _rows_of(table, candidate_id, thread_ids, draft_ids, emails, linkedin):
    """The WHERE clause selecting this person's rows of a table, from its columns."""
    cols = table.c
    found = []
    if "candidate_id" in cols:
        found.append(cols.candidate_id == candidate_id)
    if "thread_id" in cols and thread_ids:
        found.append(cols.thread_id.in_(thread_ids))
    if "draft_id" in cols and draft_ids:
        found.append(cols.draft_id.in_(draft_ids))
    if table.name in ("suppression", "bounced_address", "candidate_address") and emails:
        column = cols.email if "email" in cols else cols.address
        found.append(column.in_(emails))
    if "linkedin_url" in cols and linkedin and table.name != "candidate":
        found.append(cols.linkedin_url.in_(linkedin))
    return or_(*found) if found else None


def _redact_audit(conn: Connection, candidate_id: str, thread_ids, draft_ids, subjects) -> int:
    """Strip personal data from the person's audit entries; who decided what, when, stays.

    Theirs: entries naming their id, threads or drafts, and do-not-contact changes whose
    keyed `subject` is one of their identifiers' (store.suppressions).
    """
    where = [DEC.c.candidate_id == candidate_id]
    if thread_ids:
        where.append(DEC.c.thread_id.in_(thread_ids))
    if draft_ids:
        where.append(DEC.c.draft_id.in_(draft_ids))
    rows = conn.execute(select(DEC.c.id, DEC.c.detail).where(or_(*where))).all()
    listed = conn.execute(
        select(DEC.c.id, DEC.c.detail).where(DEC.c.action.in_(("suppress_add", "suppress_remove")))
    ).all()
    seen = {row.id for row in rows}
    rows += [
        row
        for row in listed
        if row.id not in seen and (row.detail or {}).get("subject") in subjects
    ]
    if not rows:
        return 0
    # The log refuses every change (triggers of migration 0001); erasure is the one
    # exception, lifted and restored inside this transaction only.
    _append_only(conn, enforce=False)
    for row in rows:
        kept = {k: v for k, v in (row.detail or {}).items() if k in _SAFE_DETAIL}
        conn.execute(
            update(DEC)
            .where(DEC.c.id == row.id)
            .values(
                candidate_id=None,
                thread_id=None,
                reason=None,
                before_text=None,
                after_text=None,
                detail=kept | {"erased": True},
            )
        )
    _append_only(conn, enforce=True)
    return len(rows)


def _append_only(conn: Connection, *, enforce: bool) -> None:
    if conn.dialect.name == "sqlite":
        if enforce:
            conn.exec_driver_sql(
                "CREATE TRIGGER decision_no_update BEFORE UPDATE ON decision "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
        else:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS decision_no_update")
    elif conn.dialect.name == "postgresql":
        verb = "ENABLE" if enforce else "DISABLE"
        conn.exec_driver_sql(f"ALTER TABLE decision {verb} TRIGGER decision_append_only")


def _compact(engine: Engine) -> bool:
    """Rebuild the SQLite file and empty its log, so no erased byte stays in either."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("VACUUM")
        busy, _log, _moved = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        cursor.close()
        return not busy
    except Exception:  # another process holds the file: the erasure itself stands
        return False
    finally:
        raw.close()


def outline(result: Erasure) -> dict[str, Any]:
    """The erasure as JSON, without personal data beyond the id the user typed."""
    return {
        "candidate_id": result.candidate_id,
        "erased_at": result.erased_at,
        "rows": result.rows,
        "redacted_audit_entries": result.redacted_decisions,
        "compacted": result.compacted,
    }
