"""Fixtures for `followups sync` against a real Dovecot: one server per session, a user each.

The send tests' helpers (builders, send_team, smtp_sink) are shared: a sync test builds
its team, approves and sends exactly as those do.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.dovecot import Account, Dovecot, dovecot_missing

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


@dataclass(frozen=True)
class Mailbox:
    """A test user's mailbox and the [[mailbox]] table that reads it."""

    account: Account
    name: str
    env: dict[str, str]
    table: dict

    def toml(self) -> str:
        """The table as a user writes it."""
        # JSON's strings, numbers, booleans and lists are valid TOML.
        lines = [
            "[[mailbox]]",
            *(f"{key} = {json.dumps(value)}" for key, value in self.table.items()),
        ]
        return "\n".join(lines) + "\n"


def mailbox_for(
    dovecot: Dovecot,
    monkeypatch: pytest.MonkeyPatch,
    name: str = "mara",
    *,
    security: str = "none",
    recruiter: str | None = "sam",
    **keys,
) -> Mailbox:
    """A fresh mail user, its credentials in environment variables, and its [[mailbox]]."""
    account = dovecot.add_user(name)
    suffix = name.upper().replace("-", "_")
    env = {f"IMAP_USER_{suffix}": account.user, f"IMAP_PASSWORD_{suffix}": account.password}
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    port = dovecot.tls_port if security == "ssl" else dovecot.port
    table = {
        "name": name,
        "host": "127.0.0.1",
        "port": port,
        "security": security,
        "username_env": f"IMAP_USER_{suffix}",
        "password_env": f"IMAP_PASSWORD_{suffix}",
        "folders": ["INBOX"],
        "sent_folders": ["Sent"],
    }
    if recruiter:
        table["recruiter"] = recruiter
    if security != "none":
        table["ca_file"] = str(dovecot.ca_file)
    table.update(keys)
    return Mailbox(account, name, env, table)
