"""A test user's mailbox on the Dovecot fixture and the [[mailbox]] table that reads it."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from testkit.dovecot import Account, Dovecot


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
