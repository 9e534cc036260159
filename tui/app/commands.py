"""The command palette (ctrl+p): the screen's actions, a jump to a candidate, and themes.

Every action of the review screen is there by its description (what `?` lists), so a
reviewer who forgot a key can type "reject marked". Typing a candidate's name, company or
email lists their drafts in the current queue; picking one shows it. Textual's own "Theme"
command switches the colours, and `ThemeMemory` keeps the choice for the next start.
Candidate names are data: they reach the palette as plain `Content`, never as markup.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
from textual.app import SystemCommand
from textual.command import Hit, Hits, Provider
from textual.content import Content
from textual.screen import Screen

from tui.safe_text import one_line

if TYPE_CHECKING:
    from tui.app.app import ReviewApp

# At most this many drafts listed for what is typed (the queue itself pages the rest).
JUMP_LIMIT = 20


def screen_commands(screen: Screen) -> Iterable[SystemCommand]:
    """The screen's own actions, one command per binding with an id (remapped keys too)."""
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.id or binding.id in ("quit", "close_search"):
            continue
        action = getattr(screen, f"action_{binding.action.split('(')[0]}", None)
        if action is None or "(" in binding.action:
            continue
        key = screen.app.get_key_display(binding)
        yield SystemCommand(
            binding.description, f"{binding.tooltip or binding.description} ({key})", action
        )


class CandidateJump(Provider):
    """Drafts in the current queue whose candidate matches what is typed."""

    async def search(self, query: str) -> Hits:
        """Ask the store (name, company, email…, accents folded) and list the drafts."""
        screen = self.screen
        jump = getattr(screen, "jump_to", None)
        if jump is None or len(query.strip()) < 2:
            return
        app: ReviewApp = self.app  # type: ignore[assignment]
        rows = await asyncio.to_thread(app.service.find_drafts, query.strip(), JUMP_LIMIT)
        for rank, row in enumerate(rows):
            role = one_line(row.role_title or row.channel, 30)
            label = (
                f"{one_line(row.candidate_name, 40)} · {role} · {row.recruiter or '-'}"
                f" · draft {row.id}"
            )
            yield Hit(
                1.0 - rank / (2 * JUMP_LIMIT),
                Content(label),
                partial(jump, row.id),
                text=label,
                help="Show this draft in the queue",
            )


class ThemeMemory:
    """The reviewer's theme, kept in a small file of theirs between starts."""

    def __init__(self, folder: Path | None = None):
        self.path = (
            folder or Path(platformdirs.user_config_dir("followups", appauthor=False))
        ) / "review-theme"

    def load(self) -> str | None:
        """The theme chosen last time, if any (a broken file is ignored)."""
        try:
            return self.path.read_text(encoding="utf-8").strip() or None
        except (OSError, UnicodeDecodeError):
            return None

    def save(self, name: str) -> None:
        """Remember a theme; a read-only home only costs the memory, never the app."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(name + "\n", encoding="utf-8")
        except OSError:
            pass
