"""Set-based insert-or-update, the one write path the importer and scheduler share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Text, cast, func, or_
from sqlalchemy.engine import Connection

from store import FollowupsError

# Rows per statement: large enough to amortise round trips, small enough for SQLite's
# parameter limit and for PostgreSQL's insertmanyvalues batching.
BATCH = 2_000


def _dialect_insert(conn: Connection):
    name = conn.dialect.name
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    elif name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        raise FollowupsError(f"unsupported database {name!r}: use SQLite or PostgreSQL")
    return insert


def upsert(
    conn: Connection,
    model: Any,
    rows: Sequence[dict[str, Any]],
    keys: list[str],
    *,
    update_columns: list[str],
    keep_stored_when_null: bool = False,
) -> None:
    """Insert rows; where the key exists, overwrite only ``update_columns`` (none: keep it).

    With ``keep_stored_when_null``, a NULL in the new row keeps the stored value.
    """
    if not rows:
        return
    insert = _dialect_insert(conn)
    table = model.__table__
    # A generated key (draft.id, flag.id) is left to the database: PostgreSQL, unlike
    # SQLite, refuses an explicit NULL for it.
    # Only the columns some row names, or that have a default: any other would be NULL
    # anyway, and each one named costs a bound value in every row.
    named = set().union(*(row.keys() for row in rows))
    columns = [
        c.name
        for c in table.columns
        if (c.name in named or c.default is not None)
        and not (
            c.primary_key
            and c.autoincrement is not False
            and c.name not in rows[0]
            and c.type.python_type is int
        )
    ]
    statement = insert(table)
    if update_columns:
        new_values = {
            name: func.coalesce(statement.excluded[name], table.c[name])
            if keep_stored_when_null
            else statement.excluded[name]
            for name in update_columns
        }
        statement = statement.on_conflict_do_update(
            index_elements=keys,
            set_=new_values,
            # Only rows whose values change are written: a re-import of an unchanged
            # export rewrites nothing, so no index is touched and no trigger marks the row
            # as changed for the incremental schedule.
            where=or_(*(_differs(table.c[name], value) for name, value in new_values.items())),
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    # Every row needs every column the statement names; absent ones take the model default.
    defaults = {c.name: _default(c) for c in table.columns}
    if conn.dialect.paramstyle == "qmark":
        _executemany_sqlite(conn, statement, table, columns, rows, defaults)
        return
    for start in range(0, len(rows), BATCH):
        batch = [
            {name: row.get(name, defaults[name]) for name in columns}
            for row in rows[start : start + BATCH]
        ]
        conn.execute(statement, batch)


def upsert_select(
    conn: Connection, table, columns: list[str], rows, keys: list[str], update_columns: list[str]
) -> None:
    """INSERT ... SELECT with the same rule as `upsert`: where the key exists, overwrite
    ``update_columns`` only when one of them differs. Set-based: no row leaves the database."""
    insert = _dialect_insert(conn)
    statement = insert(table).from_select(columns, rows)
    new_values = {name: statement.excluded[name] for name in update_columns}
    statement = statement.on_conflict_do_update(
        index_elements=keys,
        set_=new_values,
        where=or_(*(_differs(table.c[name], value) for name, value in new_values.items())),
    )
    conn.execute(statement)


def _executemany_sqlite(conn, statement, table, columns, rows, defaults) -> None:
    """The same statement, compiled once and run by sqlite3's own executemany.

    SQLAlchemy's per-row parameter processing costs more than SQLite's work on an import
    of 100k touchpoints; here each column's bind processor (datetime to text, JSON to
    text, bool to int; None included, as JSON stores it as 'null') is applied directly, as
    SQLAlchemy would.
    """
    dialect = conn.dialect
    compiled = statement.compile(dialect=dialect, column_keys=columns)
    order = list(compiled.positiontup or [])
    if sorted(order) != sorted(columns):  # a bound value besides the rows' own: no shortcut
        for start in range(0, len(rows), BATCH):
            batch = [
                {n: r.get(n, defaults[n]) for n in columns} for r in rows[start : start + BATCH]
            ]
            conn.execute(statement, batch)
        return
    processors = [
        (name, defaults[name], table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
        for name in order
    ]
    sql = str(compiled)
    for start in range(0, len(rows), BATCH):
        batch = [
            tuple(
                row.get(name, default) if process is None else process(row.get(name, default))
                for name, default, process in processors
            )
            for row in rows[start : start + BATCH]
        ]
        conn.exec_driver_sql(sql, batch)


def _differs(stored, new_value):
    """stored IS DISTINCT FROM new_value (NULL-safe); JSON compared as its text, since
    PostgreSQL's json type has no equality (a reformatted equal value is just rewritten)."""
    if isinstance(stored.type, JSON):
        return cast(stored, Text).is_distinct_from(cast(new_value, Text))
    return stored.is_distinct_from(new_value)


def _default(column) -> Any:
    if column.default is not None and column.default.is_scalar:
        return column.default.arg
    if column.default is not None and column.default.is_callable:
        return column.default.arg(None)
    return None
