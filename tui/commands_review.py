"""`followups review`: the Textual review app (issue 4). Until it lands, the queue as a list."""

from __future__ import annotations

from typing import Annotated

import typer

from tui.commands_lists import drafts_list
from tui.common import ConfigOption, DbOption


def review(
    ctx: typer.Context,
    as_: Annotated[str | None, typer.Option("--as", help="Your name, for the audit log.")] = None,
    lead: Annotated[bool, typer.Option("--lead", help="Lead mode: every queue.")] = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Open the review app on the queue of pending drafts."""
    drafts_list(ctx, status="pending", json_=False, db=db, config=config)


def register(app: typer.Typer) -> None:
    """Attach `review`."""
    app.command("review")(review)
