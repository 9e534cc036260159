"""The lead's figures: per recruiter, for all time or one ISO week, drawn where it helps.

The numbers are `store.figures.team_figures`, the same as `followups stats`; daily volume
is a sparkline and the reasons (rejections, cancellations at send, flags) are bars.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Sparkline, Static

from store.figures import (
    FIGURE_BREAKDOWNS,
    FIGURE_COLUMNS,
    RUBBER_STAMP_MS,
    USUAL_DAY_DAYS,
    fill_days,
)
from tui.glyphs import bar
from tui.safe_text import one_line

if TYPE_CHECKING:
    from tui.app.app import ReviewApp

DAYS = USUAL_DAY_DAYS
ALL = "all"
TEAM = "team"
# Each figure's column heading and width on screen.
LABELS = {
    "created": ("drafted", 7),
    "approved": ("approved", 8),
    "edited": ("edited", 6),
    "rejected": ("rejected", 8),
    "sent": ("sent", 5),
    "cancelled": ("cancelled", 9),
    "replies_after_followup": ("replies", 7),
    "decided": ("decided", 7),
    "median_seconds_on_screen_before_approval": ("median s", 8),
    "approvals_under_3s": ("<3 s", 5),
}
# (figures key, column label, width)
COLUMNS = tuple((key, *LABELS[key]) for key in FIGURE_COLUMNS)
# Each breakdown's heading and bar colour.
BREAKDOWN_LOOK = {
    "rejected_by_reason": ("Rejections by reason", "red"),
    "cancelled_by_reason": ("Cancelled at send, by reason", "yellow"),
    "flags_by_code": ("Flags on drafts, by code", "cyan"),
}
BREAKDOWNS = tuple((key, *BREAKDOWN_LOOK[key]) for key in FIGURE_BREAKDOWNS)


def weeks_of(figures: dict[str, Any]) -> list[str]:
    """Every week any recruiter has figures for, oldest first, then "all"."""
    weeks = {w for per_week in figures["recruiters"].values() for w in per_week if w != ALL}
    return [*sorted(weeks), ALL]


def figure_cells(row: dict[str, Any]) -> list[Text]:
    """One row of numbers, right-aligned; rubber-stamped approvals stand out."""
    cells = []
    for key, _label, _width in COLUMNS:
        value = row.get(key)
        if key == "median_seconds_on_screen_before_approval":
            shown = "-" if value is None else f"{value:.1f}"
        else:
            shown = str(value or 0)
        style = "bold red" if key == "approvals_under_3s" and value else ""
        cells.append(Text(shown, justify="right", style=style))
    return cells


def breakdown_text(title: str, row: dict[str, Any] | None) -> Text:
    """Reasons and flag codes of one row as bars, largest first."""
    text = Text()
    text.append(f"{title}\n", style="bold")
    if row is None:
        return text.append("no activity\n", style="dim")
    for key, heading, colour in BREAKDOWNS:
        text.append(f"\n{heading}\n", style="underline")
        counts: dict[str, int] = row.get(key) or {}
        if not counts:
            text.append("  none\n", style="dim")
            continue
        top = max(counts.values())
        for reason, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            text.append(f"  {one_line(reason, 22):<22} {n:>4} ")
            text.append(bar(n, top, width=24) + "\n", style=colour)
    return text


def daily_axis(last: date, days: int = DAYS) -> Text:
    """The first and last day under the sparkline."""
    first = last - timedelta(days=days - 1)
    return Text(f"{first:%d %b}".ljust(days * 2 - 6) + f"{last:%d %b}", style="dim")


class FiguresScreen(Screen[None]):
    """Per recruiter figures, the team's daily volume and the reasons behind the numbers."""

    BINDINGS = [
        Binding(
            "left_square_bracket",
            "week(-1)",
            "Earlier week",
            id="figures_earlier",
            tooltip="Show the week before",
        ),
        Binding(
            "right_square_bracket",
            "week(1)",
            "Later week",
            id="figures_later",
            tooltip="Show the week after (after the last week: all weeks)",
        ),
        Binding("escape", "close", "Back", id="figures_close", tooltip="Back to the queue"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="figures")
        self.figures: dict[str, Any] | None = None
        self.weeks: list[str] = [ALL]
        self.week = ALL

    @property
    def rapp(self) -> ReviewApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        """Status line, the table, then volume and reasons side by side."""
        yield Static(Text("Figures: counting…"), id="figures-status")
        yield DataTable(id="figures-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="figures-lower"):
            with Vertical(id="figures-volume"):
                yield Static(Text(""), id="volume-title")
                yield Sparkline([], id="volume-sparkline")
                yield Static(Text(""), id="volume-axis")
            with VerticalScroll(id="figures-breakdown-scroll"):
                yield Static(Text(""), id="figures-breakdown")
        yield Footer()

    def on_mount(self) -> None:
        """Fixed-width columns, then the numbers (counted in a thread)."""
        table = self.query_one(DataTable)
        table.add_column("person", key="recruiter", width=10)
        for key, label, width in COLUMNS:
            table.add_column(Text(label, justify="right"), key=key, width=width)
        table.focus()
        self.load_figures()

    @work(exclusive=True, group="figures", exit_on_error=False)
    async def load_figures(self) -> None:
        """Count everything once; moving between weeks only redraws."""
        self.figures = await asyncio.to_thread(self.rapp.service.fetch_figures)
        self.weeks = weeks_of(self.figures)
        self._show_volume()
        self._show_week()

    def _show_volume(self) -> None:
        assert self.figures is not None
        last = self.rapp.clock().date()
        series = fill_days(self.figures["daily_sends"], last=last, days=DAYS)
        usual = self.figures.get("usual_daily_sends")
        title = Text(
            f"Sent per day, last {DAYS} days: {sum(series)}, busiest {max(series, default=0)}",
            style="bold",
        )
        if usual is not None:
            # The same usual day `send`'s volume alarm compares today with.
            title.append(f"\nUsual day: {usual:g} (median of busy days; the volume alarm's base)")
        self.query_one("#volume-title", Static).update(title)
        self.query_one("#volume-sparkline", Sparkline).data = series
        self.query_one("#volume-axis", Static).update(daily_axis(last))

    def _rows(self) -> dict[str, dict[str, Any]]:
        """The rows for the week shown: recruiters with activity, plus the team for all time."""
        assert self.figures is not None
        rows = {
            who: per_week[self.week]
            for who, per_week in self.figures["recruiters"].items()
            if self.week in per_week
        }
        if self.week == ALL:
            rows[TEAM] = self.figures["team"]
        return rows

    def _show_week(self) -> None:
        table = self.query_one(DataTable)
        rows = self._rows()
        with self.app.batch_update():
            table.clear()
            for who, row in rows.items():
                name = Text(one_line(who, 10), style="bold" if who == TEAM else "")
                table.add_row(name, *figure_cells(row), key=who)
        label = "all weeks" if self.week == ALL else f"week {self.week}"
        line = Text(f"Figures · {label} · {len(rows)} rows", style="bold")
        line.append(
            "   [ ] change week · drafted…replies: the person's own drafts · decided, median s,"
            f" <3 s: their own decisions (approvals faster than {RUBBER_STAMP_MS // 1000} s)",
            style="dim",
        )
        self.query_one("#figures-status", Static).update(line)
        if not rows:
            self.query_one("#figures-breakdown", Static).update(
                Text(f"No activity in {label}.", style="dim")
            )

    @on(DataTable.RowHighlighted, "#figures-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        who = str(event.row_key.value)
        row = self._rows().get(who)
        label = "all weeks" if self.week == ALL else self.week
        title = f"{'the team' if who == TEAM else one_line(who)}, {label}"
        self.query_one("#figures-breakdown", Static).update(breakdown_text(title, row))

    def action_week(self, step: int) -> None:
        """Move one week earlier (-1) or later (+1); after the last week comes all weeks."""
        if self.figures is None:
            return
        index = max(0, min(len(self.weeks) - 1, self.weeks.index(self.week) + step))
        if self.weeks[index] != self.week:
            self.week = self.weeks[index]
            self._show_week()

    def action_close(self) -> None:
        """Back to the queue."""
        self.dismiss(None)
