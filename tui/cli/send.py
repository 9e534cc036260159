"""`followups send`: deliver approved drafts, rechecking every rule first (issue 5).

Nothing is sent unless asked twice (awdeorio/mailmerge's habit): with no transport in the
config every run is a dry run; with one, `send` first prints what it would do and asks on
a terminal. Cron passes `--yes`; without a terminal and without `--yes` nothing goes.
"""

from __future__ import annotations

import sys
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
    reviewer_name,
)
from tui.cli.progress import progress_bars
from tui.cli.sync import run_sync

if TYPE_CHECKING:
    from drafts.sending.sender import SendReport

LABELS = {
    "would_send": "would send",
    "sent": "sent",
    "cancelled": "cancelled (a rule blocks it now)",
    "held": "held (still approved; goes later)",
    "retry": "retry later (temporary failure)",
    "failed": "failed",
    "unknown": "unknown (may have gone; a person must check)",
    "released": "given back (a stopped sender never attempted it)",
    "lost": "taken over elsewhere",
}
NOT_CONFIRMED_EXIT = 1
AUTOMATION_OFF_EXIT = 3
VOLUME_ALARM_EXIT = 4
MAILBOX_UNREAD_EXIT = 5


def _line(item: dict) -> str:
    parts = [f"#{item['id']}", item["candidate_id"], item["channel"], item["recruiter"] or "-"]
    if item.get("codes"):
        parts.append(",".join(item["codes"]))
    text = "  " + " ".join(str(p) for p in parts) + f": {item['detail']}"
    if item.get("not_before"):
        text += f" (may go from {item['not_before']})"
    if item["outcome"] == "unknown" and item.get("message_id"):
        text += f" [Message-ID {item['message_id']}]"
    return text


def print_report(report: SendReport, *, detail_limit: int = 20) -> None:
    """A person's summary: counts per outcome, and why for everything not sent."""
    if not report.automation_on:
        out.print("automation is off: nothing was sent (`followups automation on` to resume)")
        return
    for item in report.swept:
        out.print(f"settled a stopped sender's draft: {_line(item).strip()}")
    counts = report.counts()
    if not counts:
        out.print("nothing is due to send")
    for outcome, label in LABELS.items():
        if not counts.get(outcome):
            continue
        out.print(f"{label}: {counts[outcome]}")
        if outcome in ("sent", "would_send"):
            by_channel: dict[str, int] = {}
            for item in report.items:
                if item["outcome"] == outcome:
                    by_channel[item["channel"]] = by_channel.get(item["channel"], 0) + 1
            for channel, count in sorted(by_channel.items()):
                how = (
                    report.destinations.get(channel)
                    or report.transports.get(channel)
                    or "no transport: dry run"
                )
                out.print(f"  {channel}: {count} via {how}")
            continue
        shown = [i for i in report.items if i["outcome"] == outcome]
        for item in shown[:detail_limit]:
            out.print(_line(item))
        if len(shown) > detail_limit:
            out.print(f"  ... and {len(shown) - detail_limit} more (--json lists all)")
    if report.in_doubt:
        out.print(
            f"{len(report.in_doubt)} draft(s) are unknown: look each up by Message-ID at the "
            "relay or in the outbox, then `followups send --reconcile ID sent|failed`"
        )
        for item in report.in_doubt[:detail_limit]:
            out.print(_line(item))


