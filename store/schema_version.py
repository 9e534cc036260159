"""Which migration the store is at, and which is the newest, without importing Alembic.

Every command opens the store, and nearly always the schema is already current. Alembic
(with Mako and its DDL modules) costs a quarter of a second to import, so the check reads
the `alembic_version` row and the revision ids written in the versions folder's files;
`store.db` imports Alembic only when an upgrade is really needed.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from sqlalchemy import Connection, inspect, text

VERSIONS_DIR = Path(__file__).parent / "migrations" / "versions"
_ASSIGNMENT = r"^{name}(?:\s*:[^=]+)?\s*=\s*(?:[\"']([^\"']+)[\"']|None)\s*$"
_REVISION = re.compile(_ASSIGNMENT.format(name="revision"), re.MULTILINE)
_DOWN_REVISION = re.compile(_ASSIGNMENT.format(name="down_revision"), re.MULTILINE)


@cache
def head_revision() -> str | None:
    """The newest revision id, or None when the files do not name exactly one head.

    None sends the caller to Alembic, which reads the files properly (a revision file
    written in a form this scan does not know is then never mistaken for current).
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted(VERSIONS_DIR.glob("[0-9]*.py")):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        down = _DOWN_REVISION.search(source)
        if found is None or down is None:
            return None
        revisions.add(found.group(1))
        if down.group(1):
            parents.add(down.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def current_revisions(conn: Connection) -> set[str]:
    """The revisions the store's `alembic_version` table records (empty for a new store)."""
    if not inspect(conn).has_table("alembic_version"):
        return set()
    return {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
