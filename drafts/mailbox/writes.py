"""The store writes a message from a mailbox makes: a touchpoint, a bounce, an opt-out."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import update
from sqlalchemy.engine import Connection

from drafts.mailbox import matching
from drafts.mailbox.lookup import StoreLookup
from drafts.mailbox.reading import MailFacts
from drafts.mailbox.reports import RecipientStatus
from store import models
from store.addresses import candidates_at
from store.mailbox import block_address
from store.suppressions import add_entry

if TYPE_CHECKING:  # ingest imports this module; the type is only named here
    from drafts.mailbox.ingest import MailSource

TOUCHPOINT = models.Touchpoint.__table__


def mail_touchpoint_id(message_id: str, candidate_id: str) -> str:
    """A stable touchpoint id for one message and one candidate: re-reading writes nothing."""
    digest = hashlib.sha256(f"{message_id}\x1f{candidate_id}".encode()).hexdigest()[:32]
    return f"mail-{digest}"


def store_touchpoint(
    lookup: StoreLookup,
    facts: MailFacts,
    source: MailSource,
    candidate_id: str,
    *,
    direction: str,
    recruiter: str | None,
    earlier: dict[str, Any] | None,
    now: datetime,
    automatic: bool = False,
    returns_at: datetime | None = None,
) -> None:
    """One email touchpoint of a candidate, saying where it came from."""
    row = {
        "touchpoint_id": mail_touchpoint_id(facts.message_id, candidate_id),
        "candidate_id": candidate_id,
        # Answering a message of a thread: the answer belongs to that role.
        "role_id": (earlier or {}).get("role_id"),
        "recruiter": recruiter if lookup.recruiter_exists(recruiter) else None,
    }
    lookup.conn.execute(
        _insert_once(lookup.conn),
        row
        | {
            "channel": "email",
            "direction": direction,
            "occurred_at": facts.sent_at or now,
            "delivery": "delivered" if direction == "outbound" else None,
            "subject": facts.subject or None,
            "body": facts.body or None,
            "draft_id": None,
            "source": "mailbox",
            "mailbox": source.mailbox,
            "folder": source.folder,
            "message_id": facts.message_id,
            "automatic": automatic,
            "returns_at": returns_at,
        },
    )
    lookup.remember(row | {"message_id": facts.message_id})


# Built once per database kind: a sync writes thousands of these.
_INSERTS: dict[str, Any] = {}


def _insert_once(conn: Connection):
    """INSERT … ON CONFLICT (touchpoint_id) DO NOTHING, for this connection's database."""
    name = conn.dialect.name
    if name not in _INSERTS:
        if name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        _INSERTS[name] = insert(TOUCHPOINT).on_conflict_do_nothing(index_elements=["touchpoint_id"])
    return _INSERTS[name]


def record_bounce(
    conn: Connection,
    facts: MailFacts,
    recipient: RecipientStatus,
    source: MailSource,
    now: datetime,
) -> bool:
    """A hard bounce for a candidate's address: the reported outbound message is `bounced`
    and the address is blocked, the report as evidence. False: not a candidate's address."""
    people = sorted({c for ids in candidates_at(conn, [recipient.address]).values() for c in ids})
    if not people:
        return False
    reported = facts.report.original_message_id if facts.report else None
    touchpoint_id = None
    if reported:
        touchpoint_id = matching.touchpoint_with_message_id(conn, reported, people)
    if touchpoint_id is None:
        # Touchpoints do not say which address they went to; email goes to a candidate's
        # main address, so only a bounce of that address names their latest email.
        main = matching.main_address_of(conn, people, recipient.address)
        if main:
            touchpoint_id = matching.latest_outbound_email(conn, main, facts.sent_at or now)
    if touchpoint_id is not None:
        conn.execute(
            update(TOUCHPOINT)
            .where(TOUCHPOINT.c.touchpoint_id == touchpoint_id)
            .values(delivery="bounced")
        )
    evidence = {
        "report_message_id": facts.message_id,
        "mailbox": source.mailbox,
        "folder": source.folder,
        "received_at": (facts.sent_at or now).isoformat(),
        "action": recipient.action,
        "status": recipient.status,
        "diagnostic": recipient.diagnostic or None,
        "reported_message_id": reported,
        "format": facts.report.format if facts.report else None,
    }
    block_address(
        conn,
        recipient.address,
        at=facts.sent_at or now,
        source="report",
        reason=f"delivery report {recipient.status} ({recipient.action})"
        + (f": {recipient.diagnostic}" if recipient.diagnostic else ""),
        touchpoint_id=touchpoint_id,
        evidence=evidence,
    )
    return True


def record_unsubscribe(
    conn: Connection,
    facts: MailFacts,
    source: MailSource,
    candidate_id: str,
    address: str,
    now: datetime,
) -> None:
    """Wrote to the list-unsubscribe address: on the do-not-contact list from now on."""
    add_entry(
        conn,
        candidate_id=candidate_id,
        reason=f"wrote to {address} (Message-ID {facts.message_id}, "
        f"mailbox {source.mailbox}, folder {source.folder})",
        source="reply",
        by=f"mailbox {source.mailbox}",
        at=now,
    )
