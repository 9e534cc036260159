"""`followups suppress add|list|remove`: the store's do-not-contact list, with who and when."""

from __future__ import annotations

from typing import Annotated

import typer

from store import FollowupsError
from tui.cli.common import (
    ConfigOption,
    DbOption,
    JsonOption,
    NowOption,
    open_context,
    out,
    parse_now,
    print_json,
    reviewer_name,
)
from tui.cli.lists import cells, table

suppress_app = typer.Typer(
    help="The do-not-contact list: every entry blocks with do_not_contact.", no_args_is_help=True
)
AsOption = Annotated[
    str | None, typer.Option("--as", help="Who is acting (default: $FOLLOWUPS_USER, else login).")
]


@suppress_app.command("add")
def suppress_add(
    ctx: typer.Context,
    reason: Annotated[str, typer.Option("--reason", help="Why; the team sees it in `list`.")],
    candidate: Annotated[str | None, typer.Option("--candidate", help="A candidate id.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="An email address.")] = None,
    linkedin: Annotated[str | None, typer.Option("--linkedin", help="A LinkedIn URL.")] = None,
    as_: AsOption = None,
    now: NowOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Put a candidate, an address or a LinkedIn profile on the do-not-contact list."""
    from sqlalchemy import select

    from store import models
    from store.suppressions import MIN_KEY_CHARS, add_entry
    from store.text import AddressError, check_address, clean, quoted

    given = [v for v in (candidate, email, linkedin) if v]
    if len(given) != 1:
        raise FollowupsError("give exactly one of --candidate, --email or --linkedin")
    reason = " ".join(clean(reason).split())
    if not reason:
        raise FollowupsError("--reason must say why (the team reads it in `suppress list`)")
    if email:
        try:
            check_address(email)
        except AddressError as exc:
            raise FollowupsError(f"--email: {exc.reason}") from None
    if linkedin and "linkedin.com/" not in linkedin.casefold():
        raise FollowupsError("--linkedin must be a LinkedIn profile URL (linkedin.com/in/...)")
    context = open_context(ctx, db, config)
    with context.engine.begin() as conn:
        # A typed id that matches nobody would protect nobody: refused, not stored.
        c = models.Candidate.__table__.c
        if (
            candidate
            and conn.execute(select(c.candidate_id).where(c.candidate_id == candidate)).first()
            is None
        ):
            raise FollowupsError(f"no candidate {quoted(candidate)} in the store")
        key, new = add_entry(
            conn,
            candidate_id=candidate,
            email=email,
            linkedin_url=linkedin,
            reason=reason,
            source="manual",
            by=reviewer_name(as_),
            at=parse_now(now),
        )
    verb = "added to" if new else "already on"
    out.print(f"{verb} the do-not-contact list (key {key[: MIN_KEY_CHARS + 4]})")


@suppress_app.command("list")
def suppress_list(
    ctx: typer.Context,
    json_: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Every entry: what it matches, why, where it came from, who added it and when."""
    from store.clock import iso
    from store.suppressions import MIN_KEY_CHARS, list_entries

    context = open_context(ctx, db, config)
    with context.engine.connect() as conn:
        entries = list_entries(conn)
    for entry in entries:
        entry["created_at"] = iso(entry["created_at"]) if entry["created_at"] else None
    if json_:
        print_json(entries)
        return
    grid = table("key", "source", "matches", "reason", "added by", "added at")
    for e in entries:
        matches = e["candidate_id"] or e["email"] or e["linkedin_url"] or "(erased person)"
        grid.add_row(
            *cells(
                e["key"] if e["source"] == "reply" else e["key"][: MIN_KEY_CHARS + 4],
                e["source"],
                matches,
                e["reason"],
                e["created_by"] or "-",
                e["created_at"][:16].replace("T", " ") if e["created_at"] else "unknown",
            )
        )
    out.print(grid)
    out.print(f"{len(entries)} entries")


@suppress_app.command("remove")
def suppress_remove(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The entry's key, as `suppress list` shows it.")],
    as_: AsOption = None,
    now: NowOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Take an entry off the list (recorded in the audit log)."""
    from store.suppressions import remove_entry

    context = open_context(ctx, db, config)
    with context.engine.begin() as conn:
        entry = remove_entry(conn, key, by=reviewer_name(as_), at=parse_now(now))
    matches = entry["candidate_id"] or entry["email"] or entry["linkedin_url"]
    out.print(f"removed {matches} ({entry['source']}) from the do-not-contact list")


def register(app: typer.Typer) -> None:
    """Attach `suppress` to the CLI."""
    app.add_typer(suppress_app, name="suppress")
