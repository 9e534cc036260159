"""`followups schedule` and `followups templates check`."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from store import FollowupsError
from tui.cli.common import (
    ConfigOption,
    DbOption,
    JsonOption,
    NowOption,
    err,
    globals_of,
    open_context,
    out,
    parse_now,
    print_json,
)
from tui.cli.progress import progress_bars

if TYPE_CHECKING:
    from drafts.writing.scheduler import ScheduleReport


def print_report(report: ScheduleReport) -> None:
    """The human summary of a run: what was created and why everything else was not."""
    if not report.automation_on:
        out.print("automation is off: nothing was scheduled (`followups automation on` to resume)")
        return
    verb = "would create" if report.dry_run else "created"
    out.print(f"{verb} {report.created} draft(s) for review")
    if not report.full:
        # The counts below are the store's; only this many threads were decided again.
        out.print(f"decided again: {report.decided} thread(s) whose answer can have changed")
    if report.suppressed:
        out.print("suppressed (no draft), by reason:")
        for code, count in report.suppressed.most_common():
            out.print(f"  {code:<22} {count}")
    out.print(f"not due yet: {report.not_due}")
    for reason, count in report.waiting.most_common():
        out.print(f"waiting ({reason}): {count}")
    if report.followed_up:
        out.print(f"already followed up: {report.followed_up}")
    if report.already_drafted:
        out.print(f"already drafted earlier: {report.already_drafted}")
    if report.cancelled:
        out.print(f"cancelled {report.cancelled} pending draft(s) that a rule now blocks")
    for problem in report.problems[:10]:
        err.print(f"problem on {problem['thread_id']}: {problem['error']}")
    for problem in report.template_errors[:10]:
        err.print(f"template error on {problem['thread_id']}: {problem['error']}")
    if report.held_by_cap:
        err.print(
            f"stopped at the per-run cap of {report.cap} drafts; {report.held_by_cap} due "
            "thread(s) wait for the next run. Review these first, or raise "
            "[limits] drafts_per_run in the config."
        )
    if report.dry_run:
        out.print("dry run: nothing was written")


def schedule_cmd(
    ctx: typer.Context,
    now: NowOption = None,
    sample: Annotated[
        int | None,
        typer.Option(help="A pilot: draft only N due threads, picked at random (seeded).", min=1),
    ] = None,
    limit: Annotated[
        int | None, typer.Option(help="Draft at most N threads, oldest first.", min=1)
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for --sample.")] = 847,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Decide and print, write nothing.")
    ] = False,
    full: Annotated[
        bool,
        typer.Option(
            "--full", help="Decide every thread, not only those whose answer can have changed."
        ),
    ] = False,
    json_: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Decide which threads are due, suppress or flag them, and create drafts for review."""
    from drafts.writing.scheduler import schedule

    context = open_context(ctx, db, config)
    with progress_bars(enabled=None if not json_ else False) as bars:
        report = schedule(
            context.engine,
            context.settings,
            parse_now(now),
            sample=sample,
            limit=limit,
            seed=seed,
            dry_run=dry_run,
            full=full,
            progress=bars,
            renderer=_renderer(context.settings),
        )
    if json_:
        print_json(report.as_json())
    else:
        print_report(report)
    if not report.automation_on:
        raise typer.Exit(3)


def _renderer(settings):
    if settings.drafting.engine == "llm":
        try:
            from drafts.writing.llm import LlmRenderer
        except ImportError as exc:  # pragma: no cover - until the LLM writer lands
            raise FollowupsError(f"drafting.engine = 'llm' is not available: {exc}") from None
        return LlmRenderer(settings)
    return None


def templates_check(
    ctx: typer.Context,
    json_: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Render every template against sample data and report errors (with --db, also
    warn about role templates for roles the store does not have)."""
    from drafts.writing.template_check import check_templates

    role_ids = None
    # Only a store named (--db, before or after the command, or $FOLLOWUPS_DB): checking
    # templates must never create the default store as a side effect.
    if db or globals_of(ctx).db or os.environ.get("FOLLOWUPS_DB"):
        from sqlalchemy import select

        from store import models

        context = open_context(ctx, db, config)
        with context.engine.connect() as conn:
            role_ids = set(conn.execute(select(models.Role.role_id)).scalars())
    results = check_templates(ctx_settings(ctx, config), role_ids)
    if json_:
        print_json(results)
    else:
        for item in results:
            mark = "ok " if item["ok"] else "ERR"
            out.print(
                f"{mark} {item['template']}" + (f": {item['error']}" if item["error"] else "")
            )
            for flag in item.get("flags", []):
                out.print(f"    warning {flag}")
    if not all(item["ok"] for item in results):
        raise typer.Exit(1)


def ctx_settings(ctx, config):
    """The validated config for a command that needs no store."""
    from tui.cli.common import settings_for

    return settings_for(ctx, config)


def register(app: typer.Typer) -> None:
    """Attach `schedule` and `templates check`."""
    app.command("schedule")(schedule_cmd)
    templates_app = typer.Typer(help="The team's follow-up templates.", no_args_is_help=True)
    templates_app.command("check")(templates_check)
    app.add_typer(templates_app, name="templates")
