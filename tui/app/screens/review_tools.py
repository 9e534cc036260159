"""The review screen's queue tools: marks and bulk approval, search, filter, help, why not.

A mixin of `ReviewScreen` (kept apart so each file reads in one sitting); it uses the
screen's `rapp`, `tell`, `_status`, `_shown`, `_decided`, `show_draft` and `load_page`.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from textual import work
from textual.widgets import Input

from drafts.review.queue import QueueFilter
from tui.app.dialogs.bulk import BulkChoice, BulkScreen
from tui.app.dialogs.review import FilterScreen, HelpScreen, RejectScreen
from tui.app.screens.why_not import WhyNotScreen
from tui.app.widgets.queue_table import QueueTable


class QueueTools:
    """Marks, bulk approval, search, filter, help and Why not? for the review screen."""

    def action_mark(self) -> None:
        """Mark or unmark the draft on screen for bulk approval."""
        if (d := self._shown(deciding=False)) is None:
            return
        draft_id = d.draft["id"]
        if draft_id in self.marked:
            self.marked.discard(draft_id)
        else:
            self.marked.add(draft_id)
            # The version marked is the one a group rejection may reject, none newer.
            self.marked_versions[draft_id] = d.draft["version"]
        self.query_one(QueueTable).set_mark(draft_id, draft_id in self.marked)
        self._status()

    def action_approve_marked(self) -> None:
        """Show every marked draft and ask before approving any."""
        unseen = sorted(self.marked - self.shown_ids)
        if unseen:
            self.tell(f"Not approved: never on screen: {unseen}", "error")
            return
        if not self.marked:
            self.tell("Nothing marked: space marks the draft on screen.")
            return
        self._bulk(sorted(self.marked))

    def action_reject_marked(self) -> None:
        """Reject every marked draft with one reason (number keys pick it at once)."""
        if not self.marked:
            self.tell("Nothing marked: space marks the draft on screen; R rejects the marked.")
            return
        seen = {i: self.marked_versions[i] for i in sorted(self.marked)}

        def chosen(answer: tuple[str, str | None] | None) -> None:
            if answer is not None:
                self._reject_marked(seen, *answer)

        self.app.push_screen(RejectScreen(count=len(seen)), chosen)

    @work(group="decide", exit_on_error=False)
    async def _reject_marked(self, seen: dict[int, int], reason: str, note: str | None) -> None:
        ms = {i: self._ms(i) for i in seen}
        done, problems = await asyncio.to_thread(
            self.rapp.service.decide_reject_many, seen, reason, note, ms
        )
        for draft_id in done:
            self._decided(draft_id, "rejected")
        message = f"Rejected {len(done)} marked draft(s): {reason}"
        self.tell(
            message + "".join(f"\n{p}" for p in problems), "warning" if problems else "information"
        )

    @work(group="decide", exit_on_error=False)
    async def _bulk(self, ids: list[int]) -> None:
        details = await asyncio.to_thread(self.rapp.service.fetch_details, ids)
        choice: BulkChoice | None = await self.app.push_screen_wait(BulkScreen(details))
        if choice is None:
            self.tell("Nothing approved.")
            return
        done, problems = await asyncio.to_thread(
            self.rapp.service.decide_bulk, choice.approve, self.on_screen_ms
        )
        for draft_id in done:
            self._decided(draft_id, "approved")
        message = f"Approved {len(done)}; refused {len(choice.refused)} blocked"
        message += f"; left {len(choice.declined)} pending" if choice.declined else ""
        self.tell(
            message + "".join(f"\n{p}" for p in problems), "warning" if problems else "information"
        )
        if self.current_id is not None:
            self.show_draft(self.current_id)

    # ---- flags ----------------------------------------------------------------------------

    def action_next_flagged(self) -> None:
        """Jump to the next draft with a flag: on this page, else the page that holds it."""
        table = self.query_one(QueueTable)
        for index in range(table.cursor_row + 1, len(self.page)):
            if self.page[index].flags:
                table.move_cursor(row=index)
                return
        self._next_flagged_beyond(self.page[-1].id if self.page else 0)

    @work(group="next_flagged", exclusive=True, exit_on_error=False)
    async def _next_flagged_beyond(self, after_id: int) -> None:
        found = await asyncio.to_thread(self.rapp.service.fetch_next_flagged, after_id)
        if found is None:
            self.tell("No flagged draft after this one.")
            return
        self.load_page(found - 1, cursor=0)

    # ---- search, filter, help, why not ---------------------------------------------------

    def action_search(self) -> None:
        """Open the search box."""
        box = self.query_one("#search", Input)
        box.display = True
        box.value = self.rapp.queue_filter.search or ""
        box.focus()

    def action_close_search(self) -> None:
        """Esc: close the search box and clear the search (the filter stays as it is)."""
        self._hide_search()
        if self.rapp.queue_filter.search:
            self._refilter(replace(self.rapp.queue_filter, search=None))

    def _hide_search(self) -> None:
        self.query_one("#search", Input).display = False
        self.query_one(QueueTable).focus()

    def search_submitted(self, event: Input.Submitted) -> None:
        """Apply what was typed in the search box (the screen routes Input.Submitted here)."""
        self._refilter(
            QueueFilter(
                **{**self.rapp.queue_filter.__dict__, "search": event.value.strip() or None}
            )
        )
        self._hide_search()

    def _refilter(self, filt: QueueFilter) -> None:
        self.rapp.queue_filter = filt
        self.total = None
        self._status()
        self.load_page(None, cursor=0)

    def action_filter(self) -> None:
        """Filter the queue by status, flag, recruiter or role."""
        self._open_filter()

    @work(group="dialog", exit_on_error=False)
    async def _open_filter(self) -> None:
        choices = await asyncio.to_thread(self.rapp.service.fetch_filter_choices)
        filt = await self.app.push_screen_wait(FilterScreen(self.rapp.queue_filter, choices))
        if filt is not None:
            self._refilter(filt)

    def action_help(self) -> None:
        """A help screen generated from the active bindings (so remapped keys show as they are)."""
        rows = [
            (
                self.app.get_key_display(active.binding),
                active.binding.id,
                active.binding.tooltip or active.binding.description,
            )
            for active in self.active_bindings.values()
            if active.binding.id and active.binding.id != "close_search"
        ]
        rows += [
            ("↑ ↓", "-", "Move in the queue (pages load at either end)"),
            ("tab", "-", "Move focus between the queue and the draft"),
            ("esc", "close_search", "Clear the search (and close its box)"),
            ("red word", "-", "A blocking flag in the queue: the draft cannot be approved"),
            ("yellow word", "-", "A warning: read its evidence in the draft, then decide"),
            ("^q", "-", "Quit from anywhere, even mid-edit (the edit is kept)"),
        ]
        self.app.push_screen(HelpScreen(rows))

    def action_why_not(self) -> None:
        """Threads that got no follow-up, with reasons and evidence."""
        service = self.rapp.service
        self.app.push_screen(WhyNotScreen(service.fetch_suppressed, service.count_suppressed))
