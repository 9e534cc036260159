"""Which PostgreSQL the tests may use, and the reason they skip without one."""

from __future__ import annotations

import os

PG_ENV = "FOLLOWUPS_TEST_PG"
PG_SKIP = f"{PG_ENV} is not set: the PostgreSQL variant of the store tests is skipped"


def postgres_url() -> str | None:
    """The PostgreSQL server the tests may use, or None on a laptop without one."""
    return os.environ.get(PG_ENV) or None
