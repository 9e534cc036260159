"""The review screen in lead mode: every queue, plus spot-checks, figures and the admin switch.

A subclass, so a reviewer who is not in lead mode has no such keys at all (not merely
hidden ones). The switch asks first and is written from a worker as the lead, in the audit.
"""

from __future__ import annotations

import asyncio
import dataclasses

from rich.text import Text
from textual import work
from textual.binding import Binding

from tui.app.dialogs.lead import ConfirmScreen
from tui.app.screens.figures import FiguresScreen
from tui.app.screens.review import ReviewScreen
from tui.app.screens.spotcheck import SpotCheckScreen
from tui.safe_text import one_line

# The footer is one line: in lead mode these give their room to the lead's keys. They
# still work and `?` still lists them (j/k are also the arrows; bulk approval is rarer).
FOOTER_ROOM = {"next", "previous", "mark", "approve_marked"}


def _without_footer(binding: Binding) -> Binding:
    return dataclasses.replace(binding, show=False)


class LeadReviewScreen(ReviewScreen):
    """The review screen with the lead's keys; the status line shows the admin switch."""

    BINDINGS = [
        *(_without_footer(b) for b in ReviewScreen.BINDINGS if b.id in FOOTER_ROOM),
        Binding(
            "s",
            "spot_check",
            "Spot-check",
            id="spot_check",
            tooltip="Spot-check a seeded sample of approved and sent drafts per recruiter",
        ),
        Binding(
            "g",
            "figures",
            "Figures",
            id="figures",
            tooltip="Figures per recruiter and week, daily volume, reasons as bars",
        ),
        Binding(
            "ctrl+o",
            "automation",
            "Automation on/off",
            id="automation",
            tooltip="Switch schedule and send on or off (asks first; in the audit log)",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.automation_on: bool | None = None

    def on_mount(self) -> None:
        """The queue as for any reviewer, then the switch's state."""
        super().on_mount()
        self._load_automation()

    def status_parts(self) -> list[str | Text]:
        """Lead mode first, the admin switch last (off in red: nothing will be sent)."""
        parts = ["LEAD", *super().status_parts()]
        if self.automation_on is True:
            parts.append(Text("automation on", style="green"))
        elif self.automation_on is False:
            parts.append(Text("AUTOMATION OFF", style="bold white on dark_red"))
        return parts

    @work(exclusive=True, group="automation", exit_on_error=False)
    async def _load_automation(self) -> None:
        self.automation_on = await asyncio.to_thread(self.rapp.service.fetch_automation)
        self._status()

    def action_spot_check(self) -> None:
        """Open the spot-check of approved and sent drafts."""
        self.app.push_screen(SpotCheckScreen())

    def action_figures(self) -> None:
        """Open the figures per recruiter."""
        self.app.push_screen(FiguresScreen())

    def action_automation(self) -> None:
        """Ask, then switch automation to the other state as the lead."""
        if self.automation_on is None:
            self.tell("Still reading the switch's state: try again in a moment.", "warning")
            return
        turn_on = not self.automation_on
        question = Text()
        if turn_on:
            question.append("Turn automation ON? ", style="bold")
            question.append("`followups schedule` will draft and `send` will send again.")
        else:
            question.append("Turn automation OFF? ", style="bold")
            question.append("`schedule` and `send` will do nothing until it is turned on again.")
        who = one_line(self.rapp.reviewer, 40)
        question.append(f"\nRecorded in the audit log as {who}.", style="dim")

        def answered(yes: bool | None) -> None:
            if yes:
                self._switch(turn_on)
            else:
                self.tell("Automation unchanged.")

        title = "Automation: switch on" if turn_on else "Automation: switch off"
        self.app.push_screen(ConfirmScreen(title, question), answered)

    @work(group="automation_switch", exit_on_error=False)
    async def _switch(self, turn_on: bool) -> None:
        changed = await asyncio.to_thread(self.rapp.service.switch_automation, turn_on)
        self.automation_on = await asyncio.to_thread(self.rapp.service.fetch_automation)
        state = "on" if self.automation_on else "off"
        self.tell(f"Automation is {state}" + ("." if changed else " (it already was)."))
        self._status()
