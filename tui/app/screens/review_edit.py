"""The review screen's edit flow: open the editor, keep unsaved text, save an edit.

A mixin of `ReviewScreen` (kept apart so each file reads in one sitting); it uses the
screen's `rapp`, `tell`, `_shown` and `show_draft`.
"""

from __future__ import annotations

import asyncio

from textual import work

from drafts import review
from drafts.review.detail import DraftDetail
from tui.app.dialogs.review import EditScreen


class EditFlow:
    """`e`: edit the draft on screen; the text is checked again when saved."""

    def action_edit(self) -> None:
        """Edit the text of the draft on screen (an unsaved edit is offered again)."""
        if (d := self._shown()) is None:
            return
        if d.draft["status"] != "pending":
            self.tell(f"Draft {d.draft['id']} is {d.draft['status']}: only pending drafts change.")
            return
        draft_id = d.draft["id"]
        start = d.draft["unsaved_edit"] or d.draft["body"]

        def autosave(text: str | None) -> None:
            self._save_unsaved(draft_id, text)

        def done(text: str | None) -> None:
            if text is None:
                self.show_draft(draft_id)
            else:
                self._edit(d, text)

        self.app.push_screen(EditScreen(draft_id, d.draft["body"], start, autosave), done)

    @work(group="autosave", exclusive=True, exit_on_error=False)
    async def _save_unsaved(self, draft_id: int, text: str | None) -> None:
        await asyncio.to_thread(self.rapp.service.keep_unsaved, draft_id, text)

    @work(group="decide", exit_on_error=False)
    async def _edit(self, d: DraftDetail, text: str) -> None:
        draft_id = d.draft["id"]
        try:
            outcome = await asyncio.to_thread(
                self.rapp.service.decide_edit, draft_id, d.draft["version"], text
            )
        except review.ReviewRefused as refused:
            self.tell(str(refused), "error")
        else:
            found = ", ".join(f.message for f in outcome.flags)
            self.tell(f"Edit saved. {found}" if found else "Edit saved; text checks pass.")
            self._count()
        self.show_draft(draft_id)
