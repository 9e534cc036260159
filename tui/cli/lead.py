"""Lead commands: `followups spotcheck list|mark|concerns`."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from store.spreadsheet import write_dicts
from tui.cli.common import (
    ConfigOption,
    DbOption,
    JsonOption,
    open_context,
    out,
    print_json,
    reviewer_name,
)
from tui.cli.lists import cells, table

spotcheck_app = typer.Typer(
    help="Spot-check what each recruiter approved and sent.", no_args_is_help=True
)


@spotcheck_app.command("list")
def list_sample(
    ctx: typer.Context,
    recruiter: Annotated[str | None, typer.Option(help="Only this recruiter.")] = None,
    size: Annotated[
        int | None, typer.Option(help="Drafts per recruiter (default: [lead] config).", min=1)
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Sample seed (default: [lead] config).")] = None,
    json_: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """A seeded sample of approved and sent drafts per recruiter, with verdicts so far."""
    from drafts.review import spotcheck

    context = open_context(ctx, db, config)
    lead = context.settings.lead
    with context.engine.connect() as conn:
        items = spotcheck.sample(
            conn,
            per_recruiter=size or lead.spot_check_per_recruiter,
            seed=lead.spot_check_seed if seed is None else seed,
            recruiter=recruiter,
        )
    if json_:
        print_json([item.__dict__ for item in items])
        return
    grid = table("draft", "recruiter", "status", "candidate", "verdict", "first line")
    for item in items:
        first = item.body.strip().splitlines()[0] if item.body.strip() else ""
        grid.add_row(
            *cells(
                item.draft_id,
                item.recruiter,
                item.status,
                item.candidate_id,
                item.verdict or "-",
                first[:60],
            )
        )
    out.print(grid)


@spotcheck_app.command("mark")
def mark(
    ctx: typer.Context,
    draft_id: Annotated[int, typer.Argument(help="The draft's id.")],
    verdict: Annotated[str, typer.Argument(help="ok or concern", metavar="ok|concern")],
    note: Annotated[
        str | None, typer.Option(help="What is wrong (required for a concern).")
    ] = None,
    as_: Annotated[str | None, typer.Option("--as", help="The lead's name.")] = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Record a verdict on a spot-checked draft (append-only)."""
    from drafts.review import spotcheck

    context = open_context(ctx, db, config)
    with context.engine.begin() as conn:
        spotcheck.mark(conn, draft_id=draft_id, verdict=verdict, lead=reviewer_name(as_), note=note)
    out.print(f"draft {draft_id}: {verdict}")


@spotcheck_app.command("concerns")
def concerns(
    ctx: typer.Context,
    json_: JsonOption = False,
    csv_: Annotated[bool, typer.Option("--csv", help="For a spreadsheet.")] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Every concern raised, per recruiter: to discuss, or to export."""
    from drafts.review import spotcheck

    context = open_context(ctx, db, config)
    with context.engine.connect() as conn:
        rows = spotcheck.concerns(conn)
    if json_:
        print_json(rows)
    elif csv_:
        write_dicts(sys.stdout, rows, ["draft_id"])
    else:
        grid = table("recruiter", "draft", "candidate", "status", "lead", "note")
        for r in rows:
            grid.add_row(
                *cells(
                    r["recruiter"],
                    r["draft_id"],
                    r["candidate_id"],
                    r["status"],
                    r["lead"],
                    r["note"],
                )
            )
        out.print(grid)
        out.print(f"{len(rows)} concern(s)")


def register(app: typer.Typer) -> None:
    """Attach `spotcheck`."""
    app.add_typer(spotcheck_app, name="spotcheck")
