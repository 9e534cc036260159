"""The `followups` command line (contract section 3).

Commands parse options, open the store and call `store`/`drafts` functions; they print
what happened. `main()` turns every known failure into one line on stderr.

Start-up is part of the interface: `followups --help` must answer at once. So every
module of tui.cli imports only typer and tui.cli.common at the top; what a command uses
(the store, SQLAlchemy, the scheduler, mail and LLM libraries, Textual) it imports in its
own body. tests/house/test_startup_imports.py keeps it so.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from store import FollowupsError
from tui.cli import demo as demo_commands
from tui.cli import lead as lead_commands
from tui.cli import lists as list_commands
from tui.cli import privacy as privacy_commands
from tui.cli import replay as replay_commands
from tui.cli import review as review_commands
from tui.cli import schedule as schedule_commands
from tui.cli import send as send_commands
from tui.cli import suppress as suppress_commands
from tui.cli import sync as sync_commands
from tui.cli.common import (
    ConfigOption,
    DbOption,
    Globals,
    NowOption,
    err,
    open_context,
    out,
    parse_now,
    reviewer_name,
)

HELP = """Review-first follow-ups for recruiting teams.

Daily flow: `import` the ATS export, `schedule` drafts, `review` them, `send` the approved.
Nothing is ever sent that a person has not approved and every rule has not re-checked.
"""

app = typer.Typer(
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
threads_app = typer.Typer(help="Threads: a candidate, a role and a channel.", no_args_is_help=True)
drafts_app = typer.Typer(help="Follow-up drafts and their review status.", no_args_is_help=True)
app.add_typer(threads_app, name="threads")
app.add_typer(drafts_app, name="drafts")


@app.callback()
def _root(
    ctx: typer.Context,
    db: DbOption = None,
    config: ConfigOption = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks for unexpected errors.")
    ] = False,
) -> None:
    ctx.obj = Globals(db=db, config=config)


@app.command()
def init(ctx: typer.Context, db: DbOption = None, config: ConfigOption = None) -> None:
    """Create the store, an example followups.toml and editable templates."""
    from importlib import resources

    from store.config import CONFIG_FILE_NAME, load_settings
    from store.db import describe_url, open_store, resolve_db_url

    url = resolve_db_url(db or ctx.obj.db)
    open_store(url)
    out.print(f"store ready: {describe_url(url)}")
    config = config or ctx.obj.config
    target = Path(config) if config else Path.cwd() / CONFIG_FILE_NAME
    if target.exists():
        out.print(f"kept your existing {target}")
    else:
        example = resources.files("store").joinpath("followups.example.toml").read_text("utf-8")
        target.write_text(example, encoding="utf-8")
        out.print(f"wrote an example config: {target} (edit [company] first)")
    # The folders the config names are what init is about to create: not checked yet.
    settings = load_settings(str(target), check_paths=False)
    templates = settings.resolve_path(settings.drafting.templates_dir)
    from drafts.writing.render import write_default_templates

    written = write_default_templates(templates)
    if written:
        out.print(f"wrote {len(written)} templates to {templates}")
    else:
        out.print(f"kept your existing templates in {templates}")


@app.command("import")
def import_cmd(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Folder of CSV files from the ATS export.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check everything, write nothing.")
    ] = False,
    now: NowOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Import an ATS export: all of it, or on any problem none of it.

    --now is the moment recorded for the candidates' statuses this import sees.
    """
    from store.importer import import_export
    from tui.cli.progress import import_progress

    context = open_context(ctx, db, config, create=True)
    with import_progress() as say:
        report = import_export(
            context.engine, directory, dry_run=dry_run, now=parse_now(now), progress=say
        )
    for warning in report.warnings:
        err.print(f"warning: {warning}")
    verb = "would import" if dry_run else "imported"
    for name, counts in report.files.items():
        out.print(f"{verb} {name}: {counts.rows} rows ({counts.new} new)")
    if not dry_run:
        out.print(f"threads: {report.threads} ({report.new_threads} new)")
    else:
        out.print("dry run: nothing was written")


@app.command()
def automation(
    ctx: typer.Context,
    switch: Annotated[str, typer.Argument(help="on or off", metavar="on|off")],
    as_: Annotated[str | None, typer.Option("--as", help="Who is switching.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """The admin switch: off stops `schedule` and `send` for the whole team."""
    if switch not in ("on", "off"):
        raise FollowupsError(f"automation takes 'on' or 'off', not {switch!r}")
    from store.audit import set_automation

    context = open_context(ctx, db, config, create=True)
    with context.engine.begin() as conn:
        changed = set_automation(conn, enabled=switch == "on", actor=reviewer_name(as_))
    out.print(f"automation is {switch}" + ("" if changed else " (it already was)"))


list_commands.register(app, threads_app, drafts_app)
demo_commands.register(app)
schedule_commands.register(app)
review_commands.register(app)
send_commands.register(app)
lead_commands.register(app)
suppress_commands.register(app)
privacy_commands.register(app)
replay_commands.register(app)
sync_commands.register(app)


def _debug_requested(argv: list[str]) -> bool:
    return "--debug" in argv


def main(argv: list[str] | None = None) -> None:
    """The console script: run a command, turning failures into one clear line."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = _debug_requested(args)
    # --debug is welcome anywhere on the line, not just before the command name.
    args = [a for a in args if a != "--debug"]
    if debug:
        args.insert(0, "--debug")
    try:
        # Without standalone mode, typer.Exit(n) comes back as a return value.
        code = app(args=args, prog_name="followups", standalone_mode=False)
    except FollowupsError as exc:
        if debug:
            raise
        err.print(f"error: {exc}")
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.TyperException as exc:  # usage errors: unknown option, missing argument
        exc.show()
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("interrupted")
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        err.print(f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for details)")
        sys.exit(1)
    if isinstance(code, int) and code:
        sys.exit(code)
