"""`followups replay`: what a configuration (and LinkedIn's automation) would have done."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from store import FollowupsError
from tui.cli.common import ConfigOption, DbOption, JsonOption, open_context, out, print_json
from tui.cli.progress import progress_bars
from tui.glyphs import sparkline

if TYPE_CHECKING:
    from drafts.replay import ReplayReport
    from drafts.replay.runs import Run

EXAMPLES_PER_CODE = 3
DIFFERENCES_SHOWN = 40


def parse_day(option: str, value: str) -> date:
    """A day as YYYY-MM-DD, or one clear line naming the option."""
    from store.text import quoted

    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise FollowupsError(f"{option}: {quoted(value)} is not a date (YYYY-MM-DD)") from None


def _harms_text(run: Run) -> str:
    harms = run.harms()
    if not harms:
        return "none"
    return ", ".join(f"{code} {count}" for code, count in harms.most_common())


def print_replay(report: ReplayReport) -> None:
    """The replay for a person: the runs, a sparkline per run, harms with examples, and
    the differences, with names."""
    from tui.safe_text import one_line

    days = len(report.runs[0].days)
    out.print(
        f"replay {report.start.isoformat()} .. {report.end.isoformat()}: {days} day(s), "
        f"each decided at {report.hour:02d}:00 UTC; nothing was written"
    )
    out.print("")
    width = max(len(r.name) for r in report.runs)
    out.print(f"{'run':<{width}}  {'follow-ups':>10}  harms (follow-ups a blocking rule covered)")
    for run in report.runs:
        out.print(f"{run.name:<{width}}  {len(run.followups):>10}  {_harms_text(run)}")
    out.print("")
    out.print(f"follow-ups per day, {report.start.isoformat()} to {report.end.isoformat()}:")
    for run in report.runs:
        counts = list(run.by_day().values())
        peak = max(counts, default=0)
        busiest = run.days[counts.index(peak)].isoformat() if peak else "-"
        out.print(f"{run.name:<{width}}  {sparkline(counts)}  peak {peak} ({busiest})")
    for run in report.runs:
        examples = run.harm_examples(EXAMPLES_PER_CODE)
        if not examples:
            continue
        out.print("")
        out.print(f"harms of the {run.name} run, with up to {EXAMPLES_PER_CODE} examples each:")
        counts = run.harms()
        for code, count in counts.most_common():
            out.print(f"  {code} ({count})")
            for followup, flag in examples[code]:
                where = flag.evidence.get("touchpoint_id")
                evidence = one_line(flag.message, 110) + (f" [{where}]" if where else "")
                name = one_line(report.name_of(followup.candidate_id), 40)
                out.print(
                    f"    {followup.day.isoformat()} {followup.thread_id} ({name}): {evidence}"
                )
    if report.run("against") is not None:
        _print_differences(report)


def _print_differences(report: ReplayReport) -> None:
    from tui.safe_text import one_line

    found = report.differences
    out.print("")
    if not found:
        out.print("differences: none (both configurations follow up the same threads)")
        return
    out.print(f"differences: {len(found)} thread(s) one configuration follows up and the other not")
    for item in found[:DIFFERENCES_SHOWN]:
        other = "against" if item.drafted_in == "configured" else "configured"
        name = one_line(report.name_of(item.candidate_id), 40)
        out.print(
            f"  {item.drafted_in} only, {item.day.isoformat()}: {item.thread_id} ({name}); "
            f"{other}: {', '.join(item.reasons)}"
        )
    if len(found) > DIFFERENCES_SHOWN:
        out.print(f"  ... and {len(found) - DIFFERENCES_SHOWN} more (--json lists them all)")


def replay_cmd(
    ctx: typer.Context,
    from_: Annotated[
        str, typer.Option("--from", help="First day to replay (YYYY-MM-DD).", show_default=False)
    ],
    to: Annotated[
        str, typer.Option("--to", help="Last day to replay (YYYY-MM-DD).", show_default=False)
    ],
    naive: Annotated[
        bool,
        typer.Option(
            "--naive",
            help="Also replay LinkedIn Recruiter's automated follow-up, with its harms.",
        ),
    ] = False,
    against: Annotated[
        str | None,
        typer.Option(
            "--against",
            help="A second config: the threads one follows up and the other does not.",
            show_default=False,
        ),
    ] = None,
    json_: JsonOption = False,
    db: DbOption = None,
    config: ConfigOption = None,
) -> None:
    """Replay past days: what this config would have drafted each day. Writes nothing."""
    from drafts.replay import check_range, replay
    from store.config import load_settings

    start, end = parse_day("--from", from_), parse_day("--to", to)
    check_range(start, end)  # a bad range is one line before the store is even opened
    context = open_context(ctx, db, config)
    other = load_settings(against) if against else None
    with progress_bars(enabled=None if not json_ else False) as bars:
        report = replay(
            context.engine,
            context.settings,
            start,
            end,
            naive=naive,
            against=other,
            progress=bars,
        )
    if json_:
        print_json(report.as_json())
    else:
        print_replay(report)


def register(app: typer.Typer) -> None:
    """Attach `replay` to the CLI."""
    app.command("replay")(replay_cmd)
