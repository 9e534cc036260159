"""Small modal screens of lead mode: a concern's note, a yes/no question, the concerns list.

Like the review dialogs, none touches the store: each returns what the lead chose and the
screen below persists it from a worker.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tui.safe_text import one_line, safe


class ConcernNoteScreen(ModalScreen[str | None]):
    """Ask what is wrong with a draft; an empty note is refused (a concern must say why)."""

    BINDINGS = [
        Binding(
            "escape", "cancel", "Cancel", id="concern_cancel", tooltip="Close; nothing is recorded"
        )
    ]

    def __init__(self, draft_id: int):
        super().__init__()
        self.draft_id = draft_id

    def compose(self) -> ComposeResult:
        """A title, the note box and a line for the refusal."""
        with Vertical(classes="dialog"):
            yield Label(
                Text(f"Concern about draft #{self.draft_id}: what is wrong?"),
                classes="dialog-title",
            )
            yield Input(placeholder="a few words (required); enter saves, esc cancels", id="note")
            yield Static(Text(""), id="concern-refused")

    def on_mount(self) -> None:
        """Start typing at once."""
        self.query_one("#note", Input).focus()

    @on(Input.Submitted, "#note")
    def _submitted(self, event: Input.Submitted) -> None:
        note = event.value.strip()
        if not note:
            self.query_one("#concern-refused", Static).update(
                Text("A concern needs a note saying what is wrong.", style="bold red")
            )
            return
        self.dismiss(note)

    def action_cancel(self) -> None:
        """Close without recording anything."""
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; only an explicit yes says yes."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm_yes", tooltip="Yes, do it"),
        Binding("n,escape", "answer(False)", "No", id="confirm_no", tooltip="No, change nothing"),
    ]

    def __init__(self, title: str, question: Text):
        super().__init__()
        self.title_text = title
        self.question = question

    def compose(self) -> ComposeResult:
        """The question and the keys that answer it."""
        with Vertical(classes="dialog"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield Static(self.question)
            yield Static(Text("y yes · n / esc no", style="dim"), id="confirm-keys")

    def action_answer(self, yes: bool) -> None:
        """Answer and close."""
        self.dismiss(yes)


def concerns_text(grouped: dict[str, list[dict[str, Any]]]) -> Text:
    """Open concerns per recruiter: draft, candidate, status, who raised it and the note."""
    text = Text()
    if not grouped:
        return Text("No concerns raised.", style="dim")
    for recruiter, rows in grouped.items():
        text.append(f"{one_line(recruiter)} ({len(rows)})\n", style="bold underline")
        for row in rows:
            text.append(f"  #{row['draft_id']} ", style="bold")
            who = row.get("candidate_name") or row["candidate_id"]
            text.append(f"{one_line(who, 30)} ({one_line(row['candidate_id'], 20)})  ")
            text.append(f"{row['status']}  ")
            text.append(f"by {one_line(row['lead'], 20)}\n", style="dim")
            text.append(f"    {safe(row['note'])}\n", style="yellow")
        text.append("\n")
    return text


class ConcernsScreen(ModalScreen[bool]):
    """The concerns list per recruiter; `x` asks the screen below to export it."""

    BINDINGS = [
        Binding(
            "x", "export", "Export CSV", id="concerns_export", tooltip="Concerns to a CSV file"
        ),
        Binding("escape,l,q", "close", "Close", id="concerns_close", tooltip="Back to the sample"),
    ]

    def __init__(self, grouped: dict[str, list[dict[str, Any]]]):
        super().__init__()
        self.grouped = grouped

    def compose(self) -> ComposeResult:
        """The list, scrollable."""
        count = sum(len(rows) for rows in self.grouped.values())
        with Vertical(classes="dialog wide"):
            yield Label(
                Text(f"Concerns per recruiter ({count}) · x export to CSV · esc close"),
                classes="dialog-title",
            )
            with VerticalScroll():
                yield Static(concerns_text(self.grouped), id="concerns")

    def action_export(self) -> None:
        """Close, asking for the CSV export."""
        self.dismiss(True)

    def action_close(self) -> None:
        """Close."""
        self.dismiss(False)
