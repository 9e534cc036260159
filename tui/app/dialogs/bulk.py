"""Approve marked drafts: every text shown, blocked ones refused, warnings asked flag by flag."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from drafts.review.detail import DraftDetail
from tui.safe_text import one_line, safe


@dataclass
class BulkChoice:
    """What the reviewer agreed to: which drafts, at which version, with which warnings."""

    approve: list[tuple[int, int, list[str]]] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    declined: list[int] = field(default_factory=list)


def _draft_text(detail: DraftDetail) -> Text:
    draft, cand = detail.draft, detail.candidate
    text = Text()
    text.append(f"#{draft['id']} ", style="bold")
    text.append(one_line(cand.full_name, 40), style="bold")
    text.append(f"  {draft['channel']} to {one_line(detail.recipient) or 'NO ADDRESS'}\n")
    for flag in detail.blocking:
        text.append(" REFUSED ", style="bold white on dark_red")
        text.append(f" {flag.code}: {safe(flag.message)}\n", style="red")
    for flag in detail.warnings:
        text.append(" WARN ", style="bold black on dark_orange")
        text.append(f" {flag.code}: {safe(flag.message)}\n", style="yellow")
    text.append(safe(draft["body"]) + "\n", style="dim" if detail.blocking else "")
    text.append("─" * 60 + "\n", style="dim")
    return text


class BulkScreen(ModalScreen[BulkChoice | None]):
    """The confirmation for `A`: one question per warning code, then one for the batch."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="bulk_yes"),
        Binding("n", "answer(False)", "No", id="bulk_no"),
        Binding("escape", "cancel", "Cancel all", id="bulk_cancel"),
    ]

    def __init__(self, details: list[DraftDetail]):
        super().__init__()
        self.details = details
        self.choice = BulkChoice(refused=[d.draft["id"] for d in details if d.blocking])
        self.open = [d for d in details if not d.blocking]
        self.codes = sorted({c for d in self.open for c in d.warning_codes})
        self.asked = 0

    def compose(self) -> ComposeResult:
        """Every marked draft in full, then the question."""
        with Vertical(classes="dialog wide"):
            yield Label(
                f"Approve marked drafts: {len(self.details)} marked, "
                f"{len(self.choice.refused)} refused (blocked)",
                classes="dialog-title",
            )
            with VerticalScroll(id="bulk-list"):
                for detail in self.details:
                    yield Static(_draft_text(detail), classes="bulk-draft")
            yield Static("", id="question")

    def on_mount(self) -> None:
        """Ask the first question."""
        self._ask()

    def _with(self, code: str) -> list[DraftDetail]:
        return [d for d in self.open if code in d.warning_codes]

    def _ask(self) -> None:
        question = self.query_one("#question", Static)
        # A code whose drafts were all left pending by an earlier "no" needs no question.
        while self.asked < len(self.codes) and not self._with(self.codes[self.asked]):
            self.asked += 1
        if self.asked < len(self.codes):
            code = self.codes[self.asked]
            ids = ", ".join(f"#{d.draft['id']}" for d in self._with(code))
            question.update(
                Text.assemble(
                    ("Warning ", "bold"),
                    (code, "bold yellow"),
                    f" on {ids}. Approve these despite it? (y / n = leave them pending)",
                )
            )
        else:
            ids = ", ".join(f"#{d.draft['id']}" for d in self.open) or "none"
            question.update(Text.assemble(("Approve ", "bold"), ids, "? (y / n)"))

    def action_answer(self, yes: bool) -> None:
        """Answer the current question."""
        if self.asked < len(self.codes):
            if not yes:
                dropped = self._with(self.codes[self.asked])
                self.choice.declined += [d.draft["id"] for d in dropped]
                self.open = [d for d in self.open if d not in dropped]
            self.asked += 1
            self._ask()
            return
        if yes:
            self.choice.approve = [
                (d.draft["id"], d.draft["version"], d.warning_codes) for d in self.open
            ]
            self.dismiss(self.choice)
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        """Approve nothing."""
        self.dismiss(None)
