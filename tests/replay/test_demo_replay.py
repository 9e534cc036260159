"""The demo's month replayed: the naive automation harms the seed's people, ours nobody."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from demo import write_demo_export
from store.db import open_store
from store.importer import import_export
from store.status_history import load_timeline

NOW = datetime(2026, 11, 30, 9, tzinfo=UTC)
FIRST, LAST = "2026-11-01", "2026-11-30"
# The seed's categories, as the rules name them: replied on another channel, in process,
# accepted offers / already work here, declined, asked not to be contacted, never received.
SEED_CODES = {"replied", "in_process", "employee", "declined", "do_not_contact", "undelivered"}


def in_folder(folder, *args: str) -> subprocess.CompletedProcess:
    """The console script run in `folder`, where the demo keeps its followups.toml."""
    script = Path(sys.executable).parent / "followups"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUPS_")}
    return subprocess.run(
        [str(script), *args], capture_output=True, text=True, cwd=folder, env=env, timeout=300
    )


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory):
    """`followups demo` as a user runs it, in a folder of its own."""
    folder = tmp_path_factory.mktemp("demo")
    done = in_folder(folder, "demo", "--db", "demo.db", "--now", NOW.isoformat())
    assert done.returncode == 0, done.stderr
    return folder


def test_naive_replay_of_the_demo_month_shows_the_seeds_categories_and_ours_none(demo_folder):
    replay = ("replay", "--db", "demo.db", "--from", FIRST, "--to", LAST, "--naive")
    done = in_folder(demo_folder, *replay, "--json")
    assert done.returncode == 0, done.stderr
    runs = {run["name"]: run for run in json.loads(done.stdout)["runs"]}
    assert set(runs["naive"]["harms"]) >= SEED_CODES
    assert runs["naive"]["harms"]["replied"] > 100
    assert runs["configured"]["harms"] == {}
    assert runs["configured"]["followups"] > 0
    assert runs["naive"]["followups"] > runs["configured"]["followups"]

    text = in_folder(demo_folder, *replay)
    assert "configured" in text.stdout and "none" in text.stdout
    assert "in_process" in text.stdout and "Interviewing (ATS status active)" in text.stdout


def test_people_hired_in_the_month_were_prospects_before(tmp_path):
    manifest = write_demo_export(tmp_path / "export", NOW)
    engine = open_store(f"sqlite:///{tmp_path / 'demo.db'}")
    import_export(engine, tmp_path / "export", now=NOW)
    with engine.connect() as conn:
        timeline = load_timeline(conn)
    month_start = datetime(2026, 11, 1)
    hired = [
        cid
        for cid in manifest.categories["accepted_offer"]
        if timeline.as_of(cid, NOW.replace(tzinfo=None), "?") == "hired"
    ]
    assert len(hired) >= 5
    for cid in hired:
        assert timeline.as_of(cid, month_start - timedelta(days=40), "?") == "prospect"
        assert timeline.as_of(cid, month_start, "?") in ("prospect", "active")
    for cid in manifest.categories["never_answered"][:50]:
        assert timeline.as_of(cid, month_start, "?") == "prospect"
