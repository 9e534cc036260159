"""Real mail for the mailbox tests: messages built with `email.message`, as bytes a server
would hand over, and a small team whose first email each test answers."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from sqlalchemy import Engine, select

from drafts.mailbox.ingest import MailSource, ingest_message
from store import models
from tests.drafts.builders import DAY, NOW, Team

INBOX = MailSource(mailbox="sam", recruiter="sam", folder="INBOX", sent_folder=False)
SENT = MailSource(mailbox="sam", recruiter="sam", folder="Sent", sent_folder=True)
SAM = "Sam Carter <sam@acme-robotics.com>"
ADA = "ada@example.com"
ADA_WORK = "Ada.Park@Northwind.example"
INITIAL_ID = "initial-1@acme-robotics.com"
INITIAL_AT = NOW - 10 * DAY


def team() -> Team:
    """Sam, role r-1; Ada (two addresses) and Ben, each sent one email 10 days ago."""
    t = Team().recruiter("sam", name="Sam Carter").role("r-1")
    t.files["recruiters.csv"][0]["email"] = "sam@acme-robotics.com"
    t.candidate(
        "c-ada", full_name="Ada Park", email=ADA, other_emails=f"{ADA_WORK}; ada@home.example"
    )
    t.candidate("c-ben", full_name="Ben Ode", email="ben@example.org")
    t.touch("c-ada", INITIAL_AT, channel="email", touchpoint_id="tp-ada")
    t.touch("c-ben", INITIAL_AT, channel="email", touchpoint_id="tp-ben")
    return t


def load(engine: Engine, folder: Path) -> None:
    """Import the team, and give Ada's first email the Message-ID it went out with."""
    team().load(engine, folder)
    tp = models.Touchpoint.__table__
    with engine.begin() as conn:
        conn.execute(
            tp.update().where(tp.c.touchpoint_id == "tp-ada").values(message_id=INITIAL_ID)
        )


def message(
    body: str | None = "Thanks, happy to chat next week.",
    *,
    sender: str = f"Ada Park <{ADA}>",
    to: str = SAM,
    subject: str = "Re: About r-1",
    at: datetime = NOW - 2 * DAY,
    message_id: str | None = "reply-1@example.com",
    in_reply_to: str | None = None,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    charset: str = "utf-8",
) -> bytes:
    """A message as a mail client writes it."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(at.replace(tzinfo=UTC))
    if message_id:
        msg["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        msg["In-Reply-To"] = f"<{in_reply_to}>"
        msg["References"] = f"<{in_reply_to}>"
    for name, value in (headers or {}).items():
        msg[name] = value
    if body is not None:
        msg.set_content(body, charset=charset)
    if html is not None:
        if body is None:
            msg.set_content(html, subtype="html")
        else:
            msg.add_alternative(html, subtype="html")
    return bytes(msg)


def ingest(engine: Engine, raw: bytes, source: MailSource = INBOX, **kw) -> str:
    """Ingest one message in its own transaction, as a sync batch of one."""
    with engine.begin() as conn:
        return ingest_message(conn, raw, source, now=NOW, **kw)


def mail_touchpoints(engine: Engine) -> list[dict]:
    """Every touchpoint that came from a mailbox, oldest first."""
    tp = models.Touchpoint.__table__
    with engine.connect() as conn:
        rows = conn.execute(
            select(tp).where(tp.c.source == "mailbox").order_by(tp.c.occurred_at)
        ).all()
    return [dict(r._mapping) for r in rows]


def delivery_report(
    recipient: str = ADA,
    *,
    action: str = "failed",
    status: str = "5.1.1",
    quoted_id: str | None = INITIAL_ID,
    at: datetime = NOW - 9 * DAY,
    message_id: str = "dsn-1@mx.example.com",
) -> bytes:
    """An RFC 3464 delivery status notification, as Postfix writes one (written as text:
    email.message has no API for a message/delivery-status part)."""
    quoted = (
        f"--B\nContent-Type: text/rfc822-headers\n\nFrom: {SAM}\nTo: {recipient}\n"
        f"Subject: About r-1\nMessage-ID: <{quoted_id}>\n\n"
        if quoted_id
        else ""
    )
    return (
        "From: MAILER-DAEMON@mx.example.com (Mail Delivery System)\n"
        f"To: {SAM}\nSubject: Undelivered Mail Returned to Sender\n"
        f"Date: {format_datetime(at.replace(tzinfo=UTC))}\nMessage-ID: <{message_id}>\n"
        "Auto-Submitted: auto-replied\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type="delivery-status"; boundary="B"\n\n'
        "--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n"
        "--B\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.example.com\n\n"
        f"Final-Recipient: rfc822; {recipient}\nAction: {action}\nStatus: {status}\n"
        f"Diagnostic-Code: smtp; 550 {status} <{recipient}>: Recipient address rejected\n\n"
        f"{quoted}--B--\n"
    ).encode()
