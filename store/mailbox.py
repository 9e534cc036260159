"""How far each mailbox folder has been read, and the addresses mail can no longer reach.

The sync commits a batch of messages together with the folder's new last UID: a sync that
is killed half-way re-reads from the last UID it committed, and the Message-IDs on the
touchpoints keep the re-read from storing anything twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection, Row

from store import models
from store.text import normalise_email
from store.upsert import upsert

FOLDER = models.MailboxFolder.__table__
BOUNCED = models.BouncedAddress.__table__


def folder_state(conn: Connection, mailbox: str, folder: str) -> Row | None:
    """The folder's stored state (uidvalidity, last_uid, highest_modseq, synced_at), or None
    when it has never been read."""
    return conn.execute(
        select(FOLDER).where(FOLDER.c.mailbox == mailbox, FOLDER.c.folder == folder)
    ).first()


def save_folder_state(
    conn: Connection,
    mailbox: str,
    folder: str,
    *,
    uidvalidity: int,
    last_uid: int,
    highest_modseq: int | None,
    synced_at: datetime,
) -> None:
    """Record how far the folder has been read (in the caller's transaction)."""
    upsert(
        conn,
        models.MailboxFolder,
        [
            {
                "mailbox": mailbox,
                "folder": folder,
                "uidvalidity": uidvalidity,
                "last_uid": last_uid,
                "highest_modseq": highest_modseq,
                "synced_at": synced_at,
            }
        ],
        ["mailbox", "folder"],
        update_columns=["uidvalidity", "last_uid", "highest_modseq", "synced_at"],
    )


def block_address(
    conn: Connection,
    address: str,
    *,
    at: datetime,
    source: str,
    reason: str,
    touchpoint_id: str | None = None,
    evidence: dict[str, Any] | None = None,
) -> bool:
    """Record that mail to `address` bounced for good. The first report is kept as the
    evidence (a later one for the same address changes nothing). True when it is new."""
    normalised = normalise_email(address)
    if not normalised:
        return False
    known = conn.execute(select(BOUNCED.c.address).where(BOUNCED.c.address == normalised)).first()
    upsert(
        conn,
        models.BouncedAddress,
        [
            {
                "address": normalised,
                "bounced_at": at,
                "source": source,
                "touchpoint_id": touchpoint_id,
                "reason": reason,
                "evidence": evidence or {},
            }
        ],
        ["address"],
        update_columns=[],
    )
    return known is None


def bounced_addresses(conn: Connection) -> dict[str, models.BouncedAddress]:
    """Every bounced address, normalised, with its evidence (the rules' snapshot reads it)."""
    return {
        row.address: models.BouncedAddress(**row._mapping) for row in conn.execute(select(BOUNCED))
    }
