"""The opt-out line that ends every follow-up (`[send] opt_out_line`, contract section 8).

Added when a draft is written, so the text the reviewer reads and approves is the text
that leaves. A template (or a model) that already placed the line keeps its own placement:
the line is never there twice.
"""

from __future__ import annotations


def with_opt_out(body: str, line: str) -> str:
    """`body` ending with the opt-out `line` ("" turns it off), unless it already holds it."""
    line = line.strip()
    if not line or _folded(line) in _folded(body):
        return body
    return f"{body.rstrip()}\n\n{line}"


def _folded(text: str) -> str:
    # A model may re-wrap the line or straighten its quotes; still the same line.
    plain = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(plain.casefold().split())
