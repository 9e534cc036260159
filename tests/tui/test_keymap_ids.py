"""The ids `[review.keys]` accepts are exactly the app's: store.keymap is checked against
every screen's real bindings, wherever in tui/ the screens live."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.screen import Screen

import tui
from store.keymap import SCREENS, keys_of


def _screens() -> dict[str, type[Screen]]:
    """Every Screen subclass defined in the tui package, by class name."""
    found: dict[str, type[Screen]] = {}
    for module in pkgutil.walk_packages(tui.__path__, "tui."):
        loaded = importlib.import_module(module.name)
        for name, value in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(value, Screen) and value.__module__ == loaded.__name__:
                found[name] = value
    return found


def _bindings(screen: type[Screen]) -> dict[str, set[str]]:
    """binding id -> its keys, as Textual merges them for the screen (inherited ones too)."""
    ids: dict[str, set[str]] = {}
    for key, bindings in screen._merge_bindings().key_to_bindings.items():
        for binding in bindings:
            if binding.id:
                ids.setdefault(binding.id, set()).add(key)
    return ids


def test_every_screen_with_remappable_keys_is_in_the_table():
    screens = {name: cls for name, cls in _screens().items() if _bindings(cls)}
    assert set(screens) == set(SCREENS)
    for name, cls in screens.items():
        expected = {binding_id: set(keys_of(keys)) for binding_id, keys in SCREENS[name].items()}
        assert _bindings(cls) == expected, name
