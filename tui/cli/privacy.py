"""`followups person ID` (an access request) and `followups forget ID` (an erasure request)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from tui.cli.common import (
    ConfigOption,
    DbOption,
    JsonOption,
    NowOption,
    err,
    open_context,
    out,
    parse_now,
    print_json,
    reviewer_name,
)

IdArgument = Annotated[str, typer.Argument(help="The candidate id (candidate_id in the export).")]


def person(
    ctx: typer.Context,
    candidate_id: IdArgument,
    json_: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Everything the store holds about one person (to answer an access request)."""
    from store.person import person_record
    from store.text import quoted

    context = open_context(ctx, db, config)
    with context.engine.connect() as conn:
        record = person_record(conn, candidate_id)
    if json_:
        print_json(record)
        return
    if "erased_at" in record:
        out.print(f"candidate {quoted(candidate_id)} was erased on {record['erased_at']}")
        out.print("the store keeps only keyed hashes of their identifiers and that date")
        return
    candidate = record["candidate"]
    out.print(f"candidate {candidate['candidate_id']}: {candidate['full_name']}")
    for key, value in candidate.items():
        if key not in ("candidate_id", "full_name") and value not in (None, ""):
            out.print(f"  {key}: {value}")
    for section in (
        "touchpoints", "status_history", "threads", "drafts", "flags", "decisions",
        "suppressions", "bounced_addresses",
    ):  # fmt: skip
        out.print(f"{section}: {len(record[section])}")
    out.print("(--json prints every row in full)")


def _ask(candidate_id: str) -> bool:
    if not sys.stdin.isatty():
        return False
    err.print(
        f"Erase everything the store holds about {candidate_id}? This cannot be undone. [y/N] ",
        end="",
    )
    try:
        answer = input()
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def forget_cmd(
    ctx: typer.Context,
    candidate_id: IdArgument,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    as_: Annotated[str | None, typer.Option("--as", help="Who is erasing (the audit log).")] = None,
    now: NowOption = None,
    json_: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Erase a person from the store (an erasure request); only keyed hashes and the date stay."""
    from sqlalchemy import func, select

    from drafts.sending.outbox_files import outbox_files_for
    from store import FollowupsError, models
    from store.clock import iso
    from store.erasure import forget, outline

    context = open_context(ctx, db, config)
    with context.engine.connect() as conn:
        c = models.Candidate.__table__
        exists = conn.execute(
            select(func.count()).select_from(c).where(c.c.candidate_id == candidate_id)
        ).scalar()
    if exists and not yes and not _ask(candidate_id):
        if not sys.stdin.isatty():
            raise FollowupsError(
                "forget erases for good: confirm on a terminal, or add --yes; nothing was erased"
            )
        err.print("not confirmed: nothing was erased")
        raise typer.Exit(1)
    result = forget(context.engine, candidate_id, actor=reviewer_name(as_), at=parse_now(now))
    settings = context.settings
    folder = settings.resolve_path(settings.send.outbox_dir)
    files = outbox_files_for(folder, result.sent_draft_ids)
    if json_:
        document = outline(result)
        document["erased_at"] = iso(result.erased_at)
        print_json(document | {"outbox_files": files})
        return
    total = sum(result.rows.values())
    out.print(
        f"erased {candidate_id}: {total} rows, {result.redacted_decisions} audit entries redacted"
    )
    if not result.compacted:
        err.print(
            "warning: another process holds the SQLite file: deleted text may remain in its "
            "free pages or -wal file until it is vacuumed (stop followups, then run "
            "sqlite3 FILE 'VACUUM')"
        )
    if files:
        out.print("these outbox files still hold their messages; delete them by hand:")
        for name in files:
            out.print(f"  {name}")


def register(app: typer.Typer) -> None:
    """Attach `person` and `forget` to the CLI."""
    app.command("person")(person)
    app.command("forget")(forget_cmd)
