"""Checks on a draft's text: run when it is written, and again whenever a person edits it."""

from __future__ import annotations

import re

from drafts.rules.flags import WARN, Flag, quote

PLACEHOLDER = re.compile(
    r"\[(?:[A-Z][A-Za-z]*(?:[ _-][A-Za-z]+)*)\]"  # [Name], [Role], [Company Name]
    r"|\{\{.*?\}\}|\{%.*?%\}"  # template syntax left in the text
    r"|<(?:[a-z]+(?:[ _-][a-z]+)*)>"  # <company>, <first name>
    r"|\{(?:[a-z_]+)\}"  # {name}
    r"|%(?:[A-Z_]{3,})%"  # %FIRSTNAME%
    r"|\bX{3,}\b"  # XXX
)


# The codes these checks raise: replaced whenever a draft's text changes.
TEXT_CODES = ("placeholder",)
# Every placeholder starts with one of these: one quick scan spares most texts the full search.
_MAYBE = re.compile(r"[\[{<%]|XXX")


def placeholders(text: str) -> list[str]:
    """Unfilled placeholders left in a text: [Name], {{ x }}, <company> and the like."""
    if not _MAYBE.search(text):
        return []
    return [m.group(0) for m in PLACEHOLDER.finditer(text)]


def placeholder_flag(body: str) -> Flag | None:
    """A warning when the text still holds a placeholder, quoting where."""
    found = placeholders(body)
    if not found:
        return None
    first = found[0]
    at = body.find(first)
    around = body[max(0, at - 40) : at + len(first) + 40]
    return Flag(
        "placeholder",
        WARN,
        f"The text still holds {len(found)} unfilled placeholder(s), e.g. {first}",
        {"placeholders": found[:10], "quote": quote(around)},
    )


def text_flags(body: str) -> list[Flag]:
    """Every check on a body of text, as warnings."""
    return [flag for flag in (placeholder_flag(body),) if flag is not None]
