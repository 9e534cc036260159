"""The store creates itself, upgrades idempotently and refuses to rewrite its audit log."""

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from store.db import open_store, schema_is_current


def test_new_store_has_every_table_and_is_current(engine):
    tables = set(inspect(engine).get_table_names())
    expected = {
        "recruiter",
        "role",
        "candidate",
        "touchpoint",
        "suppression",
        "thread",
        "draft",
        "flag",
        "decision",
        "setting",
        "alembic_version",
    }
    assert expected <= tables
    assert schema_is_current(engine)


def test_opening_twice_changes_nothing(db_url):
    first = open_store(db_url)
    with first.begin() as conn:
        conn.execute(text("INSERT INTO setting(key, value) VALUES ('k', 'v')"))
    first.dispose()
    second = open_store(db_url)
    with second.connect() as conn:
        assert conn.execute(text("SELECT value FROM setting WHERE key='k'")).scalar() == "v"
    second.dispose()


def test_database_refuses_to_edit_or_delete_audit_entries(engine):
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO decision(at, actor, action, detail) VALUES "
                "('2025-11-07 10:00:00', 'sam', 'approve', '{}')"
            )
        )
    for statement in ("UPDATE decision SET actor='mallory'", "DELETE FROM decision"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT actor FROM decision")).scalar() == "sam"
