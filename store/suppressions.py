"""The do-not-contact list's keys and the one write the sender makes to it."""

from __future__ import annotations

import hashlib

from sqlalchemy.engine import Connection

from store import models
from store.text import normalise_email
from store.upsert import upsert


def suppression_key(candidate_id: str | None, email: str | None, linkedin_url: str | None) -> str:
    """The stable key of a suppression entry, from its identifiers as stored (normalised).

    The same entry imported twice, or bounced twice, keeps its key: nothing is added again.
    """
    identity = "\x1f".join(value or "" for value in (candidate_id, email, linkedin_url))
    return hashlib.sha256(identity.encode()).hexdigest()


def suppress_address(conn: Connection, email: str, reason: str) -> None:
    """Add a hard-bounced address to the suppression list (source "bounce")."""
    address = normalise_email(email)
    upsert(
        conn,
        models.Suppression,
        [
            {
                "key": suppression_key(None, address, None),
                "email": address,
                "reason": reason,
                "source": "bounce",
            }
        ],
        ["key"],
        update_columns=[],
    )
