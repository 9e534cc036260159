"""One SQLite file, reviewers deciding in their own processes while imports and schedulers run.

Nobody sees "database is locked": every process exits cleanly, and what the reviewers
were refused they were told (a StaleDraft when a scheduler cancelled a draft under them),
never an OperationalError.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import UTC, timedelta

from demo import DEMO_CONFIG, write_demo_export
from drafts.writing.scheduler import schedule
from store.clock import parse_timestamp
from store.config import load_settings
from store.db import open_store
from store.importer import import_export
from testkit.reviewers import finish, start
from testkit.team_store import decisions, drafts_by_id

NOW = parse_timestamp("2025-11-08T09:00:00Z")
RUN = [sys.executable, "-c", "from tui.cli import main; main()"]
REVIEWERS = ("ann", "bob", "cy", "dee")


def _cli(args: list[str], cwd) -> subprocess.Popen:
    return subprocess.Popen(
        [*RUN, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_reviewers_schedulers_and_imports_at_once_never_show_database_is_locked(
    sqlite_url, tmp_path
):
    config = tmp_path / "followups.toml"
    config.write_text(DEMO_CONFIG)
    export = tmp_path / "export"
    export.mkdir()
    write_demo_export(export, now=NOW.replace(tzinfo=UTC))
    engine = open_store(sqlite_url)
    import_export(engine, export)
    schedule(engine, load_settings(str(config)), NOW, actor="test")
    pending = {i for i, d in drafts_by_id(engine).items() if d["status"] == "pending"}
    assert len(pending) > 300

    later = (NOW + timedelta(days=2)).isoformat()
    writers = [
        ["import", str(export), "--db", sqlite_url],
        ["schedule", "--now", (NOW + timedelta(days=1)).isoformat(), "--db", sqlite_url],
        ["schedule", "--now", later, "--db", sqlite_url],
        ["import", str(export), "--db", sqlite_url],
    ]
    options = ("--config", str(config), "--now", later, "--reject-every", "4")
    reviewers = [start("work", sqlite_url, name, *options) for name in REVIEWERS]
    cli = [_cli(job, tmp_path) for job in writers]

    told = Counter()
    for (code, events, err), name in zip(finish(reviewers), REVIEWERS, strict=True):
        assert "locked" not in err.lower(), (name, err)
        assert code == 0, (name, err)
        told.update(e["error"] for e in events if "refused" in e)
    for proc, job in zip(cli, writers, strict=True):
        out, err = proc.communicate(timeout=150)
        assert "locked" not in (out + err).lower(), (job, err)
        assert proc.returncode == 0, (job, err)
    # Refusals are the store telling a reviewer the draft moved on, nothing else.
    assert set(told) <= {"StaleDraft", "BlockedDraft", "UnacknowledgedWarnings"}, told

    # Each draft decided once at most, by a reviewer; every draft pending at the start
    # was decided or cancelled (later schedulers may have added more; those may wait).
    rows = drafts_by_id(engine)
    per_draft = Counter(d["draft_id"] for d in decisions(engine, "approve", "reject"))
    assert per_draft and set(per_draft.values()) == {1}
    assert {rows[i]["decided_by"] for i in per_draft} <= set(REVIEWERS)
    assert all(rows[i]["status"] in ("approved", "rejected") for i in per_draft)
    assert not [i for i in pending if rows[i]["status"] == "pending"]
    threads = Counter((d["thread_id"], d["step"]) for d in rows.values())
    assert set(threads.values()) == {1}
    engine.dispose()
