"""Lead mode in a real terminal (tmux): the keys really arrive, the store says what happened."""

from __future__ import annotations

import shutil
import subprocess
import uuid

import pytest

from tests.tui.conftest import decisions
from tests.tui.test_tmux import FOLLOWUPS, _tmux, _wait_for

pytestmark = pytest.mark.tmux


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_lead_spot_checks_and_switches_automation_off_in_tmux(lead_engine, tmp_path):
    db = lead_engine.url.database
    session = f"followups-lead-{uuid.uuid4().hex[:8]}"
    command = (
        # The pytest process may export COLUMNS/LINES, which Textual would obey over the pane.
        f"unset COLUMNS LINES; cd {tmp_path} && "
        f"{FOLLOWUPS} review --lead --as dana --db {db} --now 2025-11-15T09:00:00Z; "
        "echo EXITED; sleep 5"
    )
    _tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "50", command)
    try:
        _wait_for(session, "automation on")
        _tmux("send-keys", "-t", session, "s")
        _wait_for(session, "no verdict yet")
        _tmux("send-keys", "-t", session, "o")
        _wait_for(session, "1 checked")
        _tmux("send-keys", "-t", session, "Escape")
        _wait_for(session, "s Spot-check")
        _tmux("send-keys", "-t", session, "C-o")
        _wait_for(session, "Turn automation OFF?")
        _tmux("send-keys", "-t", session, "y")
        _wait_for(session, "AUTOMATION OFF")
        _tmux("send-keys", "-t", session, "q")
        _wait_for(session, "EXITED")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    assert [d["action"] for d in decisions(lead_engine, "dana")] == ["spot_ok", "automation_off"]
