"""Why not? Threads that got no follow-up, with their reasons and evidence, searchable.

A title line says how many threads there are and how many are listed; the list grows a page
at a time as the cursor reaches its end, so all of them can be read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from drafts.review.detail import SuppressedRow
from drafts.review.queue import PAGE
from tui.app.widgets.detail_view import BLOCK_STYLE, WARN_STYLE
from tui.safe_text import one_line, plain, safe

# (search, after thread id) -> the next page; search -> how many there are.
Loader = Callable[[str | None, str | None], list[SuppressedRow]]
Counter = Callable[[str | None], int]


def explain(row: SuppressedRow) -> Text:
    """One thread's state, reasons and every flag with its evidence."""
    text = Text()
    text.append(one_line(row.candidate_name), style="bold")
    text.append(f"  ({one_line(row.candidate_id)})\n")
    text.append(f"{one_line(row.role_title) or 'no role'} · {row.channel} · ")
    text.append(f"{one_line(row.recruiter) or '-'}\n")
    text.append(f"state: {row.state}   reasons: {', '.join(row.reasons) or '-'}\n\n")
    for flag in row.flags:
        blocks = flag.severity == "block"
        text.append(" BLOCK " if blocks else " WARN  ", style=BLOCK_STYLE if blocks else WARN_STYLE)
        text.append(f" {safe(flag.code)}: {safe(flag.message)}\n")
        for key, value in flag.evidence.items():
            if value not in (None, "", []):
                text.append(f"    {safe(key)}: {one_line(value, 100)}\n", style="dim")
    if not row.flags and "not_due" in row.reasons:
        text.append("Not due yet: the first follow-up waits for the cadence.\n", style="dim")
    return text


class WhyNotScreen(Screen[None]):
    """Answers "why did this person get no follow-up?" in a few keystrokes."""

    BINDINGS = [
        Binding("escape", "close", "Back to the queue", id="why_close"),
        Binding("slash", "search", "Search", id="why_search"),
    ]

    def __init__(self, loader: Loader, counter: Counter):
        super().__init__(classes="why-not")
        self.loader = loader
        self.counter = counter
        self.rows: dict[str, SuppressedRow] = {}
        self.search: str | None = None
        self.total: int | None = None
        self._last_page_full = False

    def compose(self) -> ComposeResult:
        """Search box, threads table and the selected thread's reasons."""
        yield Static(Text("Why not? · counting…", style="bold"), id="why-title")
        yield Input(placeholder="search name, id, email, company or reason code", id="why-search")
        with Horizontal():
            yield DataTable(id="why-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="why-detail-scroll"):
                yield Static(id="why-detail")
        yield Footer()

    def on_mount(self) -> None:
        """Load the first page."""
        table = self.query_one(DataTable)
        table.add_column("candidate", key="name", width=24)
        table.add_column("state", key="state", width=11)
        table.add_column("reasons", key="reasons", width=30)
        self.refresh_rows(None)
        table.focus()

    @work(exclusive=True, group="why", exit_on_error=False)
    async def refresh_rows(self, search: str | None) -> None:
        """Load the first page of threads matching the search, and count them all."""
        self.search = search
        rows = await asyncio.to_thread(self.loader, search, None)
        self.total = await asyncio.to_thread(self.counter, search)
        self.query_one(DataTable).clear()
        self.rows = {}
        self._append(rows)
        if not rows:
            self.query_one("#why-detail", Static).update(Text("Nothing matches."))

    @work(exclusive=True, group="why-more", exit_on_error=False)
    async def more_rows(self) -> None:
        """The next page, after the last thread listed."""
        after = next(reversed(self.rows)) if self.rows else None
        self._append(await asyncio.to_thread(self.loader, self.search, after))

    def _append(self, rows: list[SuppressedRow]) -> None:
        table = self.query_one(DataTable)
        self._last_page_full = bool(rows) and len(rows) >= PAGE
        self.rows.update((r.thread_id, r) for r in rows)
        for r in rows:
            table.add_row(
                plain(one_line(r.candidate_name, 24)),
                Text(r.state),
                Text(", ".join(r.reasons)),
                key=r.thread_id,
            )
        self._title()

    def _title(self) -> None:
        total = self.total if self.total is not None else len(self.rows)
        line = Text(f"Why not? · {total} threads got no follow-up", style="bold")
        if self.search:
            line.append(f" matching “{one_line(self.search, 40)}”")
        more = "; the rest load as you scroll down" if len(self.rows) < total else ""
        line.append(f" · {len(self.rows)} listed{more}", style="dim")
        self.query_one("#why-title", Static).update(line)

    @on(DataTable.RowHighlighted, "#why-table")
    def _show(self, event: DataTable.RowHighlighted) -> None:
        row = self.rows.get(str(event.row_key.value))
        if row is not None:
            self.query_one("#why-detail", Static).update(explain(row))
        if event.cursor_row >= len(self.rows) - 1 and self._last_page_full:
            self._last_page_full = False  # one page at a time
            self.more_rows()

    @on(Input.Submitted, "#why-search")
    def _search(self, event: Input.Submitted) -> None:
        self.refresh_rows(event.value.strip() or None)
        self.query_one(DataTable).focus()

    def action_search(self) -> None:
        """Focus the search box."""
        self.query_one("#why-search", Input).focus()

    def action_close(self) -> None:
        """Back to the queue."""
        self.dismiss(None)
