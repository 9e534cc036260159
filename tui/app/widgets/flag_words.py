"""Flag codes as words a recruiter reads at a glance, coloured by severity.

The queue's flag column was three-letter codes (`~rol`, `~oth`); these are the words it
shows now, explained on the `?` screen. Red blocks (the draft cannot be approved), yellow
warns (read the evidence first).
"""

from __future__ import annotations

from rich.text import Text

from store.enums import Severity

# Short enough for the queue's flag column; any code not here shows with spaces.
WORDS = {
    "out_of_office": "away",
    "other_threads": "other thread",
    "recent_contact": "recent contact",
    "role_closed": "role closed",
    "injection_suspect": "injection?",
    "unverified_contact": "unverified",
    "llm_fallback": "fallback",
    "followups_exhausted": "exhausted",
    "never_contact_company": "never company",
    "recruiter_inactive": "recruiter off",
    "do_not_contact": "do not contact",
}
STYLE = {Severity.BLOCK: "bold red", Severity.WARN: "yellow"}


def flag_word(code: str) -> str:
    """The word for a flag code."""
    return WORDS.get(code, code.replace("_", " "))


def flag_words(flags: tuple[tuple[str, str], ...], width: int) -> Text:
    """(code, severity) pairs as coloured words, blocking first, "+N" for what does not fit."""
    ordered = sorted(flags, key=lambda f: (f[1] != Severity.BLOCK, f[0]))
    text = Text()
    for index, (code, severity) in enumerate(ordered):
        word = flag_word(code)
        rest = len(ordered) - index - 1
        more = f" +{rest}" if rest else ""
        separator = ", " if index else ""
        if index and len(text) + len(separator) + len(word) + len(more) > width:
            text.append(f" +{rest + 1}", style="bold")
            break
        if not index and len(word) + len(more) > width:
            word = word[: max(width - len(more) - 1, 1)] + "…"
        text.append(separator)
        text.append(word, style=STYLE.get(Severity(severity), ""))
    return text
