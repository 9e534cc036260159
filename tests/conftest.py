"""Fixtures every test shares: a fresh store on SQLite, and on PostgreSQL when available."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from store.db import open_store
from tests.support.postgres import PG_ENV, PG_SKIP, postgres_url  # noqa: F401


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A URL whose connections live in a fresh schema, dropped after the test."""
    base = postgres_url()
    if base is None:
        pytest.skip(PG_SKIP)
    schema = f"followups_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path) -> str:
    """A URL of an empty, not yet migrated store: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("pg_schema_url")


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A SQLite store only, for tests about SQLite itself or the app."""
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def engine(db_url) -> Iterator[Engine]:
    """A migrated, empty store on each database."""
    store = open_store(db_url)
    yield store
    store.dispose()


@pytest.fixture
def sqlite_engine(sqlite_url) -> Iterator[Engine]:
    """A migrated, empty SQLite store."""
    store = open_store(sqlite_url)
    yield store
    store.dispose()
