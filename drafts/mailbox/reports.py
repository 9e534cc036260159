"""Delivery status notifications: which address failed for good, and which message it was.

RFC 3464 first (multipart/report; report-type=delivery-status): per recipient, its Action
and Status; `failed` with a 5.x.x status is a hard bounce, anything else (delayed, 4.x.x)
changes nothing. Mail servers that still write bounces in their own formats (Exim,
qmail, old Exchange) are read by flufl.bounce's detectors, but only for a message that
comes from a mail system: a person's reply is never scanned as a bounce.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser

from flufl.bounce import all_failures

from store.text import clean, normalise_email

_MAILER = re.compile(r"^(?:mailer-daemon|postmaster|mail-daemon|mailerdaemon|bounces?)@", re.I)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery\s+(?:status\s+notification|fail|problem)|returned\s+mail"
    r"|failure\s+notice|mail\s+delivery\s+(?:failed|system)|nondeliverable|could\s+not\s+be\s+delivered",
    re.IGNORECASE,
)
_STATUS_PARTS = ("message/delivery-status", "message/global-delivery-status")
_MESSAGE_ID = re.compile(r"<([^<>\s\x00-\x1f\x7f-\x9f]{1,900})>")


@dataclass(frozen=True)
class RecipientStatus:
    """One recipient of the reported message and what happened to it."""

    address: str  # normalised
    action: str  # failed, delayed, delivered, relayed, expanded
    status: str  # e.g. 5.1.1
    diagnostic: str

    @property
    def hard_bounce(self) -> bool:
        """Failed for good: the address does not take mail."""
        return self.action == "failed" and self.status.startswith("5")


@dataclass(frozen=True)
class DeliveryReport:
    """A delivery status notification, as far as it could be read."""

    recipients: tuple[RecipientStatus, ...]
    # The Message-ID of the message it reports on, when the report quotes it.
    original_message_id: str | None
    format: str  # "rfc3464" or "flufl.bounce"

    @property
    def hard_bounces(self) -> list[RecipientStatus]:
        """The recipients that failed for good."""
        return [r for r in self.recipients if r.hard_bounce]


def text_of(value: object) -> str:
    """A header value as storable text: raw 8-bit bytes (lone surrogates once parsed)
    replaced, control characters gone."""
    if value is None:
        return ""
    return clean(str(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace"))


def _field(block: Message, name: str) -> str:
    return text_of(block.get(name)).strip()


def _address_of(value: str) -> str:
    # "rfc822; ada@example.com": the address type comes first.
    return normalise_email(value.split(";", 1)[-1].strip().strip("<>"))


def _quoted_message_id(msg: Message) -> str | None:
    for part in msg.walk():
        kind = part.get_content_type()
        headers: Message | None = None
        if kind == "message/rfc822":
            payload = part.get_payload()
            headers = payload[0] if isinstance(payload, list) and payload else None
        elif kind == "text/rfc822-headers":
            text = part.get_payload(decode=True) or b""
            headers = HeaderParser().parsestr(text.decode("utf-8", "replace"))
        if headers is not None:
            found = _MESSAGE_ID.findall(text_of(headers.get("message-id")))
            if found:
                return found[0]
    return None


def _status_blocks(part: Message) -> list[Message]:
    """The field blocks of a delivery-status part. The parser splits message/delivery-status
    itself; message/global-delivery-status (RFC 6533, UTF-8 addresses) arrives as one
    embedded message, so its text is split here the same way."""
    payload = part.get_payload()
    if part.get_content_subtype() == "delivery-status" and isinstance(payload, list):
        return payload
    if isinstance(payload, list):
        text = "\n".join(m.as_string() for m in payload if isinstance(m, Message))
    else:
        raw = part.get_payload(decode=True) or b""
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(payload)
    parser = HeaderParser()
    return [parser.parsestr(block) for block in re.split(r"\n\s*\n", text) if block.strip()]


def _rfc3464(msg: Message) -> DeliveryReport | None:
    if msg.get_content_type() != "multipart/report":
        return None
    recipients = []
    for part in msg.walk():
        if part.get_content_type() not in _STATUS_PARTS:
            continue
        blocks = _status_blocks(part)
        for block in blocks:
            recipient = _field(block, "final-recipient") or _field(block, "original-recipient")
            action = _field(block, "action").lower()
            if not recipient or not action:
                continue
            status = _field(block, "status").split()[0] if _field(block, "status") else ""
            recipients.append(
                RecipientStatus(
                    _address_of(recipient), action, status, _field(block, "diagnostic-code")[:300]
                )
            )
    if not recipients:
        return None
    return DeliveryReport(tuple(recipients), _quoted_message_id(msg), "rfc3464")


def mail_system_address(address: str) -> bool:
    """Whether an address is a mail system's own (MAILER-DAEMON, postmaster), not a person."""
    return bool(_MAILER.search(address or ""))


def looks_like_bounce(sender: str, return_path: str, subject: str) -> bool:
    """A message a mail system sent about a delivery: from MAILER-DAEMON or postmaster, or
    with an empty return path and a bounce's subject. (Auto-replies have an empty return
    path too, so that alone proves nothing.)"""
    if mail_system_address(sender):
        return True
    return return_path.strip() == "<>" and bool(_BOUNCE_SUBJECT.search(subject or ""))


def _non_standard(msg: Message, sender: str) -> DeliveryReport | None:
    if not looks_like_bounce(
        sender, str(msg.get("return-path") or ""), str(msg.get("subject") or "")
    ):
        return None

    # Its detectors log every step at INFO and raise on what they cannot read.
    logging.getLogger("flufl.bounce").setLevel(logging.WARNING)
    try:
        temporary, permanent = all_failures(msg)
    except Exception:  # noqa: BLE001  (an unreadable bounce is an unreadable message)
        return None
    recipients = [
        RecipientStatus(normalise_email(a.decode("utf-8", "replace")), "failed", "5.0.0", "")
        for a in sorted(permanent)
    ] + [
        RecipientStatus(normalise_email(a.decode("utf-8", "replace")), "delayed", "4.0.0", "")
        for a in sorted(temporary - permanent)
    ]
    recipients = [r for r in recipients if "@" in r.address]
    if not recipients:
        return None
    return DeliveryReport(tuple(recipients), _quoted_message_id(msg), "flufl.bounce")


def read_report(msg: Message, sender: str) -> DeliveryReport | None:
    """The delivery report this message is, or None when it is not one. `sender` is the
    normalised From address."""
    return _rfc3464(msg) or _non_standard(msg, sender)
