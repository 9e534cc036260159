"""The lead's spot-check: a seeded sample of approved and sent drafts per recruiter.

The lead reads each one in full (the review detail, with its history) and marks it ok or
raises a concern with a note. Each verdict is written the moment it is given, through
`drafts.review.spotcheck.mark`, from a worker; the table only changes once the store has it.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from drafts.review.detail import DraftDetail
from drafts.review.lead_desk import SpotSample
from drafts.review.spotcheck import SpotCheckItem
from drafts.rules.flags import Flag
from drafts.sending.writes import touchpoint_id
from store import FollowupsError
from tui.app.dialogs.lead import ConcernNoteScreen, ConcernsScreen
from tui.app.screens.review import NARROW_COLUMNS
from tui.app.widgets.detail_view import render_detail
from tui.safe_text import one_line, safe

if TYPE_CHECKING:
    from tui.app.app import ReviewApp

COLUMNS = (
    ("recruiter", "owner", 9),
    ("reviewer", "approver", 9),
    ("draft", "draft", 5),
    ("status", "status", 8),
    ("candidate", "candidate", 18),
    ("verdict", "verdict", 7),
)
VERDICT_STYLE = {"ok": "green", "concern": "bold red"}


def verdict_cell(item: SpotCheckItem) -> Text:
    """The verdict column: ok, concern or a dash."""
    return Text(item.verdict or "-", style=VERDICT_STYLE.get(item.verdict or "", "dim"))


def verdict_banner(item: SpotCheckItem) -> Text:
    """The line above the draft saying what the lead has said about it so far."""
    text = Text()
    # Owner and reviewer both: crediting the owner with a colleague's approval misleads.
    approver = one_line(item.decided_by) if item.decided_by else "unknown"
    status = "" if item.status == "approved" else f"{item.status}, "
    text.append(
        f"Spot-check · {status}approved by {approver} · {one_line(item.recruiter)}'s draft · ",
        style="bold",
    )
    if item.verdict is None:
        text.append("no verdict yet: o ok, c concern\n", style="italic")
    elif item.verdict == "ok":
        text.append("ok\n", style="bold green")
    else:
        text.append("CONCERN: ", style="bold red")
        text.append(safe(item.note) + "\n", style="red")
    return text


def without_own_send(detail: DraftDetail) -> DraftDetail:
    """The detail minus flags whose evidence is this draft's own send.

    Asked now, the rules see a sent follow-up's own touchpoint (recent contact, follow-ups
    used up): true, but no reason to doubt the draft, and it would bury what is.
    """
    own = touchpoint_id(detail.draft["id"])

    def keep(flag: Flag) -> bool:
        return flag.evidence.get("touchpoint_id") != own

    return dataclasses.replace(
        detail,
        blocking=[f for f in detail.blocking if keep(f)],
        warnings=[f for f in detail.warnings if keep(f)],
    )


class SpotCheckScreen(Screen[None]):
    """The sample, one draft in full beside it, and the keys for a verdict."""

    BINDINGS = [
        Binding("o", "ok", "OK", id="spot_ok", tooltip="The draft on screen is fine"),
        Binding("c", "concern", "Concern", id="spot_concern", tooltip="Raise a concern (a note)"),
        Binding("l", "concerns", "Concerns", id="spot_concerns", tooltip="Concerns per recruiter"),
        Binding("x", "export", "Export CSV", id="spot_export", tooltip="Concerns to a CSV file"),
        Binding("j", "next", "Next", id="spot_next", show=False, tooltip="Next sampled draft"),
        Binding("k", "previous", "Prev", id="spot_previous", show=False, tooltip="Previous one"),
        Binding("escape", "close", "Back", id="spot_close", tooltip="Back to the queue"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="spot-check")
        self.items: dict[int, SpotCheckItem] = {}
        self.sample: SpotSample | None = None
        self.current_id: int | None = None
        self.shown_id: int | None = None

    @property
    def rapp(self) -> ReviewApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        """Status line, the sample beside the selected draft, footer."""
        yield Static(Text("Spot-check: loading the sample…"), id="spot-status")
        with Horizontal(id="spot-main"):
            yield DataTable(id="spot-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="spot-detail-scroll"):
                yield Static(Text(""), id="spot-detail")
        yield Footer()

    def on_mount(self) -> None:
        """Columns of fixed width (nothing to measure), then the sample."""
        table = self.query_one(DataTable)
        for key, label, width in COLUMNS:
            table.add_column(label, key=key, width=width)
        table.focus()
        self._fit(self.size.width)
        self.load_sample()

    def on_resize(self, event: events.Resize) -> None:
        """Below NARROW_COLUMNS the sample goes above the draft, as on the review screen."""
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        self.set_class(0 < width < NARROW_COLUMNS, "narrow")

    def tell(self, message: str, severity: str = "information") -> None:
        """A notification built from data: never markup."""
        self.app.notify(message, severity=severity, markup=False)  # type: ignore[arg-type]

    def _status(self) -> None:
        items = list(self.items.values())
        checked = sum(1 for i in items if i.verdict)
        concerns = sum(1 for i in items if i.verdict == "concern")
        parts = [f"Spot-check · lead {one_line(self.rapp.reviewer, 30)}"]
        if self.sample is not None:
            parts.append(f"{self.sample.per_recruiter} per recruiter, seed {self.sample.seed}")
        parts.append(f"{len(items)} drafts · {checked} checked · concerns {concerns}")
        self.query_one("#spot-status", Static).update(Text(" · ".join(parts), style="bold"))

    @work(exclusive=True, group="spot_sample", exit_on_error=False)
    async def load_sample(self) -> None:
        """Draw the sample (seeded: the same drafts every time) and list it."""
        sample = await asyncio.to_thread(self.rapp.service.fetch_spot_sample)
        self.sample = sample
        self.items = {item.draft_id: item for item in sample.items}
        table = self.query_one(DataTable)
        with self.app.batch_update():
            table.clear()
            for item in sample.items:
                table.add_row(
                    Text(one_line(item.recruiter, 9)),
                    Text(one_line(item.decided_by or "-", 9)),
                    Text(str(item.draft_id), justify="right"),
                    Text(item.status),
                    Text(one_line(sample.names.get(item.candidate_id, item.candidate_id), 18)),
                    verdict_cell(item),
                    key=str(item.draft_id),
                )
        self._status()
        if not sample.items:
            self.query_one("#spot-detail", Static).update(
                Text("Nothing to spot-check: no recruiter has approved or sent a draft yet.")
            )

    @on(DataTable.RowHighlighted, "#spot-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.current_id = int(str(event.row_key.value))
        self.show_item(self.current_id)

    @work(exclusive=True, group="spot_detail", exit_on_error=False)
    async def show_item(self, draft_id: int) -> None:
        """The sampled draft in full: the review detail under the verdict so far."""
        detail = await asyncio.to_thread(self.rapp.service.fetch_spot_detail, draft_id)
        if draft_id != self.current_id or draft_id not in self.items:
            return
        text = verdict_banner(self.items[draft_id])
        if detail is None:
            text.append(f"Draft {draft_id} no longer exists.\n", style="red")
        else:
            shown = without_own_send(detail)
            text.append("\n").append(render_detail(shown, None, self.rapp.clock()))
        self.query_one("#spot-detail", Static).update(text)
        self.query_one("#spot-detail-scroll", VerticalScroll).scroll_home(animate=False)
        self.shown_id = draft_id

    def _on_screen(self) -> SpotCheckItem | None:
        """The item whose detail is on screen: a verdict is only given on what was read."""
        if self.current_id is None or self.shown_id != self.current_id:
            self.tell("The draft is still loading: read it first.", "warning")
            return None
        return self.items.get(self.current_id)

    def action_next(self) -> None:
        """The next sampled draft."""
        self.query_one(DataTable).action_cursor_down()

    def action_previous(self) -> None:
        """The previous sampled draft."""
        self.query_one(DataTable).action_cursor_up()

    def action_ok(self) -> None:
        """Mark the draft on screen as fine."""
        if (item := self._on_screen()) is not None:
            self._mark(item, "ok", None)

    def action_concern(self) -> None:
        """Raise a concern about the draft on screen; the dialog refuses an empty note."""
        if (item := self._on_screen()) is None:
            return

        def noted(note: str | None) -> None:
            if note:
                self._mark(item, "concern", note)

        self.app.push_screen(ConcernNoteScreen(item.draft_id), noted)

    @work(group="spot_mark", exit_on_error=False)
    async def _mark(self, item: SpotCheckItem, verdict: str, note: str | None) -> None:
        try:
            await asyncio.to_thread(self.rapp.service.decide_spot, item.draft_id, verdict, note)
        except FollowupsError as refused:
            self.tell(str(refused), "error")
            return
        marked = dataclasses.replace(item, verdict=verdict, note=note)
        self.items[item.draft_id] = marked
        table = self.query_one(DataTable)
        table.update_cell(str(item.draft_id), "verdict", verdict_cell(marked))
        self._status()
        self.tell(f"Draft {item.draft_id}: {verdict} recorded.")
        if item.draft_id != self.current_id:
            return
        if table.cursor_row < table.row_count - 1:
            table.action_cursor_down()
        else:
            self.show_item(item.draft_id)  # the last one: show its verdict and history

    def action_concerns(self) -> None:
        """The concerns raised so far, per recruiter."""
        self._show_concerns()

    @work(exclusive=True, group="spot_concerns", exit_on_error=False)
    async def _show_concerns(self) -> None:
        grouped = await asyncio.to_thread(self.rapp.service.fetch_concerns)

        def closed(export: bool | None) -> None:
            if export:
                self.action_export()

        self.app.push_screen(ConcernsScreen(grouped), closed)

    def action_export(self) -> None:
        """Write every concern to a CSV file; the notification says where."""
        self._export()

    @work(exclusive=True, group="spot_export", exit_on_error=False)
    async def _export(self) -> None:
        try:
            path, count = await asyncio.to_thread(self.rapp.service.export_concerns)
        except OSError as problem:
            self.tell(
                f"Could not write the CSV ({problem}). From a shell: "
                "followups spotcheck concerns --csv > concerns.csv",
                "error",
            )
            return
        self.tell(f"Wrote {count} concern(s) to {path}")

    def action_close(self) -> None:
        """Back to the queue."""
        self.dismiss(None)