def _confirmed(count: int, yes: bool) -> bool:
    if yes:
        return True
    if not sys.stdin.isatty():
        return False
    err.print(f"Send {count} message(s) now? [y/N] ", end="")
    try:
        answer = input()
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def send(
    ctx: typer.Context,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Recheck and print, send nothing (the default until "
            "the config names a transport).",
        ),
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", help="Do not ask for confirmation (for cron).")
    ] = False,
    limit: Annotated[
        int | None, typer.Option(help="Send at most N messages in this run.", min=1)
    ] = None,
    reconcile_: Annotated[
        tuple[int, str] | None,
        typer.Option(
            "--reconcile",
            metavar="ID sent|failed",
            help="Settle an unknown draft after looking it up by its Message-ID.",
        ),
    ] = None,
    note: Annotated[str | None, typer.Option(help="Why (with --reconcile).")] = None,
    allow_spike: Annotated[
        bool,
        typer.Option(
            "--allow-spike",
            help="Send even when today would exceed [limits] volume_alarm_multiple times the "
            "team's usual day.",
        ),
    ] = False,
    no_sync: Annotated[
        bool,
        typer.Option(
            "--no-sync",
            help="Do not read the configured mailboxes first (a reply that arrived since the "
            "last `sync` then goes unseen).",
        ),
    ] = False,
    as_: Annotated[str | None, typer.Option("--as", help="Who is sending.")] = None,
    now: NowOption = None,
    json_: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Deliver approved drafts, rechecking every rule first."""
    from drafts.sending.sender import Sender, reconcile, volume_check
    from drafts.sending.transports import transports_for

    context = open_context(ctx, db, config)
    moment, actor = parse_now(now), reviewer_name(as_)
    if reconcile_ is not None:
        draft_id, outcome = reconcile_
        item = reconcile(context.engine, draft_id, outcome, actor=actor, now=moment, note=note)
        if json_:
            print_json(item)
        else:
            out.print(f"draft {draft_id} settled as {outcome}")
        return
    transports = {} if dry_run else transports_for(context.settings)
    if context.settings.mailbox and not no_sync:
        sync_before_send(context, moment, json_=json_, sending=bool(transports))
    plan = Sender(
        context.engine,
        context.settings,
        moment,
        transports=transports,
        dry_run=True,
        actor=actor,
        limit=limit,
    ).run()
    if not plan.automation_on:
        _finish(plan, json_)
        raise typer.Exit(AUTOMATION_OFF_EXIT)
    going = sum(
        1 for i in plan.items if i["outcome"] == "would_send" and i["channel"] in transports
    )
    if not transports:
        if not json_:
            print_report(plan)
            why = "--dry-run" if dry_run else "no transport is configured ([send] in the config)"
            out.print(f"dry run ({why}): nothing was sent")
        else:
            print_json(plan.as_json())
        return
    if not json_:
        print_report(plan)
    alarm = volume_check(context.engine, context.settings, moment, going)
    if alarm is not None and not allow_spike:
        if json_:  # the plan was a dry run; this run was not, and sent nothing
            stopped = {"dry_run": False, "stopped": str(alarm.code), "sent": 0}
            print_json(plan.as_json() | stopped | {"volume_alarm": alarm.evidence})
        err.print(alarm.message)
        raise typer.Exit(VOLUME_ALARM_EXIT)
    if going and not _confirmed(going, yes):
        if json_:  # --json promises one document on stdout, refusals included
            print_json(plan.as_json() | {"dry_run": False, "sent": 0, "confirmed": False})
        err.print("not confirmed: nothing was sent (add --yes to send without asking)")
        raise typer.Exit(NOT_CONFIRMED_EXIT)
    with progress_bars(enabled=None if not json_ else False) as bars:
        # A bar on a terminal, one step per draft the plan listed (held ones included).
        advance = bars("sending", len(plan.items)) if bars else None
        report = Sender(
            context.engine,
            context.settings,
            moment,
            transports=transports,
            actor=actor,
            limit=limit,
            allow_spike=allow_spike,
            on_progress=(lambda _item: advance(1)) if advance else None,
        ).run()
    if not json_:
        out.print("---")
    _finish(report, json_)
    if not report.automation_on:
        raise typer.Exit(AUTOMATION_OFF_EXIT)
    if report.volume_alarm is not None:  # the day filled up since the plan was made
        err.print(report.volume_alarm.message)
        raise typer.Exit(VOLUME_ALARM_EXIT)


def sync_before_send(context, moment, *, json_: bool, sending: bool) -> None:
    """Read the mailboxes first, so a reply that arrived a minute ago cancels its draft.

    A mailbox that cannot be read may hold exactly that reply: nothing is sent then
    (`--no-sync` sends anyway). A dry run only warns.
    """
    reports = run_sync(context.engine, context.settings, moment, only=None, json_=json_)
    failed = [report for report in reports if report.error]
    if not failed:
        return
    if json_:
        for report in failed:
            err.print(f"error: {report.error}")
    if not sending:
        err.print("warning: a mailbox could not be read; the plan below may miss a reply")
        return
    if json_:
        print_json({"sync": [report.as_json() for report in reports], "sent": 0})
    err.print(
        "nothing was sent: a mailbox could not be read and may hold a reply "
        "(fix it, or add --no-sync to send without reading it)"
    )
    raise typer.Exit(MAILBOX_UNREAD_EXIT)


def _finish(report: SendReport, json_: bool) -> None:
    if json_:
        print_json(report.as_json())
    else:
        print_report(report)


def register(app: typer.Typer) -> None:
    """Attach `send`."""
    app.command("send")(send)
