"""How a claimed follow-up leaves: an SMTP relay, or an outbox folder a recruiter pastes from.

A transport answers every delivery with an `Outcome` that says what the store should
believe: `sent`, `retry` (it certainly did not go; try later), `failed` (it will never go
to this address) or `unknown` (it may have gone: never re-send blindly). Only the moment
after the whole message reached the relay and before its answer came back is `unknown`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Literal, Protocol

from store import FollowupsError
from store.clock import iso
from store.config import Settings, SmtpSettings
from store.text import AddressError, check_address, clean

OutcomeStatus = Literal["sent", "retry", "failed", "unknown"]
# "5.1.1": the enhanced status code for "no such mailbox" (RFC 3463).
NO_SUCH_MAILBOX = re.compile(rb"\b5\.1\.1\b")
_LEADING_DOT = re.compile(rb"(?m)^\.")
# How much of a relay's reply (or an error about it) is kept: enough to act on.
DETAIL_CHARS = 300


def server_text(value: str) -> str:
    """A relay's reply or an error text, as the store keeps and a terminal shows it: one line,
    no control characters or escape sequences, at most DETAIL_CHARS."""
    flat = " ".join(clean(value or "").split())
    return flat if len(flat) <= DETAIL_CHARS else flat[: DETAIL_CHARS - 1] + "…"


@dataclass(frozen=True)
class Outgoing:
    """One follow-up, ready to leave. `message_id` was committed before the first attempt."""

    draft_id: int
    channel: str
    message_id: str
    sender: str
    to_name: str
    to_email: str | None
    linkedin_url: str | None
    subject: str
    body: str
    date: datetime
    # `[send] list_unsubscribe` (a mailto: URI), or "" for no List-Unsubscribe header.
    list_unsubscribe: str = ""


@dataclass(frozen=True)
class Outcome:
    """What happened to one delivery, and whether the transport is still usable."""

    status: OutcomeStatus
    detail: str
    # The relay said the mailbox does not exist (5.1.1): suppress the address.
    no_such_mailbox: bool = False
    # The relay cannot be reached at all: stop this run instead of trying every draft.
    transport_down: bool = False

    def __post_init__(self) -> None:
        # Every detail may quote a server: cleaned here, once, for the store and the terminal.
        object.__setattr__(self, "detail", server_text(self.detail))


def addressed(message: Outgoing, *, smtputf8: bool) -> Outgoing | Outcome:
    """The message with its recipient as it goes on the wire (an international domain in
    its xn-- form), or a `failed` Outcome when no message can carry the address. Asked
    before anything leaves, so a bad address costs its draft only, never the batch."""
    if not message.to_email:
        return message
    try:
        checked = check_address(message.to_email, international_local=smtputf8)
    except AddressError as exc:
        return Outcome("failed", f"nothing was sent: {exc}")
    wire = checked.ascii or (checked.written if smtputf8 else None)
    if wire is None:
        return Outcome("failed", f"nothing was sent: {message.to_email!r} needs SMTPUTF8")
    return dataclasses.replace(message, to_email=wire)


def message_bytes(message: Outgoing) -> bytes | Outcome:
    """The message as bytes, or a `failed` Outcome naming what the email library refused."""
    try:
        return build_message(message).as_bytes(policy=policy.SMTP)
    except Exception as exc:  # the email package raises several kinds; nothing has left
        return Outcome("failed", f"nothing was sent: the message cannot be written: {exc}")


class Transport(Protocol):
    """Delivers one message at a time; may keep a connection open between them."""

    name: str

    def deliver(self, message: Outgoing) -> Outcome: ...

    def close(self) -> None: ...


def one_line(value: str | None) -> str:
    """A header value on one line: imported names and subjects may hold line breaks, which
    email headers refuse (and which could otherwise smuggle in a header of their own)."""
    return " ".join((value or "").split())


def build_message(out: Outgoing) -> EmailMessage:
    """The RFC 5322 message: plain text, UTF-8, with the fixed Message-ID."""
    msg = EmailMessage()
    msg["From"] = one_line(out.sender)
    if out.to_email:
        # Address() quotes the display name: a name holding quotes or commas stays a name.
        msg["To"] = Address(display_name=one_line(out.to_name), addr_spec=one_line(out.to_email))
    else:
        msg["X-Followups-Recipient"] = one_line(out.to_name)
    if out.linkedin_url:
        msg["X-LinkedIn-Profile"] = one_line(out.linkedin_url)
    msg["Subject"] = one_line(out.subject)
    msg["Date"] = format_datetime(out.date.replace(tzinfo=UTC))
    msg["Message-ID"] = out.message_id
    msg["X-Followups-Draft"] = str(out.draft_id)
    if out.list_unsubscribe:
        # RFC 2369: mail clients offer "unsubscribe"; Gmail and Yahoo expect it of bulk mail.
        msg["List-Unsubscribe"] = f"<{one_line(out.list_unsubscribe)}>"
    msg.set_content(out.body)
    return msg


def _refusal(stage: str, code: int, reply: bytes) -> Outcome:
    text = f"{stage}: {code} {reply.decode('utf-8', 'replace')}"
    if 400 <= code < 500:
        return Outcome("retry", text)
    if stage == "MAIL FROM":
        # Our sender address is refused: every draft would fail the same way. Not theirs.
        return Outcome("retry", text, transport_down=True)
    return Outcome(
        "failed", text, no_such_mailbox=stage == "RCPT TO" and bool(NO_SUCH_MAILBOX.search(reply))
    )


class SmtpTransport:
    """An SMTP relay, one connection reused for a whole run. Credentials come from the
    environment variables the config names; they are never written anywhere."""

    name = "smtp"

    def __init__(self, settings: SmtpSettings, sender: str):
        self.settings = settings
        self.envelope_from = parseaddr(sender)[1]
        self.username = os.environ.get(settings.username_env) or None
        self.password = os.environ.get(settings.password_env) or None
        if self.username and not self.password:
            raise FollowupsError(
                f"${settings.username_env} is set but ${settings.password_env} is not"
            )
        self._conn: smtplib.SMTP | None = None

    @property
    def destination(self) -> str:
        """Where messages go, for the run's last lines (never a credential)."""
        return f"smtp {self.settings.host}:{self.settings.port}"

    def _connection(self) -> smtplib.SMTP:
        if self._conn is not None:
            return self._conn
        s = self.settings
        context = ssl.create_default_context()
        if s.security == "ssl":
            conn: smtplib.SMTP = smtplib.SMTP_SSL(
                s.host, s.port, timeout=s.timeout_s, context=context
            )
        else:
            conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
        try:
            conn.ehlo()
            if s.security == "starttls":
                conn.starttls(context=context)
                conn.ehlo()
            if self.username:
                conn.login(self.username, self.password or "")
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return conn

    def _forget(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None

    def _reset(self) -> None:
        """Clear a refused transaction so the connection can carry the next message."""
        try:
            if self._conn is not None:
                self._conn.rset()
        except (OSError, smtplib.SMTPException):
            self._forget()

    def deliver(self, message: Outgoing) -> Outcome:
        """MAIL, RCPT, DATA by hand, so a failure is placed before or after the point of
        no return (the message's last byte reaching the relay)."""
        if not message.to_email:
            return Outcome("failed", "the candidate has no email address")
        # The address and the message are checked before the relay is touched.
        message = addressed(message, smtputf8=False)
        if isinstance(message, Outcome):
            return message
        payload = message_bytes(message)
        if isinstance(payload, Outcome):
            return payload
        try:
            conn = self._connection()
        except (OSError, smtplib.SMTPException) as exc:
            self._forget()
            return Outcome("retry", f"cannot reach the SMTP relay: {exc}", transport_down=True)
        try:
            for stage, command in (
                ("MAIL FROM", lambda: conn.mail(self.envelope_from)),
                ("RCPT TO", lambda: conn.rcpt(message.to_email)),
                ("DATA", lambda: (conn.putcmd("data"), conn.getreply())[1]),
            ):
                code, reply = command()
                if code not in (250, 251, 354):
                    if code == 421:
                        self._forget()
                    else:
                        self._reset()
                    return _refusal(stage, code, reply)
        except UnicodeEncodeError:
            # smtplib speaks ASCII only; an internationalised address never goes this way.
            self._reset()
            return Outcome("failed", f"{message.to_email!r} is not an ASCII address")
        except (OSError, smtplib.SMTPException) as exc:
            self._forget()
            return Outcome("retry", f"connection lost before the message was sent: {exc}")
        # From here on the relay may already hold the message.
        try:
            body = _LEADING_DOT.sub(b"..", payload)
            if not body.endswith(b"\r\n"):
                body += b"\r\n"
            conn.send(body + b".\r\n")
            code, reply = conn.getreply()
        except (OSError, smtplib.SMTPException) as exc:
            self._forget()
            return Outcome(
                "unknown",
                f"connection lost after the message was sent, before the relay answered "
                f"({exc}); look for Message-ID {message.message_id} at the relay",
            )
        if code == 250:
            return Outcome("sent", f"{code} {reply.decode('utf-8', 'replace')}")
        self._reset()
        return _refusal("end of DATA", code, reply)

    def close(self) -> None:
        """Say goodbye to the relay."""
        if self._conn is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._conn.quit()
        self._forget()


class OutboxTransport:
    """One .eml per message in a folder, plus an index.jsonl, for channels with no API."""

    name = "outbox"

    def __init__(self, folder: Path):
        self.folder = folder

    @property
    def destination(self) -> str:
        """Where messages go: the folder to paste them from."""
        return f"outbox {self.folder.resolve()}"

    def deliver(self, message: Outgoing) -> Outcome:
        """Write the .eml atomically (temp file, fsync, rename), then append to the index."""
        name = f"{message.channel}-{message.draft_id:06d}.eml"
        final = self.folder / name
        temp = self.folder / f".{name}.{os.getpid()}.tmp"
        message = addressed(message, smtputf8=True)
        if isinstance(message, Outcome):
            return message
        payload = message_bytes(message)
        if isinstance(payload, Outcome):
            return payload
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with temp.open("wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, final)
        except OSError as exc:
            temp.unlink(missing_ok=True)
            return Outcome("retry", f"cannot write {final}: {exc}", transport_down=True)
        entry = {
            "message_id": message.message_id,
            "draft_id": message.draft_id,
            "channel": message.channel,
            "file": name,
            "to": message.to_name,
            "email": message.to_email,
            "linkedin_url": message.linkedin_url,
            "subject": message.subject,
            "written_at": iso(message.date),
        }
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        try:
            # One write() on an O_APPEND file: concurrent senders never interleave lines.
            fd = os.open(self.folder / "index.jsonl", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            return Outcome("unknown", f"{final} was written but the index was not: {exc}")
        return Outcome("sent", f"written to {final}")

    def close(self) -> None:
        """Nothing to close."""


def transports_for(settings: Settings) -> dict[str, Transport]:
    """The transport of each channel the config names; a channel left out is a dry run."""
    send = settings.send
    chosen: dict[str, Transport] = {}
    if (send.email_transport or send.inmail_transport) and not parseaddr(send.from_)[1]:
        raise FollowupsError("[send] from must be an address, e.g. 'Talent <talent@example.com>'")
    outbox = OutboxTransport(settings.resolve_path(send.outbox_dir))
    if send.email_transport == "smtp":
        chosen["email"] = SmtpTransport(send.smtp, send.from_)
    elif send.email_transport == "outbox":
        chosen["email"] = outbox
    if send.inmail_transport == "outbox":
        chosen["inmail"] = outbox
    return chosen
