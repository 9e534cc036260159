"""What every command shares: the --db/--config options, the opened store, the consoles.

Imported by every command module before any command runs, so `followups --help` pays for
it: it imports typer only. Rich, the store, SQLAlchemy and the config's
pydantic models load when a command opens them.
"""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from store import FollowupsError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from store.config import Settings


class DeferredConsole:
    """The SafeConsole of tui.cli.terminal, made when a command first prints through it.

    Rich costs more to import than Typer itself, and `followups --help` never prints
    through these: attribute access builds the real console, so `out.print(...)` works
    as on a Console. Pass `.console` where rich wants the Console object itself.
    """

    def __init__(self, *, stderr: bool = False) -> None:
        self._stderr = stderr
        self._console = None

    @property
    def console(self):
        """The real SafeConsole (created once)."""
        if self._console is None:
            from tui.cli.terminal import console

            self._console = console(stderr=self._stderr)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


# Data never goes through markup (a candidate named "[bold]x" prints as typed) and no
# control character of it reaches the terminal: see tui.cli.terminal.
out = DeferredConsole()
err = DeferredConsole(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="The store: a SQLAlchemy URL or a SQLite file path "
        "(default: $FOLLOWUPS_DB, else a file in your user data folder).",
        show_default=False,
    ),
]
ConfigOption = Annotated[
    str | None,
    typer.Option(
        "--config",
        help="The TOML config (default: $FOLLOWUPS_CONFIG, else ./followups.toml, else defaults).",
        show_default=False,
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON document on stdout and nothing else.")
]
NowOption = Annotated[
    str | None,
    typer.Option(
        "--now",
        help="Pretend it is this time (ISO 8601; without an offset it is UTC). Default: now.",
        show_default=False,
    ),
]


@dataclass
class Globals:
    """Options given before the command name (`followups --db X drafts list`)."""

    db: str | None = None
    config: str | None = None


@dataclass
class Context:
    """An opened store and a validated config, ready for a command."""

    engine: Engine
    settings: Settings


def globals_of(ctx: typer.Context) -> Globals:
    """The options given before the command name, if any."""
    root = ctx.find_root()
    return root.obj if isinstance(root.obj, Globals) else Globals()


def settings_for(ctx: typer.Context, config: str | None) -> Settings:
    """The validated config, from the command's --config or the one before it."""
    from store.config import load_settings

    return load_settings(config or globals_of(ctx).config)


def open_context(
    ctx: typer.Context, db: str | None, config: str | None, *, create: bool = False
) -> Context:
    """Validate the config first (cheap, and its errors are the likeliest), then the store.

    Only commands that fill a store (init, import, demo, automation) may create one: a
    mistyped --db must be an error, not a new empty store that answers "nothing here".
    """
    from store.db import open_store

    settings = settings_for(ctx, config)
    engine = open_store(db or globals_of(ctx).db, create=create)
    return Context(engine, settings)


def parse_now(value: str | None) -> datetime:
    """--now as naive UTC."""
    from store.clock import parse_timestamp, utc_now

    if value is None:
        return utc_now()
    try:
        return parse_timestamp(value)
    except ValueError as exc:
        raise FollowupsError(f"--now: {exc}") from None


def reviewer_name(explicit: str | None = None) -> str:
    """--as, else $FOLLOWUPS_USER, else the login name: what the audit log records.

    A name with control characters is refused, not cleaned: the audit log must record
    who decided exactly as they will be shown, and an escape sequence is never a name.
    """
    from store.text import clean

    for source, value in (
        ("--as", explicit),
        ("$FOLLOWUPS_USER", os.environ.get("FOLLOWUPS_USER")),
    ):
        if not value:
            continue
        if clean(value) != value or "\n" in value or "\t" in value:
            raise FollowupsError(f"{source}: a reviewer name cannot contain control characters")
        if len(value) > 100:
            raise FollowupsError(f"{source}: a reviewer name is at most 100 characters")
        return value
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def print_json(document: Any) -> None:
    """The one JSON document a --json command prints."""
    from tui.cli.terminal import json_text

    sys.stdout.write(json_text(document) + "\n")


def on_terminal() -> bool:
    """Whether a person is watching (progress bars and questions only then)."""
    return sys.stderr.isatty()
