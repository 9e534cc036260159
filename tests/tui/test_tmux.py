"""The real `followups review` in a real terminal (tmux): keys in, the store checked after."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.tui.conftest import decisions, draft, first_ids

pytestmark = pytest.mark.tmux
FOLLOWUPS = Path(sys.executable).with_name("followups")


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def _wait_for(session: str, text: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        screen = _tmux("capture-pane", "-pt", session)
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared:\n{screen}")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_review_in_tmux_approves_rejects_and_quits(demo_db, store_engine):
    first, second, third = first_ids(store_engine, 3)
    session = f"followups-{uuid.uuid4().hex[:8]}"
    command = (
        # The pytest process may export COLUMNS/LINES, which Textual would obey over the pane.
        f"unset COLUMNS LINES; cd {demo_db.parent} && "
        f"{FOLLOWUPS} review --db {demo_db} --as tester --now 2025-11-14T09:00:00Z; "
        "echo EXITED; sleep 5"
    )
    _tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "50", command)
    try:
        _wait_for(session, f"Draft #{first} ")
        _tmux("send-keys", "-t", session, "a")
        _wait_for(session, f"Draft #{second} ")
        _tmux("send-keys", "-t", session, "r")
        _wait_for(session, "Reject: why?")
        _tmux("send-keys", "-t", session, "Enter")
        _wait_for(session, f"Draft #{third} ")
        _tmux("send-keys", "-t", session, "q")
        _wait_for(session, "EXITED")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    assert draft(store_engine, first)["status"] == "approved"
    assert (
        draft(store_engine, second)["status"],
        draft(store_engine, second)["reject_reason"],
    ) == (
        "rejected",
        "not a fit",
    )
    assert draft(store_engine, third)["status"] == "pending"
    assert [d["action"] for d in decisions(store_engine)] == ["approve", "reject"]
