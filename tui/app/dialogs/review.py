"""Small modal screens of the review app: reject reason, edit, diff, filter, help, yes/no.

None of them touches the store: they return what the person chose, and the review screen
persists it from a worker.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from drafts.review import REJECT_REASONS
from drafts.review.decisions import DO_NOT_CONTACT
from drafts.review.queue import QueueFilter
from store.enums import DraftStatus
from tui.safe_text import plain, safe

AUTOSAVE_SECONDS = 1.0


# What a reason does beyond rejecting this draft, said where the reviewer picks it.
REASON_LABELS = {
    DO_NOT_CONTACT: "do not contact (adds them to the do-not-contact list: no thread of theirs "
    "is drafted or sent again; undo removes it)",
}


class RejectScreen(ModalScreen[tuple[str, str | None] | None]):
    """Pick why the draft is rejected; "other" asks for a few words. A number key picks
    its reason at once (1 not a fit … 5 other)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="reject_cancel"),
        *(
            Binding(str(n), f"pick({n - 1})", reason, show=False)
            for n, reason in enumerate(REJECT_REASONS, start=1)
        ),
    ]

    def __init__(self, count: int = 1) -> None:
        super().__init__()
        # How many drafts this rejects: the marked ones, or the one on screen.
        self.count = count

    def compose(self) -> ComposeResult:
        """A numbered list of reasons and, for "other", a note."""
        title = f"Reject {self.count} marked drafts: why?" if self.count > 1 else "Reject: why?"
        with Vertical(classes="dialog"):
            yield Label(f"{title}  (1–{len(REJECT_REASONS)} picks at once)", classes="dialog-title")
            yield OptionList(
                *[
                    Option(Text(f"{n}  {REASON_LABELS.get(r, r)}"), id=r)
                    for n, r in enumerate(REJECT_REASONS, start=1)
                ],
                id="reasons",
            )
            yield Input(placeholder="a few words (required for other)", id="note")

    def on_mount(self) -> None:
        """Start on the first reason."""
        self.query_one("#note", Input).display = False
        self.query_one("#reasons", OptionList).highlighted = 0

    @on(OptionList.OptionSelected, "#reasons")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == "other":
            note = self.query_one("#note", Input)
            note.display = True
            note.focus()
            return
        self.dismiss((str(event.option.id), None))

    @on(Input.Submitted, "#note")
    def _note(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(("other", event.value.strip()))

    def action_pick(self, index: int) -> None:
        """A number key: that reason, at once ("other" still asks for words)."""
        reasons = self.query_one("#reasons", OptionList)
        reasons.highlighted = index
        reasons.action_select()

    def action_cancel(self) -> None:
        """Close without rejecting."""
        self.dismiss(None)


def diff_text(before: str, after: str) -> Text:
    """A unified diff of two bodies, additions green and removals red, shown literally."""
    text = Text()
    lines = difflib.unified_diff(
        before.splitlines(), after.splitlines(), "before", "after", lineterm="", n=2
    )
    for line in lines:
        style = "green" if line.startswith("+") else "red" if line.startswith("-") else "dim"
        text.append(safe(line) + "\n", style=style)
    return text if text.plain else Text("(no change)")


class DiffScreen(ModalScreen[bool]):
    """Show what an edit changes before it is saved."""

    BINDINGS = [
        Binding("y,enter", "save", "Save edit", id="diff_save"),
        Binding("n,escape", "back", "Keep editing", id="diff_back"),
    ]

    def __init__(self, before: str, after: str):
        super().__init__()
        self.before, self.after = before, after

    def compose(self) -> ComposeResult:
        """The diff and the two choices."""
        with Vertical(classes="dialog wide"):
            yield Label("Save this edit? (y / n)", classes="dialog-title")
            with VerticalScroll():
                yield Static(diff_text(self.before, self.after), id="diff")

    def action_save(self) -> None:
        """Save the edit."""
        self.dismiss(True)

    def action_back(self) -> None:
        """Back to the editor."""
        self.dismiss(False)


class EditScreen(ModalScreen[str | None]):
    """Edit a draft's body. Text is kept as an unsaved edit while typing (crash, quit)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save (shows diff)", id="edit_save"),
        Binding("escape", "close", "Close, keep as unsaved", id="edit_close"),
        # Priority: the TextArea's own ctrl+d (delete right) must not win over discard.
        Binding("ctrl+d", "discard", "Discard edit", id="edit_discard", priority=True),
    ]

    def __init__(
        self, draft_id: int, body: str, start_text: str, autosave: Callable[[str | None], None]
    ):
        super().__init__()
        self.draft_id = draft_id
        self.body = body
        self.start_text = start_text
        self.autosave = autosave
        self._timer = None

    def compose(self) -> ComposeResult:
        """The editor."""
        with Vertical(classes="dialog wide"):
            yield Label(
                "Edit the follow-up: ctrl+s save (shows the diff) · esc close, keeping it "
                "as an unsaved edit · ctrl+d discard",
                classes="dialog-title",
            )
            yield TextArea(self.start_text, id="editor", soft_wrap=True, show_line_numbers=False)

    def on_mount(self) -> None:
        """Focus the text."""
        self.query_one(TextArea).focus()

    @property
    def text(self) -> str:
        """What is in the editor now."""
        return self.query_one(TextArea).text

    @on(TextArea.Changed)
    def _changed(self) -> None:
        # Debounced: one write per pause in typing, not one per key.
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(AUTOSAVE_SECONDS, lambda: self.autosave(self.text))

    def action_save(self) -> None:
        """Show the diff; save on yes."""

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self._stop()
                self.dismiss(self.text)

        self.app.push_screen(DiffScreen(self.body, self.text), done)

    def action_close(self) -> None:
        """Close; the text stays as an unsaved edit, offered again on `e`."""
        self._stop()
        self.autosave(self.text if self.text != self.body else None)
        self.dismiss(None)

    def action_discard(self) -> None:
        """Close and forget the edit."""
        self._stop()
        self.autosave(None)
        self.dismiss(None)

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()


class FilterScreen(ModalScreen[QueueFilter | None]):
    """Filter the queue by status, flag, recruiter and role."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="filter_cancel")]

    def __init__(self, current: QueueFilter, choices: dict[str, list[tuple[str, str]]]):
        super().__init__()
        self.current = current
        self.choices = choices

    def compose(self) -> ComposeResult:
        """One Select per dimension."""
        with Vertical(classes="dialog"):
            yield Label("Filter the queue", classes="dialog-title")
            for name in ("status", "flag", "recruiter", "role"):
                options = [(plain(label), value) for value, label in self.choices.get(name, [])]
                value = getattr(self.current, name)
                yield Label(name.capitalize())
                yield Select(
                    options,
                    prompt=f"any {name}",
                    value=value if value in {v for _, v in options} else Select.NULL,
                    id=f"f_{name}",
                )
            with Horizontal(classes="buttons"):
                yield Button("Apply", id="apply", variant="primary")
                yield Button("Clear", id="clear")

    @on(Button.Pressed, "#apply")
    def _apply(self) -> None:
        values = {}
        for name in ("status", "flag", "recruiter", "role"):
            value = self.query_one(f"#f_{name}", Select).value
            values[name] = None if value is Select.NULL else value
        self.dismiss(QueueFilter(search=self.current.search, **values))

    @on(Button.Pressed, "#clear")
    def _clear(self) -> None:
        self.dismiss(QueueFilter(status=DraftStatus.PENDING))

    def action_cancel(self) -> None:
        """Keep the current filter."""
        self.dismiss(None)


class HelpScreen(ModalScreen[None]):
    """Every key of the screen below, generated from its active bindings (so remaps show)."""

    BINDINGS = [Binding("escape,question_mark,q", "close", "Close", id="help_close")]

    def __init__(self, rows: list[tuple[str, str, str]]):
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        """A table of key, action id and description."""
        text = Text()
        text.append(f"{'key':<14}{'id (for [review.keys])':<24}what it does\n", style="bold")
        for key, binding_id, description in self.rows:
            text.append(f"{key:<14}", style="bold cyan")
            text.append(f"{binding_id:<24}", style="dim")
            text.append(description + "\n")
        text.append(
            '\nRemap keys in followups.toml, e.g. [review.keys] approve = "y".\n', style="dim"
        )
        with Vertical(classes="dialog wide"):
            yield Label("Keys", classes="dialog-title")
            with VerticalScroll():
                yield Static(text, id="help")

    def action_close(self) -> None:
        """Back to the queue."""
        self.dismiss(None)
