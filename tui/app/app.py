"""`followups review`: the Textual app that is the only way a draft becomes approved.

The App only wires: the review service (`drafts.review.service`, every store read and
decision), the key map, the first screen, and one handler that turns a failed worker into
a visible error. Screens call `app.service` from workers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine
from textual.app import App, SystemCommand
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from drafts.review.queue import QueueFilter
from drafts.review.service import ReviewService
from store.config import Settings
from tui.app.commands import CandidateJump, ThemeMemory, screen_commands
from tui.app.dialogs.review import EditScreen
from tui.app.screens.review import ReviewScreen

# Each screen's CSS sits beside it; rules are rooted at the screen's class.
_SCREENS = Path(__file__).parent / "screens"


class ReviewApp(App[str]):
    """The review app. `now` fixes the clock (tests, snapshots, `--now`).

    With `lead`, the reviewer is a team lead: every queue, spot-checks, figures and the
    admin switch (see `tui.app.screens.lead`); exports go to `export_dir` (default: here).
    """

    CSS_PATH = [_SCREENS / "review.tcss", _SCREENS / "lead.tcss"]
    TITLE = "followups review"
    # ctrl+p: the screen's actions, a jump to a candidate, Textual's themes (tui.app.commands).
    COMMANDS = App.COMMANDS | {CandidateJump}

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
        prefs_dir: Path | None = None,
    ):
        super().__init__()
        # Where the reviewer's theme is remembered (tests pass a folder of their own).
        self.theme_memory = ThemeMemory(prefs_dir)
        self.service = ReviewService(
            engine, settings, reviewer, now=now, lead=lead, export_dir=export_dir
        )
        self.settings = settings
        self.reviewer = reviewer
        self.lead = lead
        self.last_shown: int | None = None

    @property
    def engine(self) -> Engine:
        """The store (tests read it after a key to check what was written)."""
        return self.service.engine

    @property
    def queue_filter(self) -> QueueFilter:
        """The queue's current filter (kept by the service)."""
        return self.service.queue_filter

    @queue_filter.setter
    def queue_filter(self, value: QueueFilter) -> None:
        self.service.queue_filter = value

    def clock(self) -> datetime:
        """Now, as naive UTC (fixed when the app was given a time)."""
        return self.service.clock()

    def on_mount(self) -> None:
        """Apply the key remapping from [review.keys]; show the queue."""
        self.set_keymap(dict(self.settings.review.keys))
        remembered = self.theme_memory.load()
        if remembered in self.available_themes:
            self.theme = remembered
        self.theme_changed_signal.subscribe(self, lambda theme: self.theme_memory.save(theme.name))
        if self.lead:
            # The lead's screens (figures, spot-checks) load only for a lead.
            from tui.app.screens.lead import LeadReviewScreen

            self.push_screen(LeadReviewScreen())
        else:
            self.push_screen(ReviewScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's commands (Theme, Keys, Quit…) and every action of the screen."""
        yield from super().get_system_commands(screen)
        yield from screen_commands(screen)

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
            await asyncio.to_thread(self.service.keep_unsaved, editor.draft_id, text)
        await asyncio.to_thread(self.service.release_claims)
        progress = await asyncio.to_thread(self.service.fetch_progress)
        # Marks live on the review screen only: the summary says when some are dropped.
        marked = sum(len(getattr(screen, "marked", ())) for screen in self.screen_stack)
        self.exit(progress.summary(self.reviewer, marked))
