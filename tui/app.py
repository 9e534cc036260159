"""`followups review`: the Textual app that is the only way a draft becomes approved.

The App wires things up: the store, the settings, who is reviewing and what time it is.
Its fetch_*/decide_* methods are the blocking calls screens run in worker threads; they
only call `drafts.review`, never Textual.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select
from textual.app import App
from textual.message import Message
from textual.worker import Worker, WorkerState

from drafts import review
from drafts.review.detail import DraftDetail, SuppressedRow, load_detail, load_suppressed
from drafts.review.queue import QueueFilter, QueueRow, count_queue, filter_choices, load_page
from store import models
from store.clock import utc_now
from store.config import Settings
from store.enums import DraftStatus
from tui.bulk import BulkChoice
from tui.dialogs import EditScreen
from tui.lead_calls import LeadCalls
from tui.lead_review import LeadReviewScreen
from tui.review_screen import ReviewScreen


class ReviewApp(LeadCalls, App[None]):
    """The review app. `now` fixes the clock (tests, snapshots, `--now`).

    With `lead`, the reviewer is a team lead: every queue, spot-checks, figures and the
    admin switch (see `tui.lead_review`); exports go to `export_dir` (default: here).
    """

    CSS_PATH = [Path(__file__).with_name("review.tcss"), Path(__file__).with_name("lead.tcss")]
    TITLE = "followups review"
    ENABLE_COMMAND_PALETTE = False

    class DraftShown(Message):
        """A draft's detail is on screen (tests and the benchmark wait for it)."""

        def __init__(self, draft_id: int):
            super().__init__()
            self.draft_id = draft_id

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        reviewer: str,
        *,
        now: datetime | None = None,
        lead: bool = False,
        export_dir: Path | None = None,
    ):
        super().__init__()
        self.engine = engine
        self.settings = settings
        self.reviewer = reviewer
        self.fixed_now = now
        self.lead = lead
        self.export_dir = export_dir or Path.cwd()
        self.queue_filter = QueueFilter(status=DraftStatus.PENDING)
        self.last_shown: int | None = None
        self._own_queue_checked = False

    def clock(self) -> datetime:
        """Now, as naive UTC (fixed when the app was given a time)."""
        return self.fixed_now or utc_now()

    def on_mount(self) -> None:
        """Apply the key remapping from [review.keys]; show the queue."""
        self.set_keymap(dict(self.settings.review.keys))
        self.push_screen(LeadReviewScreen() if self.lead else ReviewScreen())

    def on_review_app_draft_shown(self, message: DraftShown) -> None:
        """Remember the last draft shown (tests and the benchmark look at it)."""
        self.last_shown = message.draft_id

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed worker becomes a visible error, not a silent one or a crash."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.notify(f"Error: {event.worker.error}", severity="error", markup=False, timeout=10)

    async def action_quit(self) -> None:
        """Quit, keeping an edit in progress as unsaved text and giving back claims."""
        if isinstance(self.screen, EditScreen):
            editor = self.screen
            text = editor.text if editor.text != editor.body else None
            await asyncio.to_thread(
                review.save_unsaved_edit, self.engine, draft_id=editor.draft_id, text=text
            )
        await asyncio.to_thread(review.release_claims, self.engine, reviewer=self.reviewer)
        self.exit()

    # ---- blocking calls, run in worker threads -------------------------------------------

    def _default_filter(self, conn) -> None:
        """A reviewer who is a recruiter starts on their own queue; --lead and others see all."""
        if self._own_queue_checked:
            return
        self._own_queue_checked = True
        if self.lead:
            return
        table = models.Recruiter.__table__
        own = conn.execute(
            select(table.c.recruiter).where(table.c.recruiter == self.reviewer)
        ).scalar_one_or_none()
        if own is not None:
            self.queue_filter = QueueFilter(status=DraftStatus.PENDING, recruiter=own)

    def fetch_page(self, after_id: int | None, before_id: int | None) -> list[QueueRow]:
        """A page of the queue under the current filter."""
        with self.engine.connect() as conn:
            self._default_filter(conn)
            return load_page(
                conn,
                self.queue_filter,
                reviewer=self.reviewer,
                now=self.clock(),
                after_id=after_id,
                before_id=before_id,
            )

    def fetch_count(self) -> int:
        """How many drafts the current filter matches."""
        with self.engine.connect() as conn:
            return count_queue(conn, self.queue_filter, reviewer=self.reviewer, now=self.clock())

    def fetch_detail(self, draft_id: int) -> tuple[bool, DraftDetail | None]:
        """Claim (or renew) the draft, then load it with its rules asked now."""
        claimed = review.claim(
            self.engine,
            draft_id=draft_id,
            reviewer=self.reviewer,
            lease_minutes=self.settings.review.lease_minutes,
            now=self.clock(),
        )
        with self.engine.connect() as conn:
            return claimed, load_detail(conn, self.settings, draft_id, self.clock())

    def fetch_details(self, ids: list[int]) -> list[DraftDetail]:
        """Several drafts, rechecked now (the bulk confirmation)."""
        with self.engine.connect() as conn:
            found = [load_detail(conn, self.settings, i, self.clock()) for i in ids]
        return [d for d in found if d is not None]

    def fetch_filter_choices(self) -> dict[str, list[tuple[str, str]]]:
        """What the filter screen offers."""
        with self.engine.connect() as conn:
            return filter_choices(conn)

    def fetch_suppressed(self, search: str | None) -> list[SuppressedRow]:
        """Threads with no follow-up, for Why not?."""
        with self.engine.connect() as conn:
            return load_suppressed(conn, search)

    def decide_approve(self, draft_id: int, version: int, ms: int, codes: list[str]) -> None:
        """Approve one draft as seen."""
        review.approve(
            self.engine,
            self.settings,
            draft_id=draft_id,
            seen_version=version,
            reviewer=self.reviewer,
            on_screen_ms=ms,
            acknowledged=codes,
            now=self.fixed_now,
        )

    def decide_reject(self, draft_id: int, version: int, reason: str, note, ms: int) -> None:
        """Reject one draft as seen."""
        review.reject(
            self.engine,
            draft_id=draft_id,
            seen_version=version,
            reviewer=self.reviewer,
            reason=reason,
            note=note,
            on_screen_ms=ms,
            now=self.fixed_now,
        )

    def decide_edit(self, draft_id: int, version: int, text: str) -> review.Outcome:
        """Save an edit of one draft as seen."""
        return review.edit(
            self.engine,
            self.settings,
            draft_id=draft_id,
            seen_version=version,
            reviewer=self.reviewer,
            new_body=text,
            now=self.fixed_now,
        )

    def keep_unsaved(self, draft_id: int, text: str | None) -> None:
        """Keep (or drop) text being edited."""
        review.save_unsaved_edit(self.engine, draft_id=draft_id, text=text)

    def decide_undo(self) -> review.Outcome:
        """Undo this reviewer's last decision."""
        return review.undo(self.engine, self.settings, reviewer=self.reviewer, now=self.fixed_now)

    def decide_bulk(
        self, choice: BulkChoice, on_screen_ms: dict[int, int]
    ) -> tuple[list[int], list[str]]:
        """Approve what the bulk confirmation agreed to, one conditional update each."""
        done, problems = [], []
        for draft_id, version, codes in choice.approve:
            try:
                review.approve(
                    self.engine,
                    self.settings,
                    draft_id=draft_id,
                    seen_version=version,
                    reviewer=self.reviewer,
                    on_screen_ms=on_screen_ms.get(draft_id, 0),
                    acknowledged=codes,
                    now=self.fixed_now,
                    bulk=True,
                )
            except review.ReviewRefused as refused:
                problems.append(str(refused))
            else:
                done.append(draft_id)
        return done, problems
