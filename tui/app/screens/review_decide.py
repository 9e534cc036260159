"""The review screen's decisions: approve, reject and undo the draft on screen.

A mixin of `ReviewScreen` (kept apart so each file reads in one sitting); it uses the
screen's `rapp`, `tell`, `_status`, `_shown`, `_show_again`, `_count`, `_advance`,
`show_draft`, `guard`, `marked` and `current_id`. Every decision goes through `_shown`,
which asks the decision guard first.
"""

from __future__ import annotations

import asyncio

from textual import work

from drafts import review
from drafts.review.detail import DraftDetail
from tui.app.dialogs.review import RejectScreen
from tui.app.widgets.queue_table import QueueTable


class DecisionFlow:
    """`a`, `r` and `u` for the review screen."""

    def action_approve(self) -> None:
        """Approve the draft on screen, its warnings in view."""
        if (d := self._shown()) is not None:
            self.guard.forget()  # decided: no further key is about it until one is drawn
            self._approve(d)

    @work(group="decide", exit_on_error=False)
    async def _approve(self, d: DraftDetail) -> None:
        draft_id = d.draft["id"]
        try:
            await asyncio.to_thread(
                self.rapp.service.decide_approve,
                draft_id,
                d.draft["version"],
                self._ms(draft_id),
                d.warning_codes,
            )
        except review.ReviewRefused as refused:
            self.tell(str(refused), "error")
            self._show_again(draft_id)
            return
        self._decided(draft_id, "approved")

    def _decided(self, draft_id: int, status: str) -> None:
        self.query_one(QueueTable).set_status(draft_id, status)
        self.marked.discard(draft_id)
        self.query_one(QueueTable).set_mark(draft_id, False)
        self._status(f"#{draft_id} {status}")
        self._count()
        if draft_id == self.current_id:
            self._advance(draft_id)

    def action_reject(self) -> None:
        """Reject the draft on screen, with a reason."""
        if (d := self._shown()) is None:
            return

        def chosen(answer: tuple[str, str | None] | None) -> None:
            if answer is not None:
                self.guard.forget()
                self._reject(d, *answer)

        self.app.push_screen(RejectScreen(), chosen)

    @work(group="decide", exit_on_error=False)
    async def _reject(self, d: DraftDetail, reason: str, note: str | None) -> None:
        draft_id = d.draft["id"]
        try:
            await asyncio.to_thread(
                self.rapp.service.decide_reject,
                draft_id,
                d.draft["version"],
                reason,
                note,
                self._ms(draft_id),
            )
        except review.ReviewRefused as refused:
            self.tell(str(refused), "error")
            self._show_again(draft_id)
            return
        self._decided(draft_id, "rejected")

    def action_undo(self) -> None:
        """Undo your last decision: the draft is pending again."""
        self._undo()

    @work(group="decide", exit_on_error=False)
    async def _undo(self) -> None:
        try:
            outcome = await asyncio.to_thread(self.rapp.service.decide_undo)
        except review.ReviewRefused as refused:
            self.tell(str(refused), "warning")
            return
        table = self.query_one(QueueTable)
        table.set_status(outcome.draft_id, "pending")
        self.tell(f"Undone: draft {outcome.draft_id} is pending again.")
        self._count()
        if str(outcome.draft_id) in table.rows:
            table.move_cursor(row=table.get_row_index(str(outcome.draft_id)))
        if self.current_id is not None:
            self.show_draft(self.current_id)
