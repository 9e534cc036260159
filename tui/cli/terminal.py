"""The one way the CLI writes to a terminal: no control character of the data gets out.

Stored text (names, notes, reviewer names, message bodies) and remote text (an SMTP
server's reply, an LLM server's error, mail from a mailbox) are untrusted. An ESC in any
of them could clear the screen, rewrite what a lead is reading, or set the clipboard
(OSC 52); a bidi override could reverse a line. Every console the CLI prints through is a
`SafeConsole`, and every JSON document goes through `json_text`, so no command has to
remember to sanitise: the choke point does it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.segment import Segment

from store.text import clean

# Characters that are valid inside a JSON string yet act on a terminal or reorder text:
# DEL and C1 controls, bidi embeddings/overrides/isolates, the Arabic letter mark, and
# zero-width/BOM marks. json.dumps escapes C0 itself; these it leaves raw with
# ensure_ascii=False.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


class SafeConsole(Console):
    """A rich Console that strips control characters from every piece of text it writes.

    Rich's own control segments (colours, cursor moves for progress bars) pass untouched;
    only the text of the data is cleaned, so styling still works on a terminal.
    """

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        cleaned = (
            segment if segment.control else Segment(clean(segment.text), segment.style)
            for segment in buffer
        )
        return super()._render_buffer(cleaned)


def console(*, stderr: bool = False) -> SafeConsole:
    """A console for data: no markup, no emoji codes, no highlighting, control chars gone."""
    return SafeConsole(stderr=stderr, markup=False, highlight=False, emoji=False, soft_wrap=True)


def json_text(document: Any) -> str:
    """The document as JSON, readable (UTF-8 kept), with terminal-unsafe characters escaped.

    Escaping (``\\u202e``) rather than dropping keeps the JSON exact for a script that
    parses it, while a person who cats it sees nothing reordered or executed.
    """
    text = json.dumps(document, indent=2, ensure_ascii=False, default=str)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
