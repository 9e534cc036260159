"""Fixtures for `followups sync` against a real Dovecot: one server per session, a user each.

The send tests' helpers (builders, send_team, smtp_sink) are shared: a sync test builds
its team, approves and sends exactly as those do.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from testkit.dovecot import Dovecot, dovecot_missing

sys.path.insert(0, str(Path(__file__).parents[1] / "drafts"))


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    """A Dovecot on free loopback ports for the whole session (it starts in about a second)."""
    reason = dovecot_missing()
    if reason:
        pytest.skip(reason)
    server = Dovecot.start()
    yield server
    server.stop()
