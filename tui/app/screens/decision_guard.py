"""When a decision key may decide: only about the draft a person could see, and did.

Three things must hold when `a`, `r` or `e` is pressed (issue 12, items 2 and 3):

- the draft on screen is the one under the queue's cursor: `j a` typed in one burst moves
  the cursor before the next draft is drawn, and must never decide the draft being left;
- its text is visible: a pane too narrow or too short to read is no basis for a decision;
- it has been drawn for at least `[review] min_dwell_ms`, counted from the moment it was
  painted to the moment the key was pressed (not when the key was handled: a busy event
  loop must not turn a key typed ahead into a decision).

Anything else drops the key with a one-line notice saying why. Plain logic, no widgets:
the screen tells it what was drawn, when, and what it can see.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from rich.text import Text

# Narrower or shorter than this, the draft's text is not really readable.
MIN_TEXT_COLUMNS = 30
MIN_TEXT_ROWS = 4


@dataclass
class DecisionGuard:
    """What is drawn since when, and whether a key pressed at a moment may decide it."""

    min_dwell_ms: int
    draft_id: int | None = None
    drawn_at: float | None = None

    def drawn(self, draft_id: int, at: float) -> None:
        """The draft was painted on screen at `at` (a monotonic time, as events carry)."""
        self.draft_id, self.drawn_at = draft_id, at

    def forget(self) -> None:
        """Nothing is drawn (the queue is empty, or a new draft is on its way)."""
        self.draft_id, self.drawn_at = None, None

    def refusal(
        self,
        *,
        cursor_id: int | None,
        pressed_at: float,
        columns: int,
        rows: int,
        message_in_view: bool = True,
    ) -> str | None:
        """Why a decision key pressed at `pressed_at` must be dropped; None when it may decide.

        `cursor_id` is the draft under the queue's cursor now; `columns` × `rows` is the
        part of the draft pane a person can see.
        """
        if self.draft_id is None or self.drawn_at is None or cursor_id != self.draft_id:
            return "Key dropped: the next draft is not drawn yet; look at it first."
        if columns < MIN_TEXT_COLUMNS or rows < MIN_TEXT_ROWS:
            return (
                f"Key dropped: the draft's text is not visible ({columns}×{rows} cells); "
                "make the terminal larger, then decide."
            )
        if not message_in_view:
            return (
                "Key dropped: the draft's text is scrolled out of view; scroll back to it "
                "(home), then decide."
            )
        dwell_ms = int((pressed_at - self.drawn_at) * 1000)
        if dwell_ms < self.min_dwell_ms:
            return (
                f"Key dropped: draft {self.draft_id} had been on screen {max(dwell_ms, 0)} ms "
                f"(under {self.min_dwell_ms} ms); read it, then decide."
            )
        return None


def message_rows(detail: Text, width: int, console: Console) -> tuple[int, int] | None:
    """The rows the draft's message takes in the detail pane at `width`: from its "Message"
    heading to the next heading ("Candidate"). None when the layout is not the usual one."""
    lines = [line.plain for line in detail.wrap(console, max(width, 1))]
    try:
        start = lines.index("Message")
        end = lines.index("Candidate", start + 1)
    except ValueError:
        return None
    return start, end


def in_view(span: tuple[int, int] | None, scroll_y: float, rows: int) -> bool:
    """Whether any row of `span` is inside the visible window (unknown layouts count)."""
    if span is None:
        return True
    top = int(scroll_y)
    return span[0] < top + rows and span[1] > top
