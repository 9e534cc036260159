"""Opening the store: where it lives, how the engine is tuned, and keeping its schema current."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from pathlib import Path

import platformdirs
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, SQLAlchemyError
from sqlmodel import Session

from store.errors import FollowupsError
from store.locks import MIGRATION_LOCK_KEY, take
from store.schema_version import current_revisions, head_revision
from store.search import SQLITE_FOLD, fold
from store.text import quoted

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# A busy SQLite writer makes others wait this long before "database is locked" can surface.
# Tests set $FOLLOWUPS_SQLITE_BUSY_TIMEOUT_S low, to see a lock in seconds, not half a minute.
SQLITE_BUSY_TIMEOUT_S = 30
BUSY_TIMEOUT_ENV = "FOLLOWUPS_SQLITE_BUSY_TIMEOUT_S"


def sqlite_busy_timeout_s() -> float:
    """The busy timeout: $FOLLOWUPS_SQLITE_BUSY_TIMEOUT_S when it is a positive number."""
    raw = os.environ.get(BUSY_TIMEOUT_ENV, "")
    try:
        value = float(raw)
    except ValueError:
        return SQLITE_BUSY_TIMEOUT_S
    return value if 0 < value <= 3600 else SQLITE_BUSY_TIMEOUT_S


class _ReadsDeferConnection(Connection):
    """A connection whose implicit (autobegun) transactions are marked as reads.

    Every write in followups opens its transaction explicitly (`engine.begin()`,
    `conn.begin()`); every read lets the first statement begin one. The begin hook below
    gives reads a deferred BEGIN, which never takes SQLite's write lock (in WAL a reader
    never waits), and writes BEGIN IMMEDIATE.
    """

    reading = False

    def _autobegin(self) -> None:
        self.reading = True
        try:
            super()._autobegin()
        finally:
            self.reading = False


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
    """A URL fit to print: the password hidden, even in a URL too broken to parse."""
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        shown = re.sub(r"(://[^/@]*?:)[^/@]*@", r"\1***@", url)
    return quoted(shown, 160, bare=True)


def _url_problem(url: str, exc: BaseException) -> FollowupsError:
    """One line for a --db that cannot even become an engine."""
    shown = describe_url(url)
    if isinstance(exc, NoSuchModuleError):
        kind = url.split("://", 1)[0]
        return FollowupsError(
            f"cannot open database {shown}: {quoted(kind, 40)} is not a kind of database "
            "followups knows (use a SQLite file path or postgresql+psycopg://...)"
        )
    if isinstance(exc, ImportError):
        return FollowupsError(
            f"cannot open database {shown}: its driver is not installed "
            f"({quoted(exc.name or str(exc), 60)}); followups supports SQLite and "
            "PostgreSQL (postgresql+psycopg://...)"
        )
    return FollowupsError(
        f"cannot open database {shown}: not a database URL or file path "
        "(e.g. sqlite:///followups.db, postgresql+psycopg://user@host/db, or a file path)"
    )


def make_engine(url: str) -> Engine:
    """An engine tuned for followups: SQLite with WAL, foreign keys and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)

    busy_s = sqlite_busy_timeout_s()
    engine = create_engine(url, connect_args={"timeout": busy_s})
    engine._connection_cls = _ReadsDeferConnection

    @event.listens_for(engine, "connect")
    def _tune(dbapi_connection, _record):  # pragma: no cover - exercised by every test
        # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite's own is lazy).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if parsed.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={round(busy_s * 1000)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # 64 MiB of page cache (the default is 2 MiB): a 100k-thread schedule run updates
        # indexes all over the draft, flag and thread tables in one transaction.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()
        # Searches fold case and accents in SQL (store.search); SQLite asks Python to.
        dbapi_connection.create_function(SQLITE_FOLD, 1, fold, deterministic=True)

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # A write takes the lock up front (IMMEDIATE): a deferred transaction that later
        # wants to write fails at once with "database is locked", busy timeout or not.
        # A read (autobegun, see _ReadsDeferConnection) takes no lock at all.
        conn.exec_driver_sql("BEGIN" if getattr(conn, "reading", False) else "BEGIN IMMEDIATE")

    return engine


