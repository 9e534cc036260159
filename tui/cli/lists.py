"""Read-only commands: `threads list`, `drafts list`, `stats`, `audit`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from store import FollowupsError
from store.enums import Severity
from store.spreadsheet import write_rows
from tui.cli.common import (
    ConfigOption,
    DbOption,
    JsonOption,
    NowOption,
    open_context,
    out,
    parse_now,
    print_json,
)
from tui.glyphs import FLAG_MARK, bar, sparkline

if TYPE_CHECKING:
    from rich.text import Text

    from tui.cli.tables import PlainTable


def table(*columns: str) -> PlainTable:
    """A table for the terminal, fast at any size; every cell is literal text, never markup."""
    from tui.cli.tables import PlainTable  # rich loads when a command prints, not for --help

    return PlainTable(*columns)


def named(name: str | None, candidate_id: str | None) -> str | None:
    """A candidate as a person reads them: "Ada Park (c-1)"; the id alone when unknown."""
    if candidate_id is None:
        return None
    return f"{name} ({candidate_id})" if name else candidate_id


def cells(*values) -> list[Text]:
    """Values as literal text cells."""
    from rich.text import Text

    return [Text("" if v is None else str(v)) for v in values]


def threads_list(
    ctx: typer.Context,
    state: Annotated[
        str | None,
        typer.Option(help="Only threads in this state: waiting, drafted, suppressed, followed_up."),
    ] = None,
    candidate: Annotated[
        str | None, typer.Option("--candidate", help="Only this candidate's threads (an id).")
    ] = None,
    json_: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Every thread with its state and the reasons for it."""
    from store import models
    from store.queries import list_threads

    if state and state not in models.THREAD_STATES:
        raise FollowupsError(f"--state must be one of {', '.join(models.THREAD_STATES)}")
    context = open_context(ctx, db, config)
    with context.engine.connect() as conn:
        threads = list_threads(conn, state=state, candidate_id=candidate)
    if json_:
        print_json(threads)
        return
    grid = table("thread", "candidate", "recruiter", "state", "reasons")
    for t in threads:
        grid.add_row(
            *cells(
                t["thread_id"],
                t["candidate_name"],
                t["recruiter"],
                t["state"],
                ", ".join(t["reasons"]),
            )
        )
    out.print(grid)
    out.print(f"{len(threads)} threads")
    if candidate:
        _print_evidence(threads)


def _print_evidence(threads: list[dict]) -> None:
    """For one person: each flag's message and where its evidence came from.

    "Why did this person get nothing?" is answered with the touchpoint, and for mail the
    mailbox, folder and Message-ID a recruiter can search their mail client for.
    """
    for t in threads:
        for flag in t.get("flags", []):
            out.print(f"{t['thread_id']}  {flag['code']}: {flag['message']}")
            if where := _evidence_source(flag.get("evidence") or {}):
                out.print(f"    {where}")


def _evidence_source(evidence: dict) -> str:
    """Where a flag's evidence came from, in one line (empty when it names nothing)."""
    parts = []
    if evidence.get("source") == "mailbox":
        parts.append(f"mail in {evidence.get('mailbox')}/{evidence.get('folder')}")
    if evidence.get("message_id"):
        parts.append(f"Message-ID <{evidence['message_id']}>")
    if evidence.get("touchpoint_id"):
        parts.append(f"touchpoint {evidence['touchpoint_id']}")
    if evidence.get("occurred_at"):
        parts.append(f"at {evidence['occurred_at']}")
    return ", ".join(parts)


