"""Who a message concerns: a candidate by any of their addresses, or by the message it
answers (In-Reply-To/References naming a Message-ID followups sent or already stored)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from drafts.mailbox.reports import mail_system_address
from drafts.mailbox.text import fold_line
from store import models
from store.addresses import candidates_at
from store.text import normalise_email

TOUCHPOINT = models.Touchpoint.__table__
DRAFT = models.FollowUpDraft.__table__
RECRUITER = models.Recruiter.__table__


def _bracketed(ids: Iterable[str]) -> list[str]:
    # The sender stores Message-IDs as written on the wire (<…>); mail touchpoints bare.
    return [f"<{m}>" for m in ids]


# Built once: a sync asks these for every message it reads.
_STORED = (
    select(TOUCHPOINT.c.touchpoint_id)
    .where(TOUCHPOINT.c.message_id == bindparam("message_id"))
    .limit(1)
)
_SENT = select(DRAFT.c.id).where(DRAFT.c.message_id == bindparam("wire_id")).limit(1)


# A References header can list a whole thread; the newest few are what it answers.
MAX_REFS = 50
_CHUNK = 500
_BY_ID = select(
    TOUCHPOINT.c.message_id,
    TOUCHPOINT.c.touchpoint_id,
    TOUCHPOINT.c.candidate_id,
    TOUCHPOINT.c.role_id,
    TOUCHPOINT.c.recruiter,
).where(TOUCHPOINT.c.message_id.in_(bindparam("ids", expanding=True)))
_DRAFTS_BY_ID = select(
    DRAFT.c.id, DRAFT.c.message_id, DRAFT.c.candidate_id, DRAFT.c.role_id, DRAFT.c.recruiter
).where(DRAFT.c.message_id.in_(bindparam("ids", expanding=True)))


def already_known(conn: Connection, message_id: str) -> bool:
    """Whether this message is stored already, or is one followups sent itself."""
    if conn.execute(_STORED, {"message_id": message_id}).first():
        return True
    return conn.execute(_SENT, {"wire_id": f"<{message_id}>"}).first() is not None


_RECRUITER_EMAILS = select(RECRUITER.c.email).where(RECRUITER.c.email.is_not(None))
_normalised = lru_cache(maxsize=1024)(normalise_email)


def from_us(conn: Connection, sender: str) -> bool:
    """Mail from a recruiter of the team, or from a mail system, is nobody's answer."""
    if not sender or mail_system_address(sender):
        return True
    emails = conn.execute(_RECRUITER_EMAILS)
    return any(_normalised(e) == sender for (e,) in emails)


def candidates_for(conn: Connection, addresses: Iterable[str]) -> list[str]:
    """The candidates any of these addresses belongs to, in id order."""
    found = candidates_at(conn, addresses)
    return sorted({c for ids in found.values() for c in ids})


