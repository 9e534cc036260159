"""Driving the real `followups` in tmux: send keys, wait for text on the pane."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

FOLLOWUPS = Path(sys.executable).with_name("followups")


def tmux(*args: str) -> str:
    """Run a tmux command; its stdout."""
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def wait_for(session: str, text: str, timeout: float = 30) -> str:
    """Wait until `text` is on the pane; the pane's text."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-pt", session)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared:\n{screen}")
