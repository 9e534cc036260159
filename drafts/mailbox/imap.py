"""Opening one `[[mailbox]]`: TLS, certificate checks and the login, with errors a person reads.

TLS is the default and the certificate is always verified (against the system's CAs, or
only the `ca_file` the config names). `security = "none"` reaches here only for a loopback
host: the config refuses it elsewhere. Credentials come from the environment variables the
config names; no message here ever holds their values.
"""

from __future__ import annotations

import ast
import contextlib
import os
import socket
import ssl

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from store import FollowupsError
from store.config import Settings
from store.config_mailbox import MailboxSettings
from store.text import quoted


class MailboxError(FollowupsError):
    """A mailbox that could not be read: one line naming it, never a credential."""


def credentials(box: MailboxSettings) -> tuple[str, str]:
    """The user name and password from the variables `username_env`/`password_env` name."""
    found = []
    for key, variable in (("username_env", box.username_env), ("password_env", box.password_env)):
        value = os.environ.get(variable)
        if not value:
            raise MailboxError(
                f"mailbox {quoted(box.name)}: the environment variable {variable} ({key}) is "
                "not set"
            )
        found.append(value)
    return found[0], found[1]


def tls_context(box: MailboxSettings, settings: Settings) -> ssl.SSLContext:
    """Verification on, host names checked; `ca_file` alone is trusted when it is set."""
    cafile = str(settings.resolve_path(box.ca_file)) if box.ca_file else None
    try:
        return ssl.create_default_context(cafile=cafile)
    except (OSError, ssl.SSLError) as exc:
        raise MailboxError(
            f"mailbox {quoted(box.name)}: ca_file {quoted(box.ca_file)} is not a readable PEM "
            f"certificate ({type(exc).__name__})"
        ) from None


def reason(exc: BaseException) -> str:
    """A short, secret-free reason for a failed connection or login."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"the server's certificate is not trusted ({exc.verify_message})"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failed ({exc.reason or type(exc).__name__})"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(exc, socket.gaierror):
        return "unknown host"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    text = str(exc)
    if text[:2] in ("b'", 'b"'):  # imaplib puts the server's bytes reply in the message
        with contextlib.suppress(ValueError, SyntaxError):
            text = ast.literal_eval(text).decode("utf-8", "replace")
    return quoted(text, 120, bare=True) if text else type(exc).__name__


def connect(box: MailboxSettings, settings: Settings) -> IMAPClient:
    """A logged-in client for `box`, or MailboxError naming the mailbox and the reason."""
    user, password = credentials(box)
    where = f"mailbox {quoted(box.name)} ({box.host}:{box.effective_port})"
    context = tls_context(box, settings) if box.security != "none" else None
    try:
        client = IMAPClient(
            box.host,
            port=box.effective_port,
            ssl=box.security == "ssl",
            ssl_context=context,
            timeout=box.timeout_s,
        )
    except (OSError, IMAPClientError) as exc:
        raise MailboxError(f"{where}: cannot connect: {reason(exc)}") from None
    try:
        if box.security == "starttls":
            if not client.has_capability("STARTTLS"):
                raise MailboxError(f"{where}: the server does not offer STARTTLS")
            client.starttls(context)
        client.login(user, password)
    except MailboxError:
        _close(client)
        raise
    except LoginError:
        _close(client)
        raise MailboxError(f"{where}: the server refused the login") from None
    except (OSError, IMAPClientError) as exc:
        _close(client)
        raise MailboxError(f"{where}: {reason(exc)}") from None
    return client


def _close(client: IMAPClient) -> None:
    with contextlib.suppress(Exception):  # already closed: nothing more to release
        client.shutdown()
