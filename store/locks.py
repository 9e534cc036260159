"""Advisory locks: which transactions take turns, and the keys they take them by.

PostgreSQL serialises with transaction-scoped advisory locks; SQLite needs none, because
every transaction begins with BEGIN IMMEDIATE (store.db) and so admits one writer at a time.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text

# Two commands starting at once on a new database must not both create tables. A fixed
# number (not lock_key("migrate")) so that every release of followups takes the same lock.
MIGRATION_LOCK_KEY = 84717
_TAKE = text("SELECT pg_advisory_xact_lock(:key)")


def lock_key(name: str) -> int:
    """The signed 64-bit advisory-lock key of a name, e.g. "schedule" or "candidate:c-1"."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def take(conn, key: int) -> None:
    """Hold advisory lock `key` until the transaction ends (PostgreSQL only)."""
    if conn.dialect.name == "postgresql":
        conn.execute(_TAKE, {"key": key})


def serialise(conn, *names: str) -> None:
    """Make transactions that call this with the same name(s) run one at a time.

    Several names are locked in one global order (by key), so two transactions that
    share some of them can never wait for each other in a circle.
    """
    for key in sorted({lock_key(name) for name in names}):
        take(conn, key)
