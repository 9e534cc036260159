"""The queue: one page of drafts in a DataTable, keyed by draft id.

The table never holds more than one page (a few hundred rows): a DataTable measures every
cell on the event loop, and 100k rows would freeze the first paint for seconds. Moving
past either end asks the screen for the neighbouring page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from drafts.review.queue import QueueRow
from tui.app.widgets.detail_view import age
from tui.app.widgets.flag_words import flag_words
from tui.safe_text import one_line

# Room for one readable flag word ("recent contact") or two short ones and a count.
FLAGS_WIDTH = 14
COLUMNS = (
    ("mark", " ", 1),
    ("candidate", "candidate", 17),
    ("role", "role", 10),
    ("recruiter", "recruiter", 9),
    ("age", "age", 3),
    ("flags", "flags", FLAGS_WIDTH),
    ("status", "status", 8),
)
STATUS_STYLE = {"approved": "green", "rejected": "red", "pending": "", "taken": "dim"}


class QueueTable(DataTable):
    """The page of drafts on screen; asks for more at its edges."""

    @dataclass
    class EdgeReached(Message):
        """The cursor tried to move past the first (-1) or last (+1) row of the page."""

        table: QueueTable
        direction: int

        @property
        def control(self) -> QueueTable:
            """The table that reached its edge."""
            return self.table

    def __init__(self, **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)

    def on_mount(self) -> None:
        """Fixed-width columns: nothing has to be measured when a page arrives."""
        for key, label, width in COLUMNS:
            self.add_column(label, key=key, width=width)

    def action_cursor_down(self) -> None:
        """Down, or the next page from the last row."""
        if self.row_count and self.cursor_row >= self.row_count - 1:
            self.post_message(self.EdgeReached(self, +1))
        else:
            super().action_cursor_down()

    def action_cursor_up(self) -> None:
        """Up, or the previous page from the first row."""
        if self.cursor_row <= 0:
            self.post_message(self.EdgeReached(self, -1))
        else:
            super().action_cursor_up()

    def show_page(self, rows: list[QueueRow], now: datetime, marked: set[int], cursor: int) -> None:
        """Replace the table's contents with one page and put the cursor on `cursor`."""
        with self.app.batch_update():
            self.clear()
            for row in rows:
                self.add_row(*cells(row, now, row.id in marked), key=str(row.id))
            if rows:
                self.move_cursor(row=max(0, min(cursor, len(rows) - 1)))

    def set_status(self, draft_id: int, status: str) -> None:
        """Show a decision on the draft's row, if it is on this page."""
        key = str(draft_id)
        # update_cell re-renders the whole table: skip it when nothing changes.
        if key in self.rows and str(self.get_cell(key, "status")) != status:
            self.update_cell(key, "status", Text(status, style=STATUS_STYLE.get(status, "")))

    def set_mark(self, draft_id: int, marked: bool) -> None:
        """Show or clear the mark on the draft's row."""
        if str(draft_id) in self.rows:
            self.update_cell(str(draft_id), "mark", Text("●" if marked else " ", style="bold cyan"))


def cells(row: QueueRow, now: datetime, marked: bool) -> list[Text]:
    """One row's cells: every value a Text, so names are never read as markup."""
    return [
        Text("●" if marked else " ", style="bold cyan"),
        Text(one_line(row.candidate_name, 17)),
        Text(one_line(row.role_title or row.channel, 10)),
        Text(one_line(row.recruiter or "-", 9)),
        Text(age(row.initial_at or row.created_at, now)),
        flag_words(row.flags, FLAGS_WIDTH),
        Text(row.status, style=STATUS_STYLE.get(row.status, "")),
    ]
