"""The real `followups review` in a real terminal (tmux): keys in, the store checked after."""

from __future__ import annotations

import shutil
import subprocess
import time
import uuid

import pytest

from tests.support.review_app import decisions, draft, first_ids
from tests.support.tmux import FOLLOWUPS, tmux, wait_for

pytestmark = pytest.mark.tmux
# A person reads a draft before deciding: longer than `[review] min_dwell_ms` (300).
READ = 0.5


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
    tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "50", command)
    try:
        wait_for(session, f"Draft #{first} ")
        time.sleep(READ)
        tmux("send-keys", "-t", session, "a")
        wait_for(session, f"Draft #{second} ")
        time.sleep(READ)
        tmux("send-keys", "-t", session, "r")
        wait_for(session, "Reject: why?")
        tmux("send-keys", "-t", session, "Enter")
        wait_for(session, f"Draft #{third} ")
        tmux("send-keys", "-t", session, "q")
        after = wait_for(session, "EXITED")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    # One line on quit: what this sitting decided, and the next step.
    assert "tester: 1 approved, 1 rejected, 0 edited;" in after
    assert "Next: `followups send`" in after
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


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_keys_typed_ahead_in_one_write_decide_nothing_unseen(demo_db, store_engine):
    """`ja` and `aa`, each in a single write to the terminal (issue 12, item 3)."""
    first, second, third = first_ids(store_engine, 3)
    session = f"review-{uuid.uuid4().hex[:8]}"
    command = (
        f"unset COLUMNS LINES; cd {demo_db.parent} && "
        f"{FOLLOWUPS} review --db {demo_db} --as tester --now 2025-11-14T09:00:00Z; "
        "echo EXITED; sleep 5"
    )
    tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "50", command)
    try:
        wait_for(session, f"Draft #{first} ")
        time.sleep(READ)
        tmux("send-keys", "-t", session, "-l", "ja")  # one write: j then a
        wait_for(session, f"Draft #{second} ")
        time.sleep(READ)
        tmux("send-keys", "-t", session, "-l", "aa")  # approves second; third unseen
        wait_for(session, f"Draft #{third} ")
        time.sleep(READ)
        tmux("send-keys", "-t", session, "q")
        wait_for(session, "EXITED")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    assert draft(store_engine, first)["status"] == "pending"
    assert draft(store_engine, second)["status"] == "approved"
    assert draft(store_engine, third)["status"] == "pending"
    assert [(d["action"], d["draft_id"]) for d in decisions(store_engine)] == [("approve", second)]
