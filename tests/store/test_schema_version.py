"""The store's schema is checked without Alembic when it is current (store.schema_version)."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from store import FollowupsError
from store.db import MIGRATIONS_DIR, open_store, schema_is_current
from store.schema_version import current_revisions, head_revision


def test_head_read_from_the_files_is_alembics_head():
    assert head_revision() == ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def test_a_current_store_records_the_head(engine):
    with engine.connect() as conn:
        assert current_revisions(conn) == {head_revision()}
    assert schema_is_current(engine)


def test_a_store_from_a_newer_release_is_refused_in_one_line(sqlite_url):
    engine = open_store(sqlite_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    engine.dispose()
    with pytest.raises(FollowupsError, match="another release of followups") as caught:
        open_store(sqlite_url)
    assert "\n" not in str(caught.value)
