"""A slow `schedule` on SQLite never locks out readers or the admin switch.

A real `followups schedule` process drafts with a slow model (the loopback fake answers
each request after seconds). While it waits on the model, `drafts list`, `threads list`
and the admin switch run as other processes with a busy timeout of one second
($FOLLOWUPS_SQLITE_BUSY_TIMEOUT_S): were the schedule holding the write lock, they would
fail with "database is locked". Then the schedule ends correctly: every draft written, or,
when the switch was turned off meanwhile, nothing written and exit 3.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from builders import DAY, NOW, Team, write_config
from fake_openai_server import FakeOpenAI

from store.db import BUSY_TIMEOUT_ENV

NOW_ARG = "2025-11-08T09:00:00Z"
SCRIPT = str(Path(sys.executable).parent / "followups")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUPS_")}
    return env | {BUSY_TIMEOUT_ENV: "1"}


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [SCRIPT, *args], capture_output=True, text=True, env=_env(), timeout=60, check=False
    )


def _store(tmp_path: Path, server: FakeOpenAI) -> tuple[str, str]:
    team = Team().recruiter("sam", name="Sam Carter").role("r-1")
    for n in range(3):
        team.candidate(f"c-{n}", first_name=f"Pat{n}")
        team.touch(f"c-{n}", NOW - 10 * DAY)
    team.write(tmp_path / "export")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    assert _run("import", str(tmp_path / "export"), "--db", db).returncode == 0
    llm = {
        "base_url": server.base_url,
        "api_key_env": "FOLLOWUPS_TEST_UNSET_KEY",
        "timeout_s": 30,
        "max_retries": 0,
        "concurrency": 1,
    }
    config = write_config(tmp_path / "followups.toml", drafting={"engine": "llm"}, llm=llm)
    return db, str(config)


def _start_schedule(db: str, config: str) -> subprocess.Popen:
    return subprocess.Popen(
        [SCRIPT, "schedule", "--db", db, "--config", config, "--now", NOW_ARG, "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )


def _wait_for_first_request(server: FakeOpenAI, schedule: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while server.count == 0:
        assert schedule.poll() is None, schedule.communicate()
        assert time.monotonic() < deadline, "the schedule never asked the model"
        time.sleep(0.05)


def test_readers_and_the_switch_work_while_schedule_waits_on_the_model(tmp_path):
    # 3 requests, one at a time, 8 s each: the commands below run well inside that.
    with FakeOpenAI(latency_s=8.0) as server:
        db, config = _store(tmp_path, server)
        schedule = _start_schedule(db, config)
        _wait_for_first_request(server, schedule)
        listed = _run("drafts", "list", "--db", db, "--json")
        threads = _run("threads", "list", "--db", db, "--json")
        # A write of the switch (to the value it has: the outcome stays the same).
        on = _run("automation", "on", "--db", db, "--as", "lead")
        assert schedule.poll() is None, "the schedule ended before the readers ran"
        out, err = schedule.communicate(timeout=120)
    for result in (listed, threads, on):
        assert result.returncode == 0, result.stderr
        assert "locked" not in result.stderr
    assert json.loads(listed.stdout) == []
    assert schedule.returncode == 0, err
    assert json.loads(out)["created"] == 3
    drafts = json.loads(_run("drafts", "list", "--db", db, "--json").stdout)
    assert sorted(d["candidate_id"] for d in drafts) == ["c-0", "c-1", "c-2"]


def test_automation_turned_off_while_drafting_writes_nothing(tmp_path):
    with FakeOpenAI(latency_s=8.0) as server:
        db, config = _store(tmp_path, server)
        schedule = _start_schedule(db, config)
        _wait_for_first_request(server, schedule)
        off = _run("automation", "off", "--db", db, "--as", "lead")
        assert schedule.poll() is None, "the schedule ended before the switch was turned"
        out, err = schedule.communicate(timeout=120)
    assert off.returncode == 0, off.stderr
    assert schedule.returncode == 3, err
    assert json.loads(out)["automation"] == "off"
    assert json.loads(_run("drafts", "list", "--db", db, "--json").stdout) == []
    threads = json.loads(_run("threads", "list", "--db", db, "--json").stdout)
    assert {t["state"] for t in threads} != {"drafted"}
