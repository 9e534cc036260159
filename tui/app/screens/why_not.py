"""Why not? Threads that got no follow-up, with their reasons and evidence, searchable."""

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
from tui.app.widgets.detail_view import BLOCK_STYLE, WARN_STYLE
from tui.safe_text import one_line, plain, safe

Loader = Callable[[str | None], list[SuppressedRow]]


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

    def __init__(self, loader: Loader):
        super().__init__(classes="why-not")
        self.loader = loader
        self.rows: dict[str, SuppressedRow] = {}

    def compose(self) -> ComposeResult:
        """Search box, threads table and the selected thread's reasons."""
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
        """Load suppressed threads matching the search (off the event loop)."""
        rows = await asyncio.to_thread(self.loader, search)
        table = self.query_one(DataTable)
        table.clear()
        self.rows = {r.thread_id: r for r in rows}
        for r in rows:
            table.add_row(
                plain(one_line(r.candidate_name, 24)),
                Text(r.state),
                Text(", ".join(r.reasons)),
                key=r.thread_id,
            )
        if not rows:
            self.query_one("#why-detail", Static).update(Text("Nothing matches."))

    @on(DataTable.RowHighlighted, "#why-table")
    def _show(self, event: DataTable.RowHighlighted) -> None:
        row = self.rows.get(str(event.row_key.value))
        if row is not None:
            self.query_one("#why-detail", Static).update(explain(row))

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
