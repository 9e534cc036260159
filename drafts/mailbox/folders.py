"""Reading one folder incrementally: UIDVALIDITY, the last UID stored, and batches that commit.

Each batch of messages is stored in ONE transaction together with the folder's new last
UID, so a sync killed at any moment has either stored a batch and moved past it, or done
neither: run again, it re-reads from the last committed UID and nothing is lost or stored
twice. A changed UIDVALIDITY (the folder was recreated) re-reads the folder; ingest knows
each message by its Message-ID, so nothing is duplicated.

Messages are fetched with BODY.PEEK[]: reading never marks anything as read in the
recruiter's mail client. The larger messages are found first (SEARCH LARGER, then their
RFC822.SIZE): of a message over the size bound only the first HEAD_BYTES are read (headers
and the text above an attachment), so a candidate's reply with a 20 MB CV attached still
counts as a reply, and the attachment is never downloaded. Such messages are counted `too_large`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from imapclient import IMAPClient
from sqlalchemy import Engine

from drafts.mailbox.ingest import COUNT_KEYS, MailSource, ingest_batch
from store.locks import serialise
from store.mailbox import folder_state, save_folder_state

# Messages per transaction; the env var lets the kill -9 test interrupt a sync mid-way.
BATCH_ENV = "FOLLOWUPS_SYNC_BATCH"
DEFAULT_BATCH = 200
# A batch is also cut at this many bytes, so memory stays bounded whatever the mix.
BATCH_BYTES = 32 * 1024 * 1024
# UIDs per FETCH of sizes: keeps one command line well under servers' limits.
SIZE_CHUNK = 2000
# What is read of a message over the size bound: its headers and the first text part.
HEAD_BYTES = 64 * 1024


def batch_size() -> int:
    """Messages stored per transaction ($FOLLOWUPS_SYNC_BATCH, else 200)."""
    try:
        return max(1, int(os.environ.get(BATCH_ENV, DEFAULT_BATCH)))
    except ValueError:
        return DEFAULT_BATCH


@dataclass
class FolderCounts:
    """What one sync read in one folder: the contract's counts, plus what was read in part."""

    fetched: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    too_large: int = 0  # over the size bound: only their first HEAD_BYTES were read
    reread: bool = False  # UIDVALIDITY changed: the folder was read again from the start

    def add(self, key: str) -> None:
        """Count one message read under `key`."""
        self.fetched += 1
        self.counts[key] = self.counts.get(key, 0) + 1


@dataclass(frozen=True)
class FolderJob:
    """One folder to read, and how ingest should see its messages."""

    source: MailSource
    since_days: int
    max_bytes: int
    list_unsubscribe: str | None


Progress = Callable[[int], None]


def sync_folder(
    client: IMAPClient,
    engine: Engine,
    job: FolderJob,
    *,
    now: datetime,
    progress: Progress | None = None,
    counts: FolderCounts | None = None,
) -> FolderCounts:
    """Read what is new in one folder and store it, batch by batch. `counts` (new when not
    given) grows as batches commit, so a caller still has them when the connection drops."""
    mailbox, folder = job.source.mailbox, job.source.folder
    counts = counts if counts is not None else FolderCounts()
    selected = client.select_folder(folder, readonly=True)
    uidvalidity = int(selected[b"UIDVALIDITY"])
    uidnext = int(selected.get(b"UIDNEXT", 0)) or None
    modseq = selected.get(b"HIGHESTMODSEQ")
    modseq = int(modseq) if modseq is not None else None
    with engine.connect() as conn:
        state = folder_state(conn, mailbox, folder)
    last_uid = 0
    if state is not None and state.uidvalidity == uidvalidity:
        last_uid = state.last_uid
        if _nothing_new(state, uidnext, modseq):
            return counts
    elif state is not None:
        counts.reread = True
    # Every read keeps to the since_days window, so a sync resumed after a kill reads what
    # the interrupted one would have, and no older mail.
    since = (now - timedelta(days=job.since_days)).date()
    criteria: list = ["SINCE", since]
    if last_uid:
        criteria = ["UID", f"{last_uid + 1}:*", *criteria]
    # `UID n:*` always answers with the folder's last message, even when its UID is below n.
    uids = sorted(uid for uid in client.search(criteria) if uid > last_uid)
    # Sizes of the larger messages only: the rest are at most `small` bytes each.
    small = min(HEAD_BYTES, job.max_bytes)
    sizes = uid_sizes(client, criteria, last_uid, larger_than=small)
    for batch, heads, batch_last in _batches(uids, sizes, job.max_bytes, small):
        raws = _bodies(client, batch, heads)
        counts.too_large += len(heads)
        with engine.begin() as conn:
            _take_turns(conn, mailbox, folder)
            keys = ingest_batch(
                conn,
                # None: expunged between SEARCH and FETCH (counted ignored).
                [raws.get(uid) for uid in batch],
                job.source,
                now=now,
                list_unsubscribe=job.list_unsubscribe,
            )
            _save(conn, job, uidvalidity, batch_last, None, now)
        for key in keys:
            counts.add(key)
        last_uid = max(last_uid, batch_last)
        if progress:
            progress(len(batch))
    # Done: everything below UIDNEXT (as the server said at SELECT) has been considered.
    final_uid = max(last_uid, (uidnext or 1) - 1)
    with engine.begin() as conn:
        _take_turns(conn, mailbox, folder)
        _save(conn, job, uidvalidity, final_uid, modseq, now)
    return counts


