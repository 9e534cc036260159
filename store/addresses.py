"""Every address of a candidate: `email` and `other_emails`, in the one normalised form.

Contract section 6: every address of a person counts wherever `email` counts. The
candidate_address table is what mail matching looks addresses up in.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from sqlalchemy import bindparam, delete, select
from sqlalchemy.engine import Connection

from store import models
from store.text import normalise_email

ADDRESS = models.CandidateAddress.__table__
# Chunks for IN (...) lists: well under SQLite's parameter limit.
_CHUNK = 500


def split_other_emails(value: str | None) -> list[str]:
    """The addresses of an `other_emails` cell (`;`-separated), empty parts dropped."""
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def addresses_of(email: str | None, other_emails: str | None) -> list[str]:
    """A candidate's addresses, normalised, without repeats, `email` first."""
    found: list[str] = []
    for value in (email, *split_other_emails(other_emails)):
        address = normalise_email(value)
        if address and address not in found:
            found.append(address)
    return found


def replace_addresses(conn: Connection, candidates: Iterable[dict]) -> None:
    """Store the addresses of these candidates (rows with candidate_id, email, other_emails),
    replacing what was stored for them."""
    rows = list(candidates)
    ids = [row["candidate_id"] for row in rows]
    for start in range(0, len(ids), _CHUNK):
        conn.execute(delete(ADDRESS).where(ADDRESS.c.candidate_id.in_(ids[start : start + _CHUNK])))
    values = [
        {"address": address, "candidate_id": row["candidate_id"]}
        for row in rows
        for address in addresses_of(row.get("email"), row.get("other_emails"))
    ]
    if values:
        conn.execute(ADDRESS.insert(), values)


# The mailbox sync looks up the same few addresses again and again.
_normalised = lru_cache(maxsize=16_384)(normalise_email)
# Built once: the mailbox sync asks it for every message it reads.
_AT = (
    select(ADDRESS.c.address, ADDRESS.c.candidate_id)
    .where(ADDRESS.c.address.in_(bindparam("addresses", expanding=True)))
    .order_by(ADDRESS.c.address, ADDRESS.c.candidate_id)
)

_AT_ONE = (
    select(ADDRESS.c.candidate_id)
    .where(ADDRESS.c.address == bindparam("address"))
    .order_by(ADDRESS.c.candidate_id)
)


def candidates_at(conn: Connection, addresses: Iterable[str]) -> dict[str, list[str]]:
    """Which candidates each of these addresses belongs to (normalised address → ids)."""
    wanted = sorted({a for a in (_normalised(x) for x in addresses) if a})
    found: dict[str, list[str]] = {}
    if len(wanted) == 1:
        # The usual case (a sender): a plain equality, compiled once, not an IN list.
        ids = [row[0] for row in conn.execute(_AT_ONE, {"address": wanted[0]})]
        return {wanted[0]: ids} if ids else {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        for address, candidate_id in conn.execute(_AT, {"addresses": chunk}):
            found.setdefault(address, []).append(candidate_id)
    return found