def messages_by_id(conn: Connection, ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """The stored messages with these Message-IDs (touchpoints, and drafts followups sent):
    for each id, its touchpoint id, candidate, role and recruiter."""
    wanted = sorted(set(ids))
    found: dict[str, list[dict[str, Any]]] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        for row in conn.execute(_BY_ID, {"ids": chunk}):
            found.setdefault(row.message_id, []).append(dict(row._mapping))
        # Sent before this release stored Message-IDs on touchpoints: the draft holds it.
        for d in conn.execute(_DRAFTS_BY_ID, {"ids": _bracketed(chunk)}):
            bare = d.message_id.strip("<>")
            found.setdefault(bare, []).append(
                {
                    "message_id": bare,
                    "touchpoint_id": f"followups-{d.id}",
                    "candidate_id": d.candidate_id,
                    "role_id": d.role_id,
                    "recruiter": d.recruiter,
                }
            )
    return found


def newest_per_candidate(
    refs: tuple[str, ...], by_id: dict[str, list[dict[str, Any]]]
) -> dict[str, dict[str, Any]]:
    """For each candidate, the first of `refs` (In-Reply-To first, then References newest
    first) that names a stored message of theirs."""
    best: dict[str, dict[str, Any]] = {}
    for ref in refs:
        for row in by_id.get(ref, ()):
            best.setdefault(row["candidate_id"], row)
    return best


def referenced_touchpoints(conn: Connection, refs: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """For each candidate, the newest stored message among those this one answers."""
    refs = refs[:MAX_REFS]
    return newest_per_candidate(refs, messages_by_id(conn, refs)) if refs else {}


def to_unsubscribe_address(recipients: Iterable[str], list_unsubscribe: str | None) -> str | None:
    """The `[send] list_unsubscribe` address, when the message was written to it."""
    if not list_unsubscribe:
        return None
    value = list_unsubscribe.strip().strip("<>")
    if value.lower().startswith("mailto:"):
        value = value[7:]
    address = normalise_email(value.split("?", 1)[0])
    return address if address and address in set(recipients) else None


def main_address_of(conn: Connection, candidate_ids: list[str], address: str) -> list[str]:
    """Those of these candidates whose main `email` is this address."""
    table = models.Candidate.__table__
    rows = conn.execute(
        select(table.c.candidate_id, table.c.email).where(table.c.candidate_id.in_(candidate_ids))
    )
    return [cid for cid, email in rows if normalise_email(email) == address]


def latest_outbound_email(conn: Connection, candidate_ids: list[str], before) -> str | None:
    """The newest outbound email touchpoint of these candidates at or before a moment."""
    row = conn.execute(
        select(TOUCHPOINT.c.touchpoint_id)
        .where(
            TOUCHPOINT.c.candidate_id.in_(candidate_ids),
            TOUCHPOINT.c.direction == "outbound",
            TOUCHPOINT.c.channel == "email",
            TOUCHPOINT.c.occurred_at <= before,
        )
        .order_by(TOUCHPOINT.c.occurred_at.desc(), TOUCHPOINT.c.touchpoint_id.desc())
        .limit(1)
    ).first()
    return row[0] if row else None


def touchpoint_with_message_id(
    conn: Connection, message_id: str, candidate_ids: list[str]
) -> str | None:
    """The touchpoint (of these candidates) that carries this Message-ID."""
    refs = referenced_touchpoints(conn, (message_id,))
    for candidate_id in candidate_ids:
        if candidate_id in refs:
            return refs[candidate_id]["touchpoint_id"]
    return None


# Lines this short ("Thanks", "Best,") are everyone's: only longer ones identify our text.
MIN_OUR_LINE = 16


# What we wrote lately to one candidate, for telling our text from theirs.
RECENT_BODIES = 5
_OUTBOUND_BODIES = (
    select(TOUCHPOINT.c.candidate_id, TOUCHPOINT.c.touchpoint_id, TOUCHPOINT.c.body)
    .where(
        TOUCHPOINT.c.candidate_id.in_(bindparam("ids", expanding=True)),
        TOUCHPOINT.c.direction == "outbound",
        TOUCHPOINT.c.body.is_not(None),
    )
    .order_by(TOUCHPOINT.c.candidate_id, TOUCHPOINT.c.occurred_at.desc())
)
_BODIES = select(TOUCHPOINT.c.touchpoint_id, TOUCHPOINT.c.body).where(
    TOUCHPOINT.c.touchpoint_id.in_(bindparam("ids", expanding=True))
)


def recent_outbound_bodies(
    conn: Connection, candidate_ids: Iterable[str]
) -> dict[str, dict[str, str]]:
    """The last few messages we sent each of these candidates: touchpoint id -> body."""
    wanted = sorted(set(candidate_ids))
    found: dict[str, dict[str, str]] = {c: {} for c in wanted}
    for start in range(0, len(wanted), _CHUNK):
        for candidate_id, touchpoint_id, body in conn.execute(
            _OUTBOUND_BODIES, {"ids": wanted[start : start + _CHUNK]}
        ):
            if len(found[candidate_id]) < RECENT_BODIES:
                found[candidate_id][touchpoint_id] = body
    return found


def bodies_of(conn: Connection, touchpoint_ids: Iterable[str]) -> dict[str, str | None]:
    """The bodies of these touchpoints."""
    wanted = sorted(set(touchpoint_ids))
    return dict(conn.execute(_BODIES, {"ids": wanted}).all()) if wanted else {}


def lines_of(bodies: Iterable[str | None]) -> set[str]:
    """The lines of these texts long enough to be recognisably ours, folded for comparison."""
    return {
        folded
        for body in bodies
        for line in (body or "").split("\n")
        if len(folded := fold_line(line)) >= MIN_OUR_LINE
    }
