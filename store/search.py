"""Searching text the way people type it: case and accents folded, in the database.

`/kruger` must find Krüger and `/GLOBEX` Globex Corporation, on SQLite and PostgreSQL,
without loading every row into Python. `fold` is the one folding; `folded(column)` asks
the database for the same thing: on SQLite through `fold` itself, registered as a
function on every connection (store.db), on PostgreSQL through `lower`, `translate` and
a few `replace`s for the letters that fold to two.
"""

from __future__ import annotations

import unicodedata

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

# The SQL function registered on SQLite connections.
SQLITE_FOLD = "followups_fold"
# Letters that are not a base letter plus accents, and fold to something else.
_SPECIAL = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th"}
# One-to-one folds PostgreSQL's translate() does (lower-case accented Latin letters).
_PG_FROM = "àáâãäåāăąçćĉċčďèéêëēĕėęěĝğġģĥìíîïĩīĭįĵķĺļľñńņňòóôõöōŏőŕŗřśŝşšţťùúûüũūŭůűųŵýÿŷźżž"


def fold(value: str | None) -> str:
    """Lower case, accents dropped, special letters spelled out: "Krüger" -> "kruger"."""
    if not value:
        return ""
    text = unicodedata.normalize("NFKD", value.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "".join(_SPECIAL.get(c, c) for c in text)


_PG_TO = "".join(fold(c) for c in _PG_FROM)
assert len(_PG_TO) == len(_PG_FROM), "every letter of _PG_FROM folds to one letter"


class folded(FunctionElement):  # noqa: N801 - reads like the SQL function it is
    """`fold(column)` in SQL (see the module docstring)."""

    type = String()
    inherit_cache = True


@compiles(folded, "sqlite")
def _sqlite(element, compiler, **kw) -> str:
    return f"{SQLITE_FOLD}({compiler.process(element.clauses, **kw)})"


@compiles(folded)
def _generic(element, compiler, **kw) -> str:
    sql = f"lower({compiler.process(element.clauses, **kw)})"
    for letter, spelled in _SPECIAL.items():
        sql = f"replace({sql}, '{letter}', '{spelled}')"
    return f"translate({sql}, '{_PG_FROM}', '{_PG_TO}')"


def search_pattern(text: str) -> str:
    """A LIKE pattern (escape character backslash) matching folded `text` anywhere."""
    escaped = fold(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
