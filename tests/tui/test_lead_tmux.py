"""Lead mode in a real terminal (tmux): the keys really arrive, the store says what happened."""

from __future__ import annotations

import shutil
import subprocess
import uuid

import pytest

from tests.support.review_app import decisions
from tests.support.tmux import FOLLOWUPS, tmux, wait_for

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
    tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "50", command)
    try:
        wait_for(session, "automation on")
        tmux("send-keys", "-t", session, "s")
        wait_for(session, "no verdict yet")
        tmux("send-keys", "-t", session, "o")
        wait_for(session, "1 checked")
        tmux("send-keys", "-t", session, "Escape")
        wait_for(session, "s Spot-check")
        tmux("send-keys", "-t", session, "C-o")
        wait_for(session, "Turn automation OFF?")
        tmux("send-keys", "-t", session, "y")
        wait_for(session, "AUTOMATION OFF")
        tmux("send-keys", "-t", session, "q")
        wait_for(session, "EXITED")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    assert [d["action"] for d in decisions(lead_engine, "dana")] == ["spot_ok", "automation_off"]
