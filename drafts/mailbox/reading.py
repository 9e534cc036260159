"""What a raw message says, read with the stdlib `email` package.

Pure: bytes in, facts out, no store. Every header and body is untrusted data: decoded from
any charset and RFC 2047, control characters stripped, bounded in length. Anything the
parser cannot make sense of raises `Unreadable`, which the caller counts.

The parser runs with the compat32 policy, headers decoded here (RFC 2047 by
email.header): policy.default builds a structured object for every header touched, which
made reading ten times slower than fetching (bench/sync.py) for nothing we use. A sync
reads thousands of messages; most are from strangers, and `read_head` (headers only)
tells them apart before the body is parsed at all.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.header import Header, decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from functools import lru_cache

from drafts.mailbox.reports import DeliveryReport, looks_like_bounce, read_report
from drafts.mailbox.text import html_to_text, without_quoted
from store.text import clean, normalise_email

# What a touchpoint keeps of a message: a person's answer is short; a pasted CV is not
# what the rules read.
MAX_SUBJECT_CHARS = 500
MAX_BODY_CHARS = 20_000
# Printable characters only: an id is stored and shown (NUL is refused by PostgreSQL).
_MESSAGE_ID = re.compile(r"<([^<>\s\x00-\x1f\x7f-\x9f]{1,900})>")
# RFC 3834 and the common autoresponder headers: machines saying they are machines.
_AUTO_HEADERS = ("x-autoreply", "x-autorespond", "x-autoresponder")
_PARSER = BytesParser(policy=policy.compat32)


class Unreadable(ValueError):
    """The message cannot be read as mail (malformed MIME, no usable headers)."""


@dataclass(frozen=True)
class MailHead:
    """What the headers alone say: enough to tell whether a message concerns anyone."""

    message_id: str
    synthetic_id: bool
    # Everything that looks like an address in From, and in To/Cc (and Bcc, in a sent
    # folder), normalised: a superset, for telling whether anyone we know is concerned
    # before the message is parsed properly.
    sender_tokens: tuple[str, ...]
    recipient_tokens: tuple[str, ...]
    refers_to: tuple[str, ...]  # In-Reply-To first, then References, newest first
    maybe_report: bool  # a delivery report by its type or its sender


@dataclass(frozen=True)
class MailFacts:
    """What one message says, as plain data."""

    message_id: str
    synthetic_id: bool
    sent_at: datetime | None  # naive UTC; None when the Date header is missing or bad
    sender: str
    recipients: tuple[str, ...]
    subject: str
    body: str  # the person's own words: quoted text left out, control characters gone
    refers_to: tuple[str, ...]
    automatic_header: str | None  # the header that says a machine wrote it, if any
    report: DeliveryReport | None = None


def message_ids(value: str | None) -> list[str]:
    """The Message-IDs named in a header value, without angle brackets."""
    return _MESSAGE_ID.findall(str(value or ""))


def synthetic_message_id(raw: bytes) -> str:
    """A stable id for a message that has none: the same bytes always give the same id
    (line endings aside, which IMAP servers are free to change)."""
    digest = hashlib.sha256(raw.replace(b"\r\n", b"\n")).hexdigest()[:40]
    return f"{digest}@no-message-id.followups.invalid"


def decoded(value: object) -> str:
    """A header value as text: RFC 2047 words decoded in their charsets, raw 8-bit bytes
    kept as the parser gave them, control characters gone."""
    if value is None:
        return ""
    if isinstance(value, Header):
        text = str(value)
    else:
        try:
            text = str(make_header(decode_header(str(value))))
        except (LookupError, UnicodeError, ValueError, TypeError, AssertionError):
            text = str(value)
    return clean(text.encode("utf-8", "replace").decode("utf-8"))


def _raw(msg: Message, name: str) -> str:
    value = msg.get(name)
    if value is None:
        return ""
    # Raw 8-bit bytes in a header arrive as lone surrogates, which no database stores.
    return str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


# The same few addresses (ours, regular correspondents) come back in every message.
_normalised = lru_cache(maxsize=8192)(lambda address: normalise_email(clean(address)))


def _addresses(msg: Message, *names: str) -> list[str]:
    values = [_raw(msg, name) for name in names]
    found = []
    for _name, address in getaddresses([v for v in values if v]):
        normalised = _normalised(address)
        if "@" in normalised and normalised not in found:
            found.append(normalised)
    return found


def _refers(msg: Message) -> tuple[str, ...]:
    refers = message_ids(_raw(msg, "in-reply-to"))
    refers += [m for m in reversed(message_ids(_raw(msg, "references"))) if m not in refers]
    return tuple(refers)


def _parse(raw: bytes, *, headers_only: bool) -> Message:
    try:
        msg = _PARSER.parsebytes(raw, headersonly=headers_only)
    except Exception as exc:  # noqa: BLE001  (any parser failure means: not readable)
        raise Unreadable(f"not parseable as mail: {type(exc).__name__}") from exc
    if not msg.keys():
        raise Unreadable("no headers")
    return msg


_ADDRESS_TOKEN = re.compile(r"[^\s<>()\[\]\\,;:\"']+@[^\s<>()\[\]\\,;:\"']+")


def _tokens(msg: Message, *names: str) -> tuple[str, ...]:
    # getaddresses is exact but costs more than the rest of the header pass together.
    found: list[str] = []
    for name in names:
        for token in _ADDRESS_TOKEN.findall(_raw(msg, name)):
            normalised = _normalised(token)
            if normalised not in found:
                found.append(normalised)
    return tuple(found)


def _head(msg: Message, raw: bytes, sent_folder: bool) -> MailHead:
    ids = message_ids(_raw(msg, "message-id"))
    senders = _tokens(msg, "from")
    recipient_headers = ("to", "cc", "bcc") if sent_folder else ("to", "cc")
    return MailHead(
        message_id=ids[0] if ids else synthetic_message_id(raw),
        synthetic_id=not ids,
        sender_tokens=senders,
        recipient_tokens=_tokens(msg, *recipient_headers),
        refers_to=_refers(msg),
        maybe_report=msg.get_content_type() == "multipart/report"
        or any(mail_system(msg, sender) for sender in senders or ("",)),
    )


def mail_system(msg: Message, sender: str) -> bool:
    """Sent by a mail system (MAILER-DAEMON, postmaster, an empty return path with a
    bounce's subject): what the non-standard bounce detectors may look at."""
    return_path = _raw(msg, "return-path")
    # The subject is decoded only when it can matter.
    subject = decoded(msg.get("subject")) if return_path.strip() == "<>" else ""
    return looks_like_bounce(sender, return_path, subject)


_HEADER_END = re.compile(rb"\r?\n\r?\n")


def read_head(raw: bytes, *, sent_folder: bool = False) -> MailHead:
    """The headers of a raw message, without parsing its body. Raises Unreadable."""
    end = _HEADER_END.search(raw)
    msg = _parse(raw[: end.start()] if end else raw, headers_only=True)
    try:
        return _head(msg, raw, sent_folder)
    except Exception as exc:  # noqa: BLE001  (malformed headers in any shape are counted)
        raise Unreadable(f"malformed headers: {type(exc).__name__}") from exc


def _sent_at(msg: Message) -> datetime | None:
    value = _raw(msg, "date")
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset)
    except (LookupError, UnicodeError):
        # An unknown or lying charset: UTF-8 if it is, else Latin-1, which never fails.
        try:
            return payload.decode("utf-8")
        except UnicodeError:
            return payload.decode("latin-1")


