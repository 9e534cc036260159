"""Mail as it arrives at a mailbox: real RFC 5322 bytes built with the standard library."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid


def reply(
    sender: str,
    *,
    at: datetime,
    subject: str = "Re: About r-1",
    body: str = "Thanks, I'm happy where I am for now.",
    to: str = "sam@acme-robotics.com",
    message_id: str | None = None,
    size: int = 0,
) -> bytes:
    """A plain reply from `sender`; `size` pads it with an attachment to about that many bytes."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(at.replace(tzinfo=UTC))
    message["Message-ID"] = message_id or make_msgid(domain="mail.example.test")
    message.set_content(body)
    if size:
        message.add_attachment(
            b"\0" * size, maintype="application", subtype="octet-stream", filename="cv.bin"
        )
    return bytes(message)
