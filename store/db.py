"""Opening the store: where it lives, how the engine is tuned, and keeping its schema current."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from store.errors import FollowupsError
from store.locks import MIGRATION_LOCK_KEY, take

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# A busy SQLite writer makes others wait this long before "database is locked" can surface.
SQLITE_BUSY_TIMEOUT_S = 30


def default_db_path() -> Path:
    """The SQLite file used when neither --db nor $FOLLOWUPS_DB says otherwise."""
    return Path(platformdirs.user_data_dir("followups", appauthor=False)) / "followups.db"


def resolve_db_url(db: str | None) -> str:
    """Turn --db (a SQLAlchemy URL or a file path), $FOLLOWUPS_DB or the default into a URL."""
    value = db or os.environ.get("FOLLOWUPS_DB")
    if not value:
        path = default_db_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    if "://" in value:
        return value
    path = Path(value).expanduser().resolve()
    if not path.parent.is_dir():
        raise FollowupsError(f"cannot open database {value}: folder {path.parent} does not exist")
    return f"sqlite:///{path}"


def describe_url(url: str) -> str:
    """A URL fit to print: the password hidden."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str) -> Engine:
    """An engine tuned for followups: SQLite with WAL, foreign keys and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)

    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _tune(dbapi_connection, _record):  # pragma: no cover - exercised by every test
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite's own is lazy).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if parsed.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # 64 MiB of page cache (the default is 2 MiB): a 100k-thread schedule run updates
        # indexes all over the draft, flag and thread tables in one transaction.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # IMMEDIATE takes the write lock up front: a deferred transaction that later wants
        # to write fails at once with "database is locked", busy timeout or not.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _alembic_config(connection) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def schema_is_current(engine: Engine) -> bool:
    """Whether the store is already at the newest migration."""
    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() == head


def upgrade(engine: Engine) -> None:
    """Bring the store's schema up to date (creating it when new). Safe to call every time."""
    if schema_is_current(engine):
        return
    with engine.begin() as conn:
        # Two commands starting at once on a new database must not both create tables.
        take(conn, MIGRATION_LOCK_KEY)
        command.upgrade(_alembic_config(conn), "head")


def open_store(db: str | None, *, create: bool = True) -> Engine:
    """Resolve, open and migrate the store, turning connection failures into one clear line.

    With create=False a SQLite file that does not exist yet is an error, not a new store.
    """
    url = resolve_db_url(db)
    database = make_url(url).database if make_url(url).get_backend_name() == "sqlite" else None
    if not create and database not in (None, "", ":memory:") and not Path(database).exists():
        raise FollowupsError(
            f"no store at {database}: check --db, or create one with "
            "`followups init`, `followups import DIR` or `followups demo`"
        )
    engine = make_engine(url)
    try:
        upgrade(engine)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise FollowupsError(f"cannot open database {describe_url(url)}: {reason}") from exc
    return engine


def session(engine: Engine) -> Session:
    """A session that keeps loaded objects usable after commit (the TUI reads them later)."""
    return Session(engine, expire_on_commit=False)