def drafts_list(
    ctx: typer.Context,
    status: Annotated[
        str | None, typer.Option(help="Only drafts with this status, e.g. pending, approved.")
    ] = None,
    json_: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Follow-up drafts with their flags, for scripts (--json) or a quick look."""
    from store import models
    from store.queries import list_drafts

    if status and status not in models.DRAFT_STATUSES:
        raise FollowupsError(f"--status must be one of {', '.join(models.DRAFT_STATUSES)}")
    context = open_context(ctx, db, config)
    with context.engine.connect() as conn:
        drafts = list_drafts(conn, status=status)
    if json_:
        print_json(drafts)
        return
    grid = table("id", "candidate", "role", "recruiter", "channel", "status", "flags")
    for d in drafts:
        codes = ", ".join(
            f["code"] + (FLAG_MARK[Severity.BLOCK] if f["severity"] == Severity.BLOCK else "")
            for f in d["flags"]
        )
        grid.add_row(
            *cells(
                d["id"],
                named(d["candidate_name"], d["candidate_id"]),
                d["role_id"],
                d["recruiter"],
                d["channel"],
                d["status"],
                codes,
            )
        )
    out.print(grid)
    out.print(f"{len(drafts)} drafts")


# The figures' column headings on a terminal (the CSV uses their keys).
LABELS = {
    "created": "drafted",
    "approved": "approved",
    "edited": "edited",
    "rejected": "rejected",
    "sent": "sent",
    "cancelled": "cancelled",
    "replies_after_followup": "replies",
    "decided": "decided",
    "median_seconds_on_screen_before_approval": "median s",
    "approvals_under_3s": "<3s",
}


def stats(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option(help="Only activity at or after this time (ISO 8601).")
    ] = None,
    json_: JsonOption = False,
    csv_: Annotated[
        bool, typer.Option("--csv", help="One row per recruiter and week, for spreadsheets.")
    ] = False,
    now: NowOption = None,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Per-recruiter and per-week figures: drafted, approved, edited, rejected, sent, replies."""
    from store.figures import team_figures
    from store.queries import basic_stats

    context = open_context(ctx, db, config)
    start = parse_now(since) if since else None
    with context.engine.connect() as conn:
        counts = basic_stats(conn)
        figures = team_figures(conn, since=start, now=parse_now(now))
    if json_:
        print_json(counts | {"figures": figures})
        return
    if csv_:
        _print_csv(figures)
        return
    _print_human(counts, figures)


def _print_csv(figures) -> None:
    from store.figures import FIGURE_BREAKDOWNS, FIGURE_COLUMNS

    header = [
        "recruiter",
        "week",
        *FIGURE_COLUMNS,
        *FIGURE_BREAKDOWNS,
    ]
    rows = [header]
    for recruiter, weeks in figures["recruiters"].items():
        for week, row in weeks.items():
            rows.append(
                [recruiter, week, *(row[c] for c in FIGURE_COLUMNS)]
                + [";".join(f"{k}={v}" for k, v in row[key].items()) for key in FIGURE_BREAKDOWNS]
            )
    write_rows(sys.stdout, rows)


def _print_human(counts, figures) -> None:
    from store.figures import FIGURE_COLUMNS, fill_days

    store = counts["store"]
    out.print(
        f"{store['candidates']} candidates, {store['threads']} threads, {store['drafts']} drafts"
    )
    out.print("threads: " + ", ".join(f"{k} {v}" for k, v in counts["threads_by_state"].items()))
    grid = table("person", *(LABELS[key] for key in FIGURE_COLUMNS))
    for recruiter, weeks in figures["recruiters"].items():
        row = weeks["all"]
        shown = {**row}
        median = row["median_seconds_on_screen_before_approval"]
        shown["median_seconds_on_screen_before_approval"] = (
            "" if median is None else f"{median:.1f}"
        )
        grid.add_row(*cells(recruiter, *(shown[key] for key in FIGURE_COLUMNS)))
    out.print(grid)
    out.print(
        "drafted…replies: what happened to the person's own drafts; decided, median s, <3s: "
        "the decisions the person made, on anyone's drafts (undone ones left out)"
    )
    daily = figures["daily_sends"]
    if daily:
        series = fill_days(daily)
        out.print(
            f"messages sent per day, last {len(series)} days (max {max(series)}): "
            + sparkline(series)
        )
        out.print(
            f"usual day: {figures['usual_daily_sends']:g} messages (the median of busy days; "
            "`send` stops a day far above it)"
        )
    team = figures["team"]
    reasons = team["rejected_by_reason"]
    if reasons:
        out.print("rejections by reason:")
        top = max(reasons.values())
        for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
            out.print(f"  {reason:<18} {n:>5} {bar(n, top)}")
    if team["flags_by_code"]:
        out.print(
            "flags on drafts: " + ", ".join(f"{k} {v}" for k, v in team["flags_by_code"].items())
        )


def audit(
    ctx: typer.Context,
    candidate: Annotated[str | None, typer.Option(help="Only this candidate's entries.")] = None,
    since: Annotated[
        str | None, typer.Option(help="Only entries at or after this time (ISO 8601).")
    ] = None,
    json_: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """The append-only decision log: who decided what, when."""
    from sqlalchemy import select

    from store import models
    from store.clock import iso
    from store.queries import candidate_names

    context = open_context(ctx, db, config)
    d = models.Decision.__table__
    query = select(d).order_by(d.c.at, d.c.id)
    if candidate:
        query = query.where(d.c.candidate_id == candidate)
    if since:
        query = query.where(d.c.at >= parse_now(since))
    with context.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
        names = candidate_names(conn, [r["candidate_id"] for r in rows if r["candidate_id"]])
    for row in rows:
        row["at"] = iso(row["at"])
        row["candidate_name"] = names.get(row["candidate_id"])
    if json_:
        print_json(rows)
        return
    grid = table("at", "actor", "action", "draft", "candidate", "reason")
    for r in rows:
        grid.add_row(
            *cells(
                r["at"],
                r["actor"],
                r["action"],
                r["draft_id"],
                named(r["candidate_name"], r["candidate_id"]),
                r["reason"],
            )
        )
    out.print(grid)
    out.print(f"{len(rows)} entries")


def register(app: typer.Typer, threads_app: typer.Typer, drafts_app: typer.Typer) -> None:
    """Attach these commands to the CLI."""
    threads_app.command("list")(threads_list)
    drafts_app.command("list")(drafts_list)
    app.command("stats")(stats)
    app.command("audit")(audit)
