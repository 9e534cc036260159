"""SQLite: reads never take the write lock; writes take it up front.

Two engines on one file, as two processes would have. While one holds a write transaction
open, the other reads at once (a deferred BEGIN, WAL), and its write waits for the busy
timeout ($FOLLOWUPS_SQLITE_BUSY_TIMEOUT_S, set low here) and then fails, as it must.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from store import audit, models
from store.db import BUSY_TIMEOUT_ENV, open_store, sqlite_busy_timeout_s


def test_a_reader_is_not_blocked_by_an_open_write_transaction(sqlite_url, monkeypatch):
    monkeypatch.setenv(BUSY_TIMEOUT_ENV, "0.5")
    writer, reader = open_store(sqlite_url), open_store(sqlite_url)
    try:
        with writer.begin() as held:
            held.execute(text("UPDATE alembic_version SET version_num = version_num"))
            # A read of every kind the CLI does: plain select, the audit switch.
            with reader.connect() as conn:
                assert conn.execute(select(models.FollowUpDraft.__table__)).all() == []
                assert audit.automation_enabled(conn) is True
            # A write still waits for the lock, and past the timeout says so.
            with pytest.raises(OperationalError, match="locked"), reader.begin() as conn:
                conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
    finally:
        writer.dispose()
        reader.dispose()


@pytest.mark.parametrize(
    ("raw", "expected"), [("2", 2.0), ("0.25", 0.25), ("", 30), ("x", 30), ("-1", 30), ("0", 30)]
)
def test_the_busy_timeout_comes_from_the_environment(monkeypatch, raw, expected):
    monkeypatch.setenv(BUSY_TIMEOUT_ENV, raw)
    assert sqlite_busy_timeout_s() == expected