def _alembic_config(connection):
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


class SchemaError(FollowupsError):
    """The store's schema names a revision this release does not know."""


def schema_is_current(engine: Engine) -> bool:
    """Whether the store is already at the newest migration.

    Read without Alembic (store.schema_version); Alembic is imported only to read the
    versions folder when its files do not name exactly one head.
    """
    head = head_revision()
    if head is None:
        from alembic.script import ScriptDirectory

        head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    with engine.connect() as conn:
        return current_revisions(conn) == {head}


def upgrade(engine: Engine) -> None:
    """Bring the store's schema up to date (creating it when new). Safe to call every time."""
    if schema_is_current(engine):
        return
    # Only here is Alembic worth its import time: a new store or an older schema.
    from alembic import command
    from alembic.util import CommandError

    try:
        with engine.begin() as conn:
            # Two commands starting at once on a new database must not both create tables.
            take(conn, MIGRATION_LOCK_KEY)
            command.upgrade(_alembic_config(conn), "head")
    except CommandError as exc:
        # An alembic revision this release does not know: a newer followups made the store.
        raise SchemaError(f"its schema is from another release of followups ({exc})") from exc


def open_store(db: str | None, *, create: bool = True) -> Engine:
    """Resolve, open and migrate the store, turning every failure into one clear line.

    With create=False a SQLite file that does not exist yet is an error, not a new store.
    A database that holds other tables but no followups schema is never written to.
    """
    url = resolve_db_url(db)
    try:
        parsed = make_url(url)
        database = parsed.database if parsed.get_backend_name() == "sqlite" else None
        engine = make_engine(url)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        raise _url_problem(url, exc) from exc
    if not create and database not in (None, "", ":memory:") and not Path(database).exists():
        raise FollowupsError(
            f"no store at {quoted(database, 160)}: check --db, or create one with "
            "`followups init`, `followups import DIR` or `followups demo`"
        )
    try:
        _refuse_foreign(engine)
        upgrade(engine)
    except SchemaError as exc:
        engine.dispose()
        raise FollowupsError(f"cannot open database {describe_url(url)}: {exc}") from exc
    except FollowupsError:
        engine.dispose()
        raise
    except (SQLAlchemyError, ImportError, OSError) as exc:
        engine.dispose()
        raise FollowupsError(f"cannot open database {describe_url(url)}: {_reason(exc)}") from exc
    return engine


def _reason(exc: BaseException) -> str:
    """The first line of what the database said, made fit for one line of a terminal."""
    if isinstance(exc, DatabaseError) and "file is not a database" in str(exc.orig):
        return "the file is not a SQLite database (is --db pointing at the right file?)"
    original = getattr(exc, "orig", None) or exc
    lines = str(original).strip().splitlines()
    return quoted(lines[0], 200, bare=True) if lines else type(exc).__name__


def _existing_tables(engine: Engine) -> set[str]:
    """The tables already there, read without writing anything.

    An existing SQLite file is opened read-only by sqlite3 itself: the engine's connect
    hook switches on WAL, which rewrites the header of whatever file --db names.
    """
    database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if database in (None, "", ":memory:"):
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    path = Path(database)
    if not path.is_file():
        return set()
    try:
        with contextlib.closing(
            sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        ) as conn:
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError("reading the schema", None, exc) from exc
    return {name for (name,) in rows}


def _refuse_foreign(engine: Engine) -> None:
    """A database with tables of its own but no followups schema belongs to something
    else: migrating it would write our tables into another application's data."""
    tables = _existing_tables(engine)
    if tables and "alembic_version" not in tables:
        shown = ", ".join(sorted(tables)[:5])
        raise FollowupsError(
            f"cannot open database {describe_url(str(engine.url))}: it holds other tables "
            f"({quoted(shown, 80)}) and is not a followups store; choose another --db"
        )


def session(engine: Engine) -> Session:
    """A session that keeps loaded objects usable after commit (the TUI reads them later)."""
    return Session(engine, expire_on_commit=False)
