"""What a message read from a mailbox becomes in the store (contract section 7).

`ingest_message` is the one entry point the sync calls, once per message, inside the
sync's transaction (it commits a batch with the folder's last UID). It never raises on
what a message holds: unreadable mail is counted `ignored`. Database errors do raise:
the batch is then rolled back and read again next time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.engine import Connection

from drafts.mailbox import matching, writes
from drafts.mailbox.lookup import StoreLookup
from drafts.mailbox.reading import MailFacts, MailHead, Unreadable, read_head, read_message
from drafts.mailbox.text import without_our_lines
from drafts.rules.detect import find_opt_out, is_auto_reply, return_date

COUNT_KEYS = ("bounces", "opt_outs", "auto_replies", "replies", "outbound", "ignored")
# A message this large is an attachment, not an answer; the sync should skip it before
# fetching, and this bound holds should one get here.
MAX_MESSAGE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class MailSource:
    """Where a message was read: which mailbox (and whose it is), which folder."""

    mailbox: str
    recruiter: str | None
    folder: str
    sent_folder: bool


def ingest_message(
    conn: Connection,
    raw: bytes,
    source: MailSource,
    *,
    now: datetime,
    list_unsubscribe: str | None = None,
) -> str:
    """Store what one raw message means, and say how it counts (one of COUNT_KEYS).

    Idempotent: a message already stored (its Message-ID, or the synthetic id of one with
    none) is not stored again and counts `ignored`, as does a message followups sent.
    """
    return ingest_batch(conn, [raw], source, now=now, list_unsubscribe=list_unsubscribe)[0]


def ingest_batch(
    conn: Connection,
    raws: Sequence[bytes | None],
    source: MailSource,
    *,
    now: datetime,
    list_unsubscribe: str | None = None,
) -> list[str]:
    """`ingest_message` for each of a batch of messages (None: a message that could not be
    fetched, counted `ignored`), in order, asking the store a few queries per batch rather
    than several per message. The caller owns the transaction."""
    heads: list[MailHead | None] = []
    for raw in raws:
        try:
            too_large = raw is None or len(raw) > MAX_MESSAGE_BYTES
            # Headers first: most of a mailbox is nobody we know; their bodies are not read.
            heads.append(None if too_large else read_head(raw, sent_folder=source.sent_folder))
        except Unreadable:
            heads.append(None)
    lookup = StoreLookup(conn)
    lookup.prefetch(h for h in heads if h is not None)
    return [
        _one(lookup, raw, head, source, now, list_unsubscribe) if head is not None else "ignored"
        for raw, head in zip(raws, heads, strict=True)
    ]


def _one(
    lookup: StoreLookup,
    raw: bytes,
    head: MailHead,
    source: MailSource,
    now: datetime,
    list_unsubscribe: str | None,
) -> str:
    try:
        if source.sent_folder:
            return _outbound(lookup, raw, head, source, now)
        if head.maybe_report:
            return _report(lookup.conn, read_message(raw), source, now)
        return _inbound(lookup, raw, head, source, now, list_unsubscribe)
    except Unreadable:
        return "ignored"


def _report(conn: Connection, facts: MailFacts, source: MailSource, now: datetime) -> str:
    if facts.report is None:
        return "ignored"
    bounced = False
    for recipient in facts.report.hard_bounces:
        if writes.record_bounce(conn, facts, recipient, source, now):
            bounced = True
    return "bounces" if bounced else "ignored"


def _outbound(
    lookup: StoreLookup, raw: bytes, head: MailHead, source: MailSource, now: datetime
) -> str:
    # Cheapest test first: most sent mail is to people who are not candidates.
    if not lookup.candidates_for(head.recipient_tokens) or lookup.already_known(head.message_id):
        return "ignored"
    facts = read_message(raw, sent_folder=True)
    people = lookup.candidates_for(facts.recipients)
    if not people:
        return "ignored"
    earlier = lookup.referenced(facts.refers_to)
    for candidate_id in people:
        writes.store_touchpoint(
            lookup,
            facts,
            source,
            candidate_id,
            direction="outbound",
            recruiter=source.recruiter,
            earlier=earlier.get(candidate_id),
            now=now,
        )
    return "outbound"


def _inbound(
    lookup: StoreLookup,
    raw: bytes,
    head: MailHead,
    source: MailSource,
    now: datetime,
    list_unsubscribe: str | None,
) -> str:
    # Cheapest test first: most mail is from nobody we know and answers nothing of ours.
    known_sender = lookup.candidates_for(head.sender_tokens)
    earlier = lookup.referenced(head.refers_to)
    if not (known_sender or earlier) or lookup.already_known(head.message_id):
        return "ignored"
    facts = read_message(raw)
    people = lookup.candidates_for([facts.sender]) or sorted(earlier)
    if not people or lookup.from_us(facts.sender):
        return "ignored"
    conn = lookup.conn
    # What we wrote, pasted back without a quote marker a client we know would add, is
    # still ours: our own opt-out line is never the candidate asking us to stop.
    ours = lookup.our_lines(people, [t["touchpoint_id"] for t in earlier.values()])
    facts = replace(facts, body=without_our_lines(facts.body, ours))
    opt_out = find_opt_out(facts.subject) or find_opt_out(facts.body)
    unsubscribe = matching.to_unsubscribe_address(facts.recipients, list_unsubscribe)
    automatic = bool(facts.automatic_header) or is_auto_reply(facts.subject, facts.body)
    sent_at = facts.sent_at or now
    back = return_date(f"{facts.subject}\n{facts.body}", sent_at) if automatic else None
    for candidate_id in people:
        earlier_tp = earlier.get(candidate_id)
        writes.store_touchpoint(
            lookup,
            facts,
            source,
            candidate_id,
            direction="inbound",
            recruiter=(earlier_tp or {}).get("recruiter") or source.recruiter,
            earlier=earlier_tp,
            now=now,
            automatic=automatic,
            returns_at=datetime(back.year, back.month, back.day) if back else None,
        )
        if unsubscribe and not opt_out:
            writes.record_unsubscribe(conn, facts, source, candidate_id, unsubscribe, now)
    if opt_out or unsubscribe:
        return "opt_outs"
    return "auto_replies" if automatic else "replies"
