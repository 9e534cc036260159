"""`followups demo`: a realistic team that reproduces the seed story, through the real importer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tui.cli.common import ConfigOption, DbOption, NowOption, err, open_context, out, parse_now
from tui.cli.schedule import print_report


def demo(
    ctx: typer.Context,
    now: NowOption = None,
    keep_csv: Annotated[
        Path | None,
        typer.Option("--keep-csv", help="Also keep the demo's CSV export in this folder."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Add the demo team even to a store with real data.")
    ] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Fill the store with a demo team whose outreach reproduces the 847-message day.

    Use a store of its own (e.g. --db demo.db): the demo refuses to mix made-up people into
    a store that already holds others, unless --force.
    """
    import tempfile

    from demo.config import DEMO_CONFIG
    from demo.marker import mark_as_demo, refuse_real_store
    from drafts.writing.scheduler import schedule
    from store.config import CONFIG_FILE_NAME, find_config
    from store.importer import import_export

    if config is None and ctx.obj.config is None and find_config(None) is None:
        Path(CONFIG_FILE_NAME).write_text(DEMO_CONFIG, encoding="utf-8")
        err.print(f"wrote {CONFIG_FILE_NAME} for the demo company (Acme Robotics)")
    from demo import write_demo_export  # only the demo needs the generator

    context = open_context(ctx, db, config, create=True)
    refuse_real_store(context.engine, force)
    moment = parse_now(now)
    with tempfile.TemporaryDirectory(prefix="followups-demo-") as tmp:
        folder = keep_csv or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        manifest = write_demo_export(folder, now=moment)
        report = import_export(context.engine, folder, now=moment)
    with context.engine.begin() as conn:
        mark_as_demo(conn)
    out.print(
        f"demo team imported: {sum(c.rows for c in report.files.values())} rows, "
        f"{report.threads} threads ({manifest.thread_count} in the story's categories)"
    )
    if keep_csv:
        out.print(f"the demo export is in {keep_csv}")
    report = schedule(context.engine, context.settings, moment, actor="demo")
    print_report(report)


def register(app: typer.Typer) -> None:
    """Attach `demo` to the CLI."""
    app.command("demo")(demo)