def _text_parts(msg: Message):
    """The message's own text parts: attachments and attached messages left out."""
    if msg.is_multipart():
        for part in msg.get_payload():
            if isinstance(part, Message) and part.get_content_maintype() != "message":
                yield from _text_parts(part)
    elif msg.get_content_maintype() == "text" and msg.get_content_disposition() != "attachment":
        yield msg


def _body(msg: Message) -> str:
    plain = html = None
    for part in _text_parts(msg):
        kind = part.get_content_subtype()
        if kind == "plain" and plain is None:
            plain = part
        elif kind == "html" and html is None:
            html = part
    if plain is not None:
        return _part_text(plain)
    return html_to_text(_part_text(html)) if html is not None else ""


def _automatic_header(msg: Message) -> str | None:
    auto_submitted = decoded(msg.get("auto-submitted")).strip().lower()
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return f"Auto-Submitted: {auto_submitted[:60]}"
    for name in _AUTO_HEADERS:
        if msg.get(name) is not None:
            return f"{name}: {decoded(msg.get(name))[:60]}"
    if decoded(msg.get("precedence")).strip().lower() == "auto_reply":
        return "Precedence: auto_reply"
    return None


def _bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def read_message(raw: bytes, *, sent_folder: bool = False) -> MailFacts:
    """Read a raw message (RFC 5322 bytes). Raises Unreadable for what is not mail."""
    msg = _parse(raw, headers_only=False)
    try:
        head = _head(msg, raw, sent_folder)
        senders = _addresses(msg, "from")
        recipient_headers = ("to", "cc", "bcc") if sent_folder else ("to", "cc")
        body = without_quoted(clean(_body(msg)))
        return MailFacts(
            message_id=head.message_id,
            synthetic_id=head.synthetic_id,
            sent_at=_sent_at(msg),
            sender=senders[0] if senders else "",
            recipients=tuple(_addresses(msg, *recipient_headers)),
            subject=_bounded(" ".join(decoded(msg.get("subject")).split()), MAX_SUBJECT_CHARS),
            body=_bounded(body, MAX_BODY_CHARS),
            refers_to=head.refers_to,
            automatic_header=_automatic_header(msg),
            report=read_report(msg, senders[0] if senders else "") if head.maybe_report else None,
        )
    except Exception as exc:  # noqa: BLE001  (malformed MIME in any shape is counted, not fatal)
        raise Unreadable(f"malformed message: {type(exc).__name__}") from exc
