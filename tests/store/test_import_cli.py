"""`followups import` from the command line: counts, idempotence, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from store.db import open_store
from tests.support.import_export import (
    base_export,
    dump,
    flat,
    grown_export,
    set_cells,
    write_export,
)

# --------------------------------------------------------------------------- command line


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real `followups` console entry point in a fresh process."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("FOLLOWUPS_") and k not in ("COLUMNS", "LINES")
    }
    env["XDG_DATA_HOME"] = str(cwd / "xdg-data")  # never the developer's own store
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-c", "from tui.cli import main; main()", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=180,
    )


def assert_clean_failure(result: subprocess.CompletedProcess[str]) -> str:
    """Non-zero exit, an error on stderr, no traceback anywhere; returns stderr flattened."""
    assert result.returncode != 0, result
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip().startswith("error:"), result.stderr
    return flat(result.stderr)


def store_at(path: Path) -> dict[str, list[tuple]]:
    engine = open_store(f"sqlite:///{path}")
    try:
        return dump(engine)
    finally:
        engine.dispose()


def test_cli_import_prints_counts_and_is_idempotent(tmp_path):
    folder = write_export(tmp_path / "export", base_export())
    db = tmp_path / "team.db"

    first = run_cli("import", str(folder), "--db", str(db), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "imported candidates.csv: 3 rows (3 new)" in out
    assert "imported touchpoints.csv: 8 rows (8 new)" in out
    assert "threads: 3 (3 new)" in out
    assert "jordan" in first.stderr and "warning" in first.stderr  # implied recruiter
    stored = store_at(db)
    assert len(stored["candidate"]) == 3

    second = run_cli("import", str(folder), "--db", str(db), cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert "imported candidates.csv: 3 rows (0 new)" in second.stdout
    assert "threads: 3 (0 new)" in second.stdout
    assert store_at(db) == stored


def test_cli_bad_export_is_one_clear_error_and_writes_nothing(tmp_path):
    db = tmp_path / "team.db"
    good = run_cli(
        "import", str(write_export(tmp_path / "good", base_export())), "--db", str(db), cwd=tmp_path
    )
    assert good.returncode == 0, good.stderr
    before = store_at(db)

    files = grown_export()
    set_cells(files, "touchpoints.csv", 1, channel="fax")
    result = run_cli(
        "import", str(write_export(tmp_path / "bad", files)), "--db", str(db), cwd=tmp_path
    )

    stderr = assert_clean_failure(result)
    assert "touchpoints.csv, line 3, column channel" in stderr
    assert "nothing was written" in stderr
    assert result.stderr.count("error:") == 1
    assert result.stdout == ""
    assert store_at(db) == before


def test_cli_each_problem_is_one_line_of_stderr(tmp_path):
    files = grown_export()
    set_cells(files, "touchpoints.csv", 1, channel="fax")
    folder = write_export(tmp_path / "bad", files)
    result = run_cli("import", str(folder), "--db", str(tmp_path / "x.db"), cwd=tmp_path)
    assert result.returncode == 1
    lines = [line.strip() for line in result.stderr.splitlines()]
    assert (
        "touchpoints.csv, line 3, column channel: 'fax' is not one of "
        "inmail, email, phone, sms, meeting, other"
    ) in lines


def test_cli_dry_run_writes_nothing(tmp_path):
    folder = write_export(tmp_path / "export", base_export())
    db = tmp_path / "team.db"
    result = run_cli("import", str(folder), "--dry-run", "--db", str(db), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "would import candidates.csv: 3 rows (3 new)" in result.stdout
    assert "nothing was written" in result.stdout
    assert all(rows == [] for rows in store_at(db).values())


def test_cli_out_of_range_config_names_key_and_file(tmp_path):
    config = tmp_path / "team.toml"
    config.write_text("[cadence]\nfirst_followup_after_days = 2\n", encoding="utf-8")
    folder = write_export(tmp_path / "export", base_export())
    db = tmp_path / "team.db"

    result = run_cli("import", str(folder), "--db", str(db), "--config", str(config), cwd=tmp_path)

    stderr = assert_clean_failure(result)
    assert "cadence.first_followup_after_days" in stderr
    assert str(config) in stderr
    assert not db.exists()  # the config is checked before anything is opened


def test_cli_config_in_current_folder_is_validated_too(tmp_path):
    (tmp_path / "followups.toml").write_text("[cadence]\nmax_folowups = 2\n", encoding="utf-8")
    result = run_cli("threads", "list", "--db", str(tmp_path / "x.db"), cwd=tmp_path)
    stderr = assert_clean_failure(result)
    assert "max_folowups" in stderr and "followups.toml" in stderr


def test_cli_unreachable_database_path_is_a_clear_error(tmp_path):
    folder = write_export(tmp_path / "export", base_export())
    result = run_cli("import", str(folder), "--db", "/nonexistent/dir/x.db", cwd=tmp_path)
    stderr = assert_clean_failure(result)
    assert "/nonexistent/dir" in stderr
    assert "cannot open database" in stderr


def test_cli_missing_export_folder_is_a_clear_error(tmp_path):
    result = run_cli(
        "import", str(tmp_path / "nowhere"), "--db", str(tmp_path / "x.db"), cwd=tmp_path
    )
    stderr = assert_clean_failure(result)
    assert "nowhere" in stderr and "not a folder" in stderr


def test_cli_lists_print_json_only(tmp_path):
    db = tmp_path / "team.db"
    folder = write_export(tmp_path / "export", base_export())
    assert run_cli("import", str(folder), "--db", str(db), cwd=tmp_path).returncode == 0

    threads = run_cli("threads", "list", "--json", "--db", str(db), cwd=tmp_path)
    assert threads.returncode == 0, threads.stderr
    listed = json.loads(threads.stdout)
    assert len(listed) == 3
    required = {"thread_id", "candidate_id", "role_id", "recruiter", "channel", "state", "reasons"}
    assert all(required <= set(t) for t in listed)
    assert {(t["candidate_id"], t["channel"], t["state"]) for t in listed} == {
        ("c1", "inmail", "waiting"),
        ("c1", "email", "waiting"),
        ("c2", "email", "waiting"),
    }

    # Options before the command name are accepted too.
    drafts = run_cli("--db", str(db), "drafts", "list", "--json", cwd=tmp_path)
    assert drafts.returncode == 0, drafts.stderr
    assert json.loads(drafts.stdout) == []
