"""What a raw message says, read with the stdlib `email` package (policy.default).

Pure: bytes in, `MailFacts` out, no store. Every header and body is untrusted data:
decoded from any charset and RFC 2047, control characters stripped, bounded in length.
Anything the parser cannot make sense of raises `Unreadable`, which the caller counts.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from drafts.mailbox.reports import DeliveryReport, read_report
from drafts.mailbox.text import html_to_text, without_quoted
from store.text import clean, normalise_email

# What a touchpoint keeps of a message: a person's answer is short; a pasted CV is not
# what the rules read.
MAX_SUBJECT_CHARS = 500
MAX_BODY_CHARS = 20_000
_MESSAGE_ID = re.compile(r"<([^<>\s]{1,900})>")
# RFC 3834 and the common autoresponder headers: machines saying they are machines.
_AUTO_HEADERS = ("x-autoreply", "x-autorespond", "x-autoresponder")


class Unreadable(ValueError):
    """The message cannot be read as mail (malformed MIME, no usable headers)."""


@dataclass(frozen=True)
class MailFacts:
    """What one message says, as plain data."""

    message_id: str
    synthetic_id: bool
    sent_at: datetime | None  # naive UTC; None when the Date header is missing or bad
    sender: str  # normalised From address ("" when none)
    recipients: tuple[str, ...]  # normalised To, Cc (and Bcc, in a sent folder) addresses
    subject: str
    body: str  # the person's own words: quoted text left out, control characters gone
    refers_to: tuple[str, ...]  # In-Reply-To first, then References, newest first
    automatic_header: str | None  # the header that says a machine wrote it, if any
    report: DeliveryReport | None = None
    extra: dict[str, str] = field(default_factory=dict)


def message_ids(value: str | None) -> list[str]:
    """The Message-IDs named in a header value, without angle brackets."""
    return _MESSAGE_ID.findall(str(value or ""))


def synthetic_message_id(raw: bytes) -> str:
    """A stable id for a message that has none: the same bytes always give the same id
    (line endings aside, which IMAP servers are free to change)."""
    digest = hashlib.sha256(raw.replace(b"\r\n", b"\n")).hexdigest()[:40]
    return f"{digest}@no-message-id.followups.invalid"


def _header(msg: EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # noqa: BLE001  (a header policy.default cannot parse is just absent)
        return ""
    return clean(str(value)) if value is not None else ""


def _addresses(msg: EmailMessage, *names: str) -> list[str]:
    values = [_header(msg, name) for name in names]
    found = []
    for _name, address in getaddresses([v for v in values if v]):
        normalised = normalise_email(address)
        if "@" in normalised and normalised not in found:
            found.append(normalised)
    return found


def _sent_at(msg: EmailMessage) -> datetime | None:
    value = _header(msg, "date")
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _part_text(part: EmailMessage) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError, AssertionError, ValueError):
        # An unknown or lying charset: the bytes as Latin-1 lose nothing and never fail.
        payload = part.get_payload(decode=True) or b""
        return payload.decode("latin-1") if isinstance(payload, bytes) else str(payload)


def _body(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    text = _part_text(part)
    if part.get_content_type() == "text/html":
        text = html_to_text(text)
    return text


def _automatic_header(msg: EmailMessage) -> str | None:
    auto_submitted = _header(msg, "auto-submitted").strip().lower()
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {auto_submitted[:60]}"
    for name in _AUTO_HEADERS:
        if msg.get(name) is not None:
            return f"{name}: {_header(msg, name)[:60]}"
    precedence = _header(msg, "precedence").strip().lower()
    if precedence == "auto_reply":
        return "Precedence: auto_reply"
    return None


def _bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def read_message(raw: bytes, *, sent_folder: bool = False) -> MailFacts:
    """Read a raw message (RFC 5322 bytes). Raises Unreadable for what is not mail."""
    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # noqa: BLE001  (any parser failure means: not readable)
        raise Unreadable(f"not parseable as mail: {type(exc).__name__}") from exc
    if not isinstance(msg, EmailMessage) or not msg.keys():
        raise Unreadable("no headers")
    try:
        ids = message_ids(_header(msg, "message-id"))
        message_id = ids[0] if ids else synthetic_message_id(raw)
        senders = _addresses(msg, "from")
        recipient_headers = ("to", "cc", "bcc") if sent_folder else ("to", "cc")
        refers = message_ids(_header(msg, "in-reply-to"))
        refers += [m for m in reversed(message_ids(_header(msg, "references"))) if m not in refers]
        body = without_quoted(clean(_body(msg)))
        return MailFacts(
            message_id=message_id,
            synthetic_id=not ids,
            sent_at=_sent_at(msg),
            sender=senders[0] if senders else "",
            recipients=tuple(_addresses(msg, *recipient_headers)),
            subject=_bounded(" ".join(_header(msg, "subject").split()), MAX_SUBJECT_CHARS),
            body=_bounded(body, MAX_BODY_CHARS),
            refers_to=tuple(refers),
            automatic_header=_automatic_header(msg),
            report=read_report(msg),
        )
    except Unreadable:
        raise
    except Exception as exc:  # noqa: BLE001  (malformed MIME in any shape is counted, not fatal)
        raise Unreadable(f"malformed message: {type(exc).__name__}") from exc
