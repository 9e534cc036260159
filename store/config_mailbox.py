"""`[[mailbox]]` tables (contract section 7): the IMAP mailboxes `followups sync` reads.

Checked at start-up with the rest of the config, so a typo in a host or a secret pasted
where a variable's name belongs is a clear one-line error before any connection is made.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from store.text import hidden_characters, quoted

if TYPE_CHECKING:
    from store.config import Settings

# Ports IMAP servers listen on: implicit TLS, else the plain port STARTTLS upgrades.
DEFAULT_PORTS = {"ssl": 993, "starttls": 143, "none": 143}
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _visible(value: str) -> str:
    """A name, host or folder a person can read back: no control or invisible characters."""
    if not value.strip():
        raise ValueError("must not be empty")
    if hidden_characters(value):
        raise ValueError(
            f"holds characters a reader cannot see ({', '.join(hidden_characters(value))})"
        )
    if len(value) > 255:
        raise ValueError("is longer than 255 characters")
    return value


def _host(value: str) -> str:
    _visible(value)
    if " " in value or "/" in value or "@" in value:
        raise ValueError("must be a host name or IP address, e.g. imap.example.com")
    return value


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine: only there may IMAP go without TLS."""
    name = host.strip("[]").lower().rstrip(".")
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


Visible = Annotated[str, AfterValidator(_visible)]


class MailboxSettings(BaseModel):
    """One mailbox: a recruiter's own, or a shared team inbox. Credentials are read from
    the environment variables named here, at sync time; the config never holds them."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: Visible
    recruiter: Visible | None = None
    host: Annotated[str, AfterValidator(_host)]
    # None: the usual port for `security` (993 for ssl, 143 otherwise).
    port: int | None = Field(None, ge=1, le=65535)
    security: Literal["ssl", "starttls", "none"] = "ssl"
    ca_file: str = ""
    username_env: str = "FOLLOWUPS_IMAP_USER"
    password_env: str = "FOLLOWUPS_IMAP_PASSWORD"
    folders: list[Visible] = ["INBOX"]
    sent_folders: list[Visible] = []
    since_days: int = Field(90, gt=0, le=3650)
    timeout_s: float = Field(60, gt=0, le=600)
    # Of a larger message only the head is read (drafts/mailbox/folders.py HEAD_BYTES).
    # At most 10: ingest reads no message over 10 MiB (drafts/mailbox/ingest.py).
    max_message_mb: float = Field(10, gt=0, le=10)

    @field_validator("username_env", "password_env")
    @classmethod
    def _env(cls, value: str) -> str:
        from store.config import env_name

        return env_name(value)

    @field_validator("folders")
    @classmethod
    def _some_folder(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError('must name at least one folder, e.g. ["INBOX"]')
        return value

    @property
    def effective_port(self) -> int:
        """The port to connect to."""
        return self.port or DEFAULT_PORTS[self.security]

    @property
    def max_message_bytes(self) -> int:
        """The size bound, in bytes."""
        return int(self.max_message_mb * 1024 * 1024)


def mailbox_label(index: int, raw: object) -> str:
    """How an error names the n-th `[[mailbox]]`: by its name when it has a readable one."""
    name = raw.get("name") if isinstance(raw, dict) else None
    if isinstance(name, str) and name and not hidden_characters(name) and len(name) <= 60:
        return f"mailbox {quoted(name)}"
    return f"mailbox #{index + 1}"


def mailbox_problems(settings: Settings, *, check_paths: bool) -> list[str]:
    """What one table alone cannot say: unique names, TLS off a loopback host, the CA file."""
    problems: list[str] = []
    seen: set[str] = set()
    for box in settings.mailbox:
        label = f"mailbox {quoted(box.name)}"
        if box.name.casefold() in seen:
            problems.append(f"{label}: name: used by another [[mailbox]]; names must be unique")
        seen.add(box.name.casefold())
        if box.security == "none" and not is_loopback(box.host):
            problems.append(
                f'{label}: security: "none" sends the password in clear text; it is allowed '
                f"only for a loopback host (127.0.0.1, ::1, localhost), not {quoted(box.host)}; "
                'use "ssl" or "starttls"'
            )
        if box.ca_file and box.security == "none":
            problems.append(f'{label}: ca_file: has no use with security "none"')
        if box.ca_file and check_paths and not settings.resolve_path(box.ca_file).is_file():
            problems.append(f"{label}: ca_file: no file {quoted(box.ca_file)}")
        overlap = set(box.folders) & set(box.sent_folders)
        if overlap:
            problems.append(
                f"{label}: sent_folders: {quoted(sorted(overlap)[0])} is also in folders; "
                "a folder is either where mail arrives or where sent mail is kept"
            )
    return problems
