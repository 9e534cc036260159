"""What ingesting a batch of messages asks the store, asked once for the whole batch.

A sync reads messages in batches of a few hundred. Asked message by message, "is this
address a candidate's?", "is this Message-ID stored?" and "which message does this one
answer?" cost several queries each; here they are a few queries per batch, kept current
with what the batch itself writes (two copies of one message in a batch are still stored
once; a reply to a message stored earlier in the batch still finds it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from drafts.mailbox import matching
from drafts.mailbox.reading import MailHead
from drafts.mailbox.reports import mail_system_address
from store import models
from store.addresses import candidates_at
from store.text import normalise_email

RECRUITER = models.Recruiter.__table__
_RECRUITERS = select(RECRUITER.c.recruiter, RECRUITER.c.email)


class StoreLookup:
    """The store's answers for one batch (one transaction) of messages."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self._candidates: dict[str, list[str]] = {}
        self._messages: dict[str, list[dict[str, Any]]] = {}
        self._asked_ids: set[str] = set()
        self._recruiters: dict[str, str | None] | None = None
        self._bodies: dict[str, dict[str, str]] = {}

    def prefetch(self, heads: Iterable[MailHead]) -> None:
        """Ask once for every address, Message-ID and reference these messages name."""
        heads = list(heads)
        self._load_addresses(a for h in heads for a in (*h.sender_tokens, *h.recipient_tokens))
        self._load_messages(
            m for h in heads for m in (h.message_id, *h.refers_to[: matching.MAX_REFS])
        )

    def _load_addresses(self, addresses: Iterable[str]) -> None:
        wanted = {a for a in addresses if a and a not in self._candidates}
        if not wanted:
            return
        found = candidates_at(self.conn, wanted)
        for address in wanted:
            self._candidates[address] = found.get(address, [])

    def _load_messages(self, ids: Iterable[str]) -> None:
        wanted = sorted({m for m in ids if m and m not in self._asked_ids})
        if not wanted:
            return
        self._asked_ids.update(wanted)
        # Drafts followups sent are among them: their copies are not stored twice.
        for message_id, rows in matching.messages_by_id(self.conn, wanted).items():
            self._messages.setdefault(message_id, []).extend(rows)

    def candidates_for(self, addresses: Iterable[str]) -> list[str]:
        """The candidates any of these (normalised) addresses belongs to, in id order."""
        addresses = [a for a in addresses if a]
        self._load_addresses(addresses)
        return sorted({c for a in addresses for c in self._candidates.get(a, ())})

    def already_known(self, message_id: str) -> bool:
        """Whether this message is stored already, or is one followups sent itself."""
        self._load_messages([message_id])
        return bool(self._messages.get(message_id))

    def referenced(self, refs: tuple[str, ...]) -> dict[str, dict[str, Any]]:
        """For each candidate, the newest stored message among those this one answers."""
        refs = refs[: matching.MAX_REFS]
        self._load_messages(refs)
        return matching.newest_per_candidate(refs, self._messages)

    def remember(self, row: dict[str, Any]) -> None:
        """A touchpoint this batch stored (message_id, touchpoint_id, candidate_id, …)."""
        self._messages.setdefault(row["message_id"], []).append(row)

    def our_lines(self, candidate_ids: list[str], touchpoint_ids: list[str]) -> set[str]:
        """The lines of what we wrote to these candidates lately and of the messages this
        one answers (see matching.lines_of): text found there is ours, not theirs."""
        missing = [c for c in candidate_ids if c not in self._bodies]
        if missing:
            # Asked for the first matched message: every candidate this batch has met.
            met = {c for ids in self._candidates.values() for c in ids}
            met |= {r["candidate_id"] for rows in self._messages.values() for r in rows}
            self._bodies.update(
                matching.recent_outbound_bodies(self.conn, met - self._bodies.keys() | set(missing))
            )
        known = {t: b for c in candidate_ids for t, b in self._bodies.get(c, {}).items()}
        others = [t for t in touchpoint_ids if t not in known]
        bodies = [*known.values(), *matching.bodies_of(self.conn, others).values()]
        return matching.lines_of(bodies)

    def _team(self) -> dict[str, str | None]:
        if self._recruiters is None:
            self._recruiters = {
                handle: normalise_email(email) or None
                for handle, email in self.conn.execute(_RECRUITERS)
            }
        return self._recruiters

    def recruiter_exists(self, handle: str | None) -> bool:
        """Whether the store knows this recruiter (a touchpoint may only name known ones)."""
        return bool(handle) and handle in self._team()

    def from_us(self, sender: str) -> bool:
        """Mail from a recruiter of the team, or from a mail system, is nobody's answer."""
        if not sender or mail_system_address(sender):
            return True
        return sender in set(self._team().values())
