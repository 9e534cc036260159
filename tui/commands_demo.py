"""`followups demo`: a realistic team that reproduces the seed story, through the real importer."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import func, select

from drafts.schedule import schedule
from store import FollowupsError, models
from store.config import CONFIG_FILE_NAME, find_config
from store.importer import import_export
from tui.commands_schedule import print_report
from tui.common import ConfigOption, DbOption, NowOption, err, open_context, out, parse_now

DEMO_CONFIG = """\
# Written by `followups demo` for its made-up company. Edit or delete it freely.
[company]
name = "Acme Robotics"
aliases = ["Acme"]
domains = ["acme-robotics.example"]
competitors = ["Globex"]
never_contact_companies = ["Initech"]

[limits]
# The demo's whole queue in one run; a real team keeps the default of 200.
drafts_per_run = 500

[send]
from = "Acme Talent <talent@acme-robotics.example>"
inmail_transport = "outbox"
email_transport = "outbox"
outbox_dir = "outbox"
"""


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
    if config is None and ctx.obj.config is None and find_config(None) is None:
        Path(CONFIG_FILE_NAME).write_text(DEMO_CONFIG, encoding="utf-8")
        err.print(f"wrote {CONFIG_FILE_NAME} for the demo company (Acme Robotics)")
    from store.demo import write_demo_export  # only the demo needs the generator

    context = open_context(ctx, db, config, create=True)
    _refuse_real_store(context.engine, force)
    moment = parse_now(now)
    with tempfile.TemporaryDirectory(prefix="followups-demo-") as tmp:
        folder = keep_csv or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        manifest = write_demo_export(folder, now=moment)
        report = import_export(context.engine, folder)
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


DEMO_MARK = "demo_store"


def mark_as_demo(conn) -> None:
    """Remember that this store holds the demo team (re-running the demo is then fine)."""
    table = models.Setting.__table__
    if conn.execute(select(table.c.key).where(table.c.key == DEMO_MARK)).first() is None:
        conn.execute(table.insert().values(key=DEMO_MARK, value="yes"))


def _refuse_real_store(engine, force: bool) -> None:
    with engine.connect() as conn:
        people = conn.execute(select(func.count()).select_from(models.Candidate)).scalar_one()
        setting = models.Setting.__table__
        demo = conn.execute(select(setting.c.key).where(setting.c.key == DEMO_MARK)).first()
    if people and demo is None and not force:
        raise FollowupsError(
            f"this store already holds {people} candidates; the demo would mix made-up people "
            "into it. Give the demo a store of its own (e.g. --db demo.db), or add --force."
        )


def register(app: typer.Typer) -> None:
    """Attach `demo` to the CLI."""
    app.command("demo")(demo)
