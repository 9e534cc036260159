"""Untrusted text on screen: always a rich Text, never markup, never a control character.

Names, titles, notes, bodies and LLM output come from outside. Passed to a widget as a
str, Textual would parse ``[@click=app.quit]x`` as a live action and ``[/oops]`` would
crash the render; a stray escape sequence would reach the terminal. Everything shown goes
through `plain` first.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from store.text import clean


def safe(value: Any) -> str:
    """The value as a string with control characters (C0 but newline/tab, C1, bidi) removed."""
    if value is None:
        return ""
    return clean(str(value)).replace("\t", "    ")


def one_line(value: Any, width: int | None = None) -> str:
    """A safe, single-line version, cut to `width` characters when given."""
    flat = " ".join(safe(value).split())
    if width is not None and len(flat) > width:
        return flat[: max(0, width - 1)] + "…"
    return flat


def plain(value: Any, style: str = "") -> Text:
    """A Text that shows the value literally (no markup, no emoji codes)."""
    return Text(safe(value), style=style, no_wrap=False)
