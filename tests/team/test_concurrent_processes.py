"""Several `followups` processes on one store at once: nothing created twice, nothing locked.

Two schedulers at once are here; two senders at once (each message delivered once, the
daily cap held) are in tests/drafts/test_send_crash.py, beside the sender's crash tests;
reviewers racing each other are in test_review_team.py and, on SQLite beside importers
and schedulers, in test_sqlite_reviewers_and_writers.py.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from demo import DEMO_CONFIG, write_demo_export
from store.db import open_store

NOW = "2025-11-08T09:00:00+00:00"
RUN = [sys.executable, "-c", "from tui.cli import main; main()"]


@pytest.fixture
def export(tmp_path) -> Path:
    folder = tmp_path / "export"
    folder.mkdir()
    write_demo_export(folder, now=datetime.fromisoformat(NOW).astimezone(UTC))
    (tmp_path / "followups.toml").write_text(DEMO_CONFIG)
    return folder


def _start(args: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [*RUN, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _finish(processes: list[subprocess.Popen]) -> list[tuple[int, str, str]]:
    results = []
    for p in processes:
        out, err = p.communicate(timeout=240)
        results.append((p.returncode, out, err))
    return results


def _count(url: str, sql: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(text(sql)).scalar_one()
    engine.dispose()
    return value


def test_two_schedulers_at_once_create_each_draft_once(db_url, export, tmp_path):
    first = _finish([_start(["import", str(export), "--db", db_url], tmp_path)])
    assert first[0][0] == 0, first[0][2]
    runs = _finish(
        [_start(["schedule", "--now", NOW, "--db", db_url, "--json"], tmp_path) for _ in range(2)]
    )
    for code, _out, err in runs:
        assert code == 0, err
        assert "locked" not in err
    drafts = _count(db_url, "SELECT count(*) FROM draft")
    assert drafts > 400  # the demo's due threads were drafted ...
    assert (
        _count(
            db_url,
            "SELECT count(*) FROM (SELECT thread_id, step FROM draft "
            "GROUP BY thread_id, step HAVING count(*) > 1) d",
        )
        == 0
    )  # ... once each
    per_candidate = "SELECT count(*) FROM (SELECT candidate_id FROM draft WHERE status='pending' "
    assert _count(db_url, per_candidate + "GROUP BY candidate_id HAVING count(*) > 1) d") == 0
    # and the thread-level evidence was not written twice either
    assert (
        _count(
            db_url,
            "SELECT count(*) FROM (SELECT thread_id, code FROM flag WHERE draft_id "
            "IS NULL GROUP BY thread_id, code HAVING count(*) > 1) d",
        )
        == 0
    )


def test_sqlite_writers_at_once_never_show_database_is_locked(sqlite_url, export, tmp_path):
    jobs = [
        ["import", str(export), "--db", sqlite_url],
        ["import", str(export), "--db", sqlite_url],
        ["schedule", "--now", NOW, "--db", sqlite_url],
        ["automation", "off", "--db", sqlite_url],
        ["automation", "on", "--db", sqlite_url],
        ["schedule", "--now", NOW, "--db", sqlite_url],
    ]
    open_store(sqlite_url).dispose()  # the store exists; the race is over what goes in it
    results = _finish([_start(job, tmp_path) for job in jobs])
    for (code, _out, err), job in zip(results, jobs, strict=True):
        assert "locked" not in err.lower(), (job, err)
        assert code in (0, 3), (job, err)  # 3: a scheduler that ran while automation was off
    assert _count(sqlite_url, "SELECT count(*) FROM candidate") == 833
