"""The review app's remappable keys, by screen: binding id -> default keys.

`[review.keys]` remaps keys by binding id. The config is validated at start-up, without
Textual, so the ids (and their default keys, to find a remap that takes another action's
key) live here as plain data. The app's `Binding(..., id=...)` declarations must match:
tests/tui/test_keymap_ids.py compares every screen's bindings with this table.
"""

from __future__ import annotations

import unicodedata

from store.text import quoted

_REVIEW = {
    "next": "j",
    "previous": "k",
    "approve": "a",
    "edit": "e",
    "reject": "r",
    "mark": "space",
    "approve_marked": "A",
    "undo": "u",
    "next_flagged": "n",
    "reject_marked": "R",
    "search": "slash",
    "filter": "f",
    "why_not": "w",
    "help": "question_mark",
    "close_search": "escape",
    "quit": "q",
}

# Screen class name -> {binding id: default keys, comma-separated as Textual writes them}.
# Only one screen's bindings are live at a time, so a clash matters within a screen only.
SCREENS: dict[str, dict[str, str]] = {
    "ReviewScreen": _REVIEW,
    "LeadReviewScreen": {**_REVIEW, "spot_check": "s", "figures": "g", "automation": "ctrl+o"},
    "BulkScreen": {"bulk_yes": "y", "bulk_no": "n", "bulk_cancel": "escape"},
    "RejectScreen": {"reject_cancel": "escape"},
    "DiffScreen": {"diff_save": "y,enter", "diff_back": "n,escape"},
    "EditScreen": {"edit_save": "ctrl+s", "edit_close": "escape", "edit_discard": "ctrl+d"},
    "FilterScreen": {"filter_cancel": "escape"},
    "HelpScreen": {"help_close": "escape,question_mark,q"},
    "ConcernNoteScreen": {"concern_cancel": "escape"},
    "ConfirmScreen": {"confirm_yes": "y", "confirm_no": "n,escape"},
    "ConcernsScreen": {"concerns_export": "x", "concerns_close": "escape,l,q"},
    "FiguresScreen": {
        "figures_earlier": "left_square_bracket",
        "figures_later": "right_square_bracket",
        "figures_close": "escape",
    },
    "SpotCheckScreen": {
        "spot_ok": "o",
        "spot_concern": "c",
        "spot_concerns": "l",
        "spot_export": "x",
        "spot_next": "j",
        "spot_previous": "k",
        "spot_close": "escape",
    },
    "WhyNotScreen": {"why_close": "escape", "why_search": "slash"},
}

ACTION_IDS: frozenset[str] = frozenset(i for ids in SCREENS.values() for i in ids)

# Textual's own names for these punctuation keys (textual.keys.KEY_NAME_REPLACEMENTS).
_KEY_NAME_REPLACEMENTS = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}


def key_name(key: str) -> str:
    """One key as Textual names it: "?" is "question_mark", " " is "space", "a" stays "a"."""
    if len(key) != 1 or key.isalnum():
        return key
    if key == " ":
        return "space"
    try:
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return key
    return _KEY_NAME_REPLACEMENTS.get(name, name)


def keys_of(value: str) -> list[str]:
    """A comma-separated key list ("y,enter") as Textual key names."""
    return [key_name(part if part == " " else part.strip()) for part in value.split(",")]


def keymap_problems(keymap: dict[str, str]) -> list[tuple[str, str]]:
    """What is wrong with a `[review.keys]` table, as (binding id, problem) pairs.

    An unknown id (a typo would silently leave the default in place), an empty or
    unprintable key, and a key that two actions of one screen would share (Textual would
    silently drop one of them) are all problems.
    """
    problems: list[tuple[str, str]] = []
    for binding_id, value in keymap.items():
        if binding_id not in ACTION_IDS:
            problems.append((binding_id, "no binding has this id (see `?` in the review app)"))
        elif any(not k or not k.isprintable() or k != k.strip() for k in keys_of(value)):
            problems.append((binding_id, 'needs key names separated by commas, e.g. "y"'))
    if problems:
        return problems
    seen: set[tuple[str, str]] = set()
    for screen, defaults in SCREENS.items():
        owners: dict[str, list[str]] = {}
        for binding_id, default in defaults.items():
            for key in keys_of(keymap.get(binding_id, default)):
                owners.setdefault(key, []).append(binding_id)
        for key, ids in owners.items():
            remapped = next((i for i in ids if i in keymap), None)
            if len(ids) > 1 and remapped and (remapped, key) not in seen:
                seen.add((remapped, key))
                others = " and ".join(i for i in ids if i != remapped)
                problems.append(
                    (
                        remapped,
                        f"key {quoted(key, 20)} is also {others}'s ({screen}); remap that too",
                    )
                )
    return problems
