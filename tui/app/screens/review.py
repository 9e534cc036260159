"""The review screen: the queue beside the selected draft, and every decision key.

Widgets never touch the store. Each action starts a worker that runs a `drafts.review`
function in a thread (asyncio.to_thread: the event loop stays free, and an exclusive
worker that is superseded is cancelled without its result ever reaching the screen).
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual._time import get_time  # the clock Textual stamps events with
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from drafts.review.detail import DraftDetail
from drafts.review.progress import Progress
from drafts.review.queue import QueueRow
from tui.app.screens.decision_guard import DecisionGuard, in_view, message_rows
from tui.app.screens.review_decide import DecisionFlow
from tui.app.screens.review_edit import EditFlow
from tui.app.screens.review_tools import QueueTools
from tui.app.widgets.detail_view import render_detail
from tui.app.widgets.queue_table import QueueTable
from tui.safe_text import one_line

if TYPE_CHECKING:
    from tui.app.app import ReviewApp


# Below this many columns the queue sits above the draft instead of beside it.
NARROW_COLUMNS = 120


class ReviewScreen(DecisionFlow, EditFlow, QueueTools, Screen[None]):
    """Queue and detail on one screen; a decision moves on to the next undecided draft."""

    BINDINGS = [
        Binding("j", "next", "Next", id="next", tooltip="Next draft (also the down arrow)"),
        Binding("k", "previous", "Prev", id="previous", tooltip="Previous draft (also up)"),
        Binding("a", "approve", "Approve", id="approve", tooltip="Approve the draft on screen"),
        Binding("e", "edit", "Edit", id="edit", tooltip="Edit the text; save shows a diff"),
        Binding("r", "reject", "Reject", id="reject", tooltip="Reject, with a reason"),
        Binding("space", "mark", "Mark", id="mark", tooltip="Mark for bulk approval"),
        Binding("A", "approve_marked", "Approve marked", id="approve_marked"),
        Binding(
            "R",
            "reject_marked",
            "Reject marked",
            id="reject_marked",
            tooltip="Reject every marked draft with one reason",
        ),
        Binding("u", "undo", "Undo", id="undo", tooltip="Undo your last decision"),
        Binding(
            "n",
            "next_flagged",
            "Next flagged",
            id="next_flagged",
            tooltip="Jump to the next draft with a flag (red blocks, yellow warns)",
        ),
        Binding(
            "slash",
            "search",
            "Search",
            id="search",
            tooltip="Search every field shown (case and accents ignored); esc clears",
        ),
        Binding("f", "filter", "Filter", id="filter", tooltip="Status, flag, recruiter, role"),
        Binding("w", "why_not", "Why not?", id="why_not", tooltip="Threads with no follow-up"),
        Binding("question_mark", "help", "Help", id="help", tooltip="Every key"),
        Binding("escape", "close_search", "Clear search", id="close_search", show=False),
        Binding("q", "app.quit", "Quit", id="quit", tooltip="Quit (an edit in progress is kept)"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="review")
        self.page: list[QueueRow] = []
        self.detail: DraftDetail | None = None
        self.current_id: int | None = None
        self.marked: set[int] = set()
        self.marked_versions: dict[int, int] = {}
        self.shown_ids: set[int] = set()
        self.on_screen_ms: dict[int, int] = {}
        self._shown_since: float | None = None
        self.total: int | None = None
        self.progress: Progress | None = None  # this sitting's done/left, after each decision
        self._count_pending = False
        # When the key being handled was pressed (events carry it): dwell is counted to it.
        self._key_at: float | None = None
        self.guard = DecisionGuard(min_dwell_ms=0)
        self._detail_text = Text()  # the draft's detail as drawn (where its message is)

    @property
    def rapp(self) -> ReviewApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        """Status line, search box, queue and detail side by side, footer."""
        yield Static(id="status-line")
        yield Input(
            placeholder="search name, company, email, role, recruiter or text (accents and case"
            " ignored); enter applies, esc clears",
            id="search",
        )
        with Horizontal(id="main"):
            yield QueueTable(id="queue")
            with VerticalScroll(id="detail-scroll"):
                yield Static(Text("Loading the queue…"), id="detail")
        yield Footer()

    def on_mount(self) -> None:
        """Load the first page; keep this reviewer's claim alive while they read."""
        self.query_one("#search", Input).display = False
        self.guard.min_dwell_ms = self.rapp.settings.review.min_dwell_ms
        self._fit(self.size.width)
        self.query_one(QueueTable).focus()
        self.load_page(None, cursor=0)
        lease = self.rapp.settings.review.lease_minutes
        self.set_interval(lease * 30, self._renew_claim)

    # ---- layout and keys ----------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        """Below NARROW_COLUMNS the queue goes above the draft: the text keeps its width."""
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        self.set_class(0 < width < NARROW_COLUMNS, "narrow")

    def on_key(self, event: events.Key) -> None:
        """Remember when this key was pressed; its binding runs after (at the app)."""
        self._key_at = event.time

    # ---- status -------------------------------------------------------------------------

    def status_parts(self) -> list[str | Text]:
        """What the status line says, left to right (lead mode adds its own)."""
        app, filt = self.rapp, self.rapp.queue_filter
        parts: list[str | Text] = [
            f"reviewer {one_line(app.reviewer, 30)}",
            f"status {filt.status or 'any'}",
        ]
        for name in ("recruiter", "role", "flag"):
            if value := getattr(filt, name):
                parts.append(f"{name} {one_line(value, 30)}")
        if filt.search:
            parts.append(f"search “{one_line(filt.search, 30)}” (esc clears)")
        if self.progress is not None and filt.status == "pending":
            parts.append(f"{self.progress.done} done · {self.progress.left} left")
        elif self.total is not None:
            parts.append(f"{self.total} drafts")
        if self.marked:
            parts.append(f"{len(self.marked)} marked")
        return parts

    def _status(self, message: str = "") -> None:
        line = Text(style="bold")
        for index, part in enumerate(self.status_parts()):
            line.append(" · " if index else "")
            line.append(part)
        if message:
            line.append("   " + one_line(message, 120), style="italic")
        self.query_one("#status-line", Static).update(line)

    def tell(self, message: str, severity: str = "information") -> None:
        """A notification built from data: never markup."""
        self.app.notify(message, severity=severity, markup=False)  # type: ignore[arg-type]

    # ---- loading ------------------------------------------------------------------------

    def jump_to(self, draft_id: int) -> None:
        """Show a draft of the current queue (the palette's candidate jump)."""
        self.load_page(draft_id - 1, cursor=0)

    @work(exclusive=True, group="page", exit_on_error=False)
    async def load_page(
        self, after_id: int | None, *, before_id: int | None = None, cursor: int = 0
    ) -> None:
        """Fetch a page of the queue and show it; the count follows separately."""
        rows = await asyncio.to_thread(self.rapp.service.fetch_page, after_id, before_id)
        if not rows:
            if after_id is None and before_id is None:
                self.page = []
                self.query_one(QueueTable).clear()
                self.current_id, self.detail = None, None
                self.query_one("#detail", Static).update(Text("Nothing to review here."))
            else:
                self.tell("No more drafts that way.")
            self._count()
            return
        self.page = rows
        self.query_one(QueueTable).show_page(rows, self.rapp.clock(), self.marked, cursor)
        # The count (a scan of the whole queue) waits for the first draft to be on screen:
        # on SQLite it would hold the store while the draft loads.
        self._count_pending = after_id is None and before_id is None

    @work(exclusive=True, group="count", exit_on_error=False)
    async def _count(self) -> None:
        self.total = await asyncio.to_thread(self.rapp.service.fetch_count)
        self.progress = await asyncio.to_thread(self.rapp.service.fetch_progress)
        self._status()

    @on(DataTable.RowHighlighted, "#queue")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._leave_current()
        self.current_id = int(str(event.row_key.value))
        self.show_draft(self.current_id)

    def _leave_current(self) -> None:
        if self.current_id is not None and self._shown_since is not None:
            spent = int((time.monotonic() - self._shown_since) * 1000)
            self.on_screen_ms[self.current_id] = self.on_screen_ms.get(self.current_id, 0) + spent
        self._shown_since = None

    @work(exclusive=True, group="detail", exit_on_error=False)
    async def show_draft(self, draft_id: int) -> None:
        """Claim the draft, recheck its rules and show it (the one place a draft is shown)."""
        held_by, detail = await asyncio.to_thread(self.rapp.service.fetch_detail, draft_id)
        if draft_id != self.current_id:
            return
        if detail is None:
            self.tell(f"Draft {draft_id} no longer exists.", "warning")
            return
        self.detail = detail
        row = next((r for r in self.page if r.id == draft_id), None)
        self.guard.forget()
        self._detail_text = render_detail(detail, row, self.rapp.clock())
        self.query_one("#detail", Static).update(self._detail_text)
        self.query_one("#detail-scroll", VerticalScroll).scroll_home(animate=False)
        self.query_one(QueueTable).set_status(
            draft_id, "taken" if held_by else detail.draft["status"]
        )
        self.call_after_refresh(self._painted, draft_id)
        message = f"{held_by} is reviewing draft {draft_id}" if held_by else ""
        self._status(message)
        if self._count_pending:
            self._count_pending = False
            self._count()
        self.post_message(self.rapp.DraftShown(draft_id))

    def _painted(self, draft_id: int) -> None:
        """The draft is on the terminal now: its time on screen starts here."""
        if draft_id != self.current_id or self.detail is None:
            return
        if self.detail.draft["id"] != draft_id:
            return
        self.guard.drawn(draft_id, get_time())
        self.shown_ids.add(draft_id)
        self._shown_since = time.monotonic()
        self._key_at = None  # a key pressed before this draft was drawn is not about it

    def _cursor_id(self) -> int | None:
        table = self.query_one(QueueTable)
        if not table.row_count:
            return None
        return int(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def _show_again(self, draft_id: int) -> None:
        """Redraw a draft after a refused decision, unless the reviewer has moved on (a
        detail worker for the draft they moved to must not be cancelled for it)."""
        if draft_id == self.current_id:
            self.show_draft(draft_id)

    def _ms(self, draft_id: int) -> int:
        spent = self.on_screen_ms.get(draft_id, 0)
        if draft_id == self.current_id and self._shown_since is not None:
            spent += int((time.monotonic() - self._shown_since) * 1000)
        return spent

    def _shown(self, *, deciding: bool = True) -> DraftDetail | None:
        """The draft on screen, only once its detail is really there; for a decision, only
        when the key was pressed on that draft, readable, after `min_dwell_ms` (the guard)."""
        pressed = self._key_at if self._key_at is not None else get_time()
        self._key_at = None
        d = self.detail
        if d is None or self.current_id is None or d.draft["id"] != self.current_id:
            self.tell("The draft is still loading: look at it first.", "warning")
            return None
        if deciding:
            scroll = self.query_one("#detail-scroll", VerticalScroll)
            pane = scroll.scrollable_content_region
            span = message_rows(self._detail_text, pane.width, self.app.console)
            why = self.guard.refusal(
                cursor_id=self._cursor_id(),
                pressed_at=pressed,
                columns=pane.width,
                rows=pane.height,
                message_in_view=in_view(span, scroll.scroll_y, pane.height),
            )
            if why is not None:
                self.tell(why, "warning")
                return None
        return d

    def _renew_claim(self) -> None:
        if self.current_id is not None:
            self.show_draft(self.current_id)

    # ---- moving -------------------------------------------------------------------------

    def action_next(self) -> None:
        """The next draft in the queue."""
        self.query_one(QueueTable).action_cursor_down()

    def action_previous(self) -> None:
        """The previous draft in the queue."""
        self.query_one(QueueTable).action_cursor_up()

    @on(QueueTable.EdgeReached, "#queue")
    def _edge(self, event: QueueTable.EdgeReached) -> None:
        if not self.page:
            return
        if event.direction > 0:
            self.load_page(self.page[-1].id, cursor=0)
        else:
            self.load_page(None, before_id=self.page[0].id, cursor=len(self.page) - 1)

    def _advance(self, draft_id: int) -> None:
        """After a decision: the next undecided draft on the page, else the next page."""
        table = self.query_one(QueueTable)
        ids = [r.id for r in self.page]
        start = ids.index(draft_id) + 1 if draft_id in ids else table.cursor_row + 1
        for index in range(start, len(ids)):
            key = str(ids[index])
            status = table.get_cell(key, "status")
            if str(status) == "pending":
                table.move_cursor(row=index)
                return
        if self.page:
            self.load_page(self.page[-1].id, cursor=0)

    @on(Input.Submitted, "#search")
    def _search(self, event: Input.Submitted) -> None:
        # @on handlers are collected from Screen subclasses only, not from the mixin.
        self.search_submitted(event)
