"""`followups sync`: read the configured mailboxes (contract section 7).

One line per mailbox; a mailbox that cannot be read is an error line naming it, the others
are still read, and the exit code is then non-zero (cron mails the failure).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from tui.cli.common import (
    ConfigOption,
    DbOption,
    JsonOption,
    NowOption,
    err,
    open_context,
    out,
    parse_now,
    print_json,
)
from tui.cli.progress import progress_bars

if TYPE_CHECKING:
    from drafts.mailbox.sync import MailboxReport
    from store.config import Settings

SYNC_FAILED_EXIT = 1
ORDER = ("replies", "auto_replies", "opt_outs", "bounces", "outbound", "ignored")


def summary_line(report: MailboxReport) -> str:
    """`mara: 42 read: 3 replies, 1 auto_replies, ...` (only the counts that are not zero)."""
    parts = [f"{report.counts[key]} {key}" for key in ORDER if report.counts.get(key)]
    if report.too_large:
        parts.append(f"{report.too_large} too large (only their head read)")
    line = f"{report.name}: {report.fetched} read"
    if parts:
        line += ": " + ", ".join(parts)
    if report.reread_folders:
        line += f" (re-read {', '.join(report.reread_folders)}: its UIDVALIDITY changed)"
    return line


def run_sync(
    context_engine, settings: Settings, moment, *, only: str | None, json_: bool
) -> list[MailboxReport]:
    """Sync and print (lines, or nothing when the caller prints JSON). Used by `send` too."""
    from drafts.mailbox.sync import sync_mailboxes, unknown_recruiters

    for warning in unknown_recruiters(context_engine, list(settings.mailbox)):
        err.print(f"warning: {warning}")
    with progress_bars(enabled=None if not json_ else False) as bars:
        advance: dict[str, Callable[[int], None]] = {}

        def progress(name: str, stored: int) -> None:
            if bars is None:
                return
            if name not in advance:
                advance[name] = bars(f"sync {name}", None)  # total unknown: a pulsing bar
            advance[name](stored)

        reports = sync_mailboxes(context_engine, settings, now=moment, only=only, progress=progress)
    if not json_:
        for report in reports:
            if report.error:
                err.print(f"error: {report.error}")
            if report.fetched or not report.error:
                out.print(summary_line(report))
    return reports


def sync(
    ctx: typer.Context,
    mailbox: Annotated[
        str | None, typer.Option("--mailbox", help="Read only the [[mailbox]] with this name.")
    ] = None,
    now: NowOption = None,
    json_: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Read what arrived in the configured mailboxes: replies, auto-replies, bounces, opt-outs."""
    context = open_context(ctx, db, config)
    if not context.settings.mailbox:
        if json_:
            print_json({"mailboxes": []})
        else:
            out.print("no [[mailbox]] in the config: nothing to read (README: Mailbox sync)")
        return
    reports = run_sync(context.engine, context.settings, parse_now(now), only=mailbox, json_=json_)
    if json_:
        print_json({"mailboxes": [report.as_json() for report in reports]})
        for report in reports:
            if report.error:
                err.print(f"error: {report.error}")
    if any(report.error for report in reports):
        raise typer.Exit(SYNC_FAILED_EXIT)


def register(app: typer.Typer) -> None:
    """Attach `sync`."""
    app.command("sync")(sync)
