"""`followups review`: open the Textual review app on the queue of pending drafts."""

from __future__ import annotations

from typing import Annotated

import typer

from tui.cli.common import (
    ConfigOption,
    DbOption,
    NowOption,
    open_context,
    out,
    parse_now,
    reviewer_name,
)


def review(
    ctx: typer.Context,
    as_: Annotated[str | None, typer.Option("--as", help="Your name, for the audit log.")] = None,
    lead: Annotated[
        bool,
        typer.Option(
            "--lead",
            help="Lead mode: every recruiter's queue, spot-checks (s), figures (g) and the "
            "automation switch (ctrl+o).",
        ),
    ] = False,
    now: NowOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Open the review app on the queue of pending drafts."""
    from tui.app.app import ReviewApp  # Textual loads only for the command that needs it

    context = open_context(ctx, db, config)
    app = ReviewApp(
        context.engine,
        context.settings,
        reviewer_name(as_),
        now=parse_now(now) if now else None,
        lead=lead,
    )
    summary = app.run()
    if summary:  # one line on quit: what this sitting decided and what comes next
        out.print(summary)


def register(app: typer.Typer) -> None:
    """Attach `review`."""
    app.command("review")(review)