def _take_turns(conn, mailbox: str, folder: str) -> None:
    """Two syncs of one folder at once (cron's, and the one `send` starts) store a batch
    one after the other, so the second sees the first's messages and skips them.
    (PostgreSQL; SQLite's writers take turns anyway.)"""
    serialise(conn, f"mailbox-folder:{mailbox}\n{folder}")


def _save(conn, job: FolderJob, uidvalidity: int, last_uid: int, modseq, now: datetime) -> None:
    """Record how far the folder is read; never back, should another sync have got further.

    highest_modseq is saved only when the folder is finished: with it, the next sync may
    skip the search altogether.
    """
    mailbox, folder = job.source.mailbox, job.source.folder
    current = folder_state(conn, mailbox, folder)
    if current is not None and current.uidvalidity == uidvalidity:
        last_uid = max(last_uid, current.last_uid)
    save_folder_state(
        conn,
        mailbox,
        folder,
        uidvalidity=uidvalidity,
        last_uid=last_uid,
        highest_modseq=modseq,
        synced_at=now,
    )


def _nothing_new(state, uidnext: int | None, modseq: int | None) -> bool:
    """CONDSTORE's HIGHESTMODSEQ unchanged, or UIDNEXT not past the last UID: no search."""
    if modseq is not None and state.highest_modseq == modseq:
        return True
    return uidnext is not None and uidnext <= state.last_uid + 1


def uid_sizes(
    client: IMAPClient, criteria: list, last_uid: int, *, larger_than: int
) -> dict[int, int]:
    """RFC822.SIZE of the messages over `larger_than` bytes; a message not named is smaller.

    Most mail is a few kilobytes: one SEARCH ... LARGER finds the few that are not, and
    only their sizes are fetched (in chunks), not one size per message.
    """
    large = sorted(u for u in client.search([*criteria, "LARGER", larger_than]) if u > last_uid)
    sizes: dict[int, int] = {}
    for start in range(0, len(large), SIZE_CHUNK):
        chunk = large[start : start + SIZE_CHUNK]
        for uid, data in client.fetch(chunk, ["RFC822.SIZE"]).items():
            sizes[uid] = int(data.get(b"RFC822.SIZE", 0))
    return sizes


def _batches(
    uids: list[int], sizes: dict[int, int], max_bytes: int, small: int
) -> Iterator[tuple[list[int], set[int], int]]:
    """(UIDs to read, those of them read only in part, the highest UID the batch settles).

    A batch ends after `batch_size()` messages or BATCH_BYTES. A message over `max_bytes`
    weighs HEAD_BYTES, the part of it that is read; one not in `sizes` at most `small`.
    """
    limit = batch_size()
    batch: list[int] = []
    heads: set[int] = set()
    total = 0
    for uid in uids:
        size = sizes.get(uid, small)
        weight = min(size, HEAD_BYTES) if size > max_bytes else size
        if batch and (len(batch) >= limit or total + weight > BATCH_BYTES):
            yield batch, heads, batch[-1]
            batch, heads, total = [], set(), 0
        batch.append(uid)
        if size > max_bytes:
            heads.add(uid)
        total += weight
    if batch:
        yield batch, heads, batch[-1]


def _bodies(client: IMAPClient, uids: list[int], heads: set[int]) -> dict[int, bytes]:
    """The raw messages, read with BODY.PEEK[] so none is marked as read; of those in
    `heads`, only the first HEAD_BYTES."""
    found: dict[int, bytes] = {}
    whole = [uid for uid in uids if uid not in heads]
    if whole:
        for uid, data in client.fetch(whole, ["BODY.PEEK[]"]).items():
            if b"BODY[]" in data:
                found[uid] = data[b"BODY[]"]
    if heads:
        part = f"BODY.PEEK[]<0.{HEAD_BYTES}>"
        for uid, data in client.fetch(sorted(heads), [part]).items():
            raw = data.get(b"BODY[]<0>")
            if raw is not None:
                found[uid] = raw
    return found
