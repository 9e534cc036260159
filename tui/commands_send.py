"""`followups send`: deliver approved drafts after checking every rule again (issue 5)."""

from __future__ import annotations

import typer

from store import FollowupsError
from tui.common import ConfigOption, DbOption


def send(ctx: typer.Context, db: DbOption = None, config: ConfigOption = None) -> None:
    """Deliver approved drafts, rechecking every rule first."""
    raise FollowupsError("send is not available yet")


def register(app: typer.Typer) -> None:
    """Attach `send`."""
    app.command("send")(send)
