"""`followups sync`: every configured mailbox, every folder, what arrived since last time.

A mailbox that cannot be read (unreachable, a refused login, a folder that is gone) is an
error naming it in its own report; the other mailboxes are still read.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from imapclient.exceptions import IMAPClientAbortError, IMAPClientError
from sqlalchemy import Engine, select

from drafts.mailbox.folders import FolderCounts, FolderJob, sync_folder
from drafts.mailbox.imap import MailboxError, connect, reason
from drafts.mailbox.ingest import COUNT_KEYS, MailSource
from store import models
from store.config import Settings
from store.config_mailbox import MailboxSettings
from store.text import quoted


@dataclass
class MailboxReport:
    """What one mailbox's sync read, by the contract's counts (`sync --json`)."""

    name: str
    fetched: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    too_large: int = 0
    reread_folders: list[str] = field(default_factory=list)
    error: str | None = None

    def add(self, folder: str, found: FolderCounts) -> None:
        """Fold one folder's counts in."""
        self.fetched += found.fetched
        for key, value in found.counts.items():
            self.counts[key] = self.counts.get(key, 0) + value
        self.too_large += found.too_large
        if found.reread:
            self.reread_folders.append(folder)

    def fail(self, message: str) -> None:
        """Record a problem; several (one per folder) are kept on one line."""
        self.error = f"{self.error}; {message}" if self.error else message

    def as_json(self) -> dict[str, Any]:
        """The contract's object, with `too_large`, `reread_folders` and `error` beside it."""
        return {
            "name": self.name,
            "fetched": self.fetched,
            **{key: self.counts.get(key, 0) for key in COUNT_KEYS},
            "too_large": self.too_large,
            "reread_folders": self.reread_folders,
            "error": self.error,
        }


# Called with (mailbox name, messages just stored) as batches commit.
Progress = Callable[[str, int], None]


def mailboxes_to_sync(settings: Settings, only: str | None) -> list[MailboxSettings]:
    """The configured mailboxes, or the one `--mailbox` names (an error if none matches)."""
    if only is None:
        return list(settings.mailbox)
    chosen = [box for box in settings.mailbox if box.name == only]
    if not chosen:
        names = ", ".join(quoted(box.name) for box in settings.mailbox) or "none is configured"
        raise MailboxError(f"--mailbox: no [[mailbox]] named {quoted(only)} (known: {names})")
    return chosen


def unknown_recruiters(engine: Engine, boxes: list[MailboxSettings]) -> list[str]:
    """Warnings for mailboxes whose `recruiter` the store does not know (yet)."""
    named = {box.recruiter for box in boxes if box.recruiter}
    if not named:
        return []
    table = models.Recruiter.__table__
    with engine.connect() as conn:
        known = set(
            conn.execute(select(table.c.recruiter).where(table.c.recruiter.in_(named))).scalars()
        )
    return [
        f"mailbox {quoted(box.name)}: recruiter {quoted(box.recruiter)} is not in the store; "
        "its sent mail is stored under that name anyway"
        for box in boxes
        if box.recruiter and box.recruiter not in known
    ]


def sync_mailboxes(
    engine: Engine,
    settings: Settings,
    *,
    now: datetime,
    only: str | None = None,
    progress: Progress | None = None,
) -> list[MailboxReport]:
    """Read every chosen mailbox; one report each, errors included, none raised."""
    return [
        sync_mailbox(engine, settings, box, now=now, progress=progress)
        for box in mailboxes_to_sync(settings, only)
    ]


def sync_mailbox(
    engine: Engine,
    settings: Settings,
    box: MailboxSettings,
    *,
    now: datetime,
    progress: Progress | None = None,
) -> MailboxReport:
    """Read one mailbox's folders, then its sent folders. Errors end up in the report."""
    report = MailboxReport(box.name)
    folders = [(name, False) for name in box.folders]
    folders += [(name, True) for name in box.sent_folders]
    try:
        client = connect(box, settings)
    except MailboxError as exc:
        report.error = str(exc)
        return report
    try:
        if client.has_capability("CONDSTORE"):
            # HIGHESTMODSEQ then comes with SELECT: an unchanged folder needs no search.
            with contextlib.suppress(IMAPClientError):
                client.enable("CONDSTORE")
        for folder, sent in folders:
            job = FolderJob(
                MailSource(box.name, box.recruiter, folder, sent_folder=sent),
                since_days=box.since_days,
                max_bytes=box.max_message_bytes,
                # [send] list_unsubscribe (contract section 8): mail to it is an opt-out.
                list_unsubscribe=getattr(settings.send, "list_unsubscribe", None) or None,
            )
            step = (lambda n: progress(box.name, n)) if progress else None
            found = FolderCounts()  # filled batch by batch: what was committed is counted
            try:
                sync_folder(client, engine, job, now=now, progress=step, counts=found)
            except (IMAPClientAbortError, OSError) as exc:
                # The connection is gone: what was committed stays; the next sync resumes.
                report.add(folder, found)
                report.fail(f"mailbox {quoted(box.name)}: connection lost: {reason(exc)}")
                break
            except IMAPClientError as exc:  # this folder only (gone, not allowed, ...)
                report.add(folder, found)
                report.fail(f"mailbox {quoted(box.name)}: folder {quoted(folder)}: {reason(exc)}")
                continue
            report.add(folder, found)
    except (IMAPClientAbortError, OSError) as exc:
        report.fail(f"mailbox {quoted(box.name)}: connection lost: {reason(exc)}")
    finally:
        with contextlib.suppress(Exception):
            client.logout()
    return report
