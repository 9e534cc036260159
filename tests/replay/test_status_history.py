"""Status history (contract section 6): imported, recorded by every import, read as of."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from store import models
from store.importer import ImportFailed, import_export
from store.status_history import load_timeline

T0 = datetime(2026, 10, 1, 9)


def write(folder: Path, files: dict[str, list[dict[str, str]]]) -> Path:
    """An export folder, one CSV per entry (header from the first row's keys)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return folder


def team(statuses: dict[str, str], history: list[dict[str, str]] | None = None) -> dict:
    """A two-candidate export with the given current statuses (and a history file)."""
    files = {
        "roles.csv": [{"role_id": "r1", "title": "Robotics Engineer", "status": "open"}],
        "candidates.csv": [
            {"candidate_id": cid, "full_name": f"Person {cid}", "ats_status": status}
            for cid, status in statuses.items()
        ],
        "touchpoints.csv": [
            {
                "touchpoint_id": f"t-{cid}",
                "candidate_id": cid,
                "role_id": "r1",
                "recruiter": "sam",
                "channel": "inmail",
                "direction": "outbound",
                "occurred_at": "2026-09-20T15:00:00Z",
            }
            for cid in statuses
        ],
    }
    if history:
        files["status_history.csv"] = history
    return files


def history_rows(engine: Engine) -> list[tuple]:
    h = models.StatusChange.__table__
    with engine.connect() as conn:
        return conn.execute(
            select(h.c.candidate_id, h.c.changed_at, h.c.ats_status, h.c.source).order_by(
                h.c.candidate_id, h.c.changed_at
            )
        ).all()


def test_history_file_and_the_imports_own_observation_are_both_recorded(engine, tmp_path):
    history = [
        {"candidate_id": "c1", "ats_status": "prospect", "changed_at": "2026-09-01T00:00:00Z"},
        {"candidate_id": "c1", "ats_status": "active", "changed_at": "2026-10-10T12:00:00"},
    ]
    folder = write(tmp_path / "x", team({"c1": "hired", "c2": "prospect"}, history))
    report = import_export(engine, folder, now=datetime(2026, 11, 1, 8))
    assert report.files["status_history.csv"].rows == 2
    assert history_rows(engine) == [
        ("c1", datetime(2026, 9, 1), "prospect", "history"),
        ("c1", datetime(2026, 10, 10, 12), "active", "history"),
        ("c1", datetime(2026, 11, 1, 8), "hired", "import"),
        ("c2", datetime(2026, 11, 1, 8), "prospect", "import"),
    ]


def test_reimport_records_only_a_changed_status_at_its_own_time(engine, tmp_path):
    import_export(engine, write(tmp_path / "a", team({"c1": "prospect", "c2": "prospect"})), now=T0)
    import_export(engine, write(tmp_path / "b", team({"c1": "prospect", "c2": "prospect"})))
    later = datetime(2026, 10, 20, 9)
    import_export(engine, write(tmp_path / "c", team({"c1": "offer", "c2": "prospect"})), now=later)
    assert history_rows(engine) == [
        ("c1", T0, "prospect", "import"),
        ("c1", later, "offer", "import"),
        ("c2", T0, "prospect", "import"),
    ]


def test_status_as_of_is_the_latest_change_at_or_before_and_the_earliest_before_all(
    engine, tmp_path
):
    history = [
        {"candidate_id": "c1", "ats_status": "prospect", "changed_at": "2026-10-05T00:00:00Z"},
        {"candidate_id": "c1", "ats_status": "active", "changed_at": "2026-10-10T00:00:00Z"},
    ]
    import_export(
        engine, write(tmp_path / "x", team({"c1": "hired"}, history)), now=T0.replace(month=11)
    )
    with engine.connect() as conn:
        timeline = load_timeline(conn)
    as_of = lambda moment: timeline.as_of("c1", moment, "hired")  # noqa: E731
    assert as_of(datetime(2026, 9, 1)) == "prospect"  # before the earliest
    assert as_of(datetime(2026, 10, 9, 23, 59)) == "prospect"
    assert as_of(datetime(2026, 10, 10)) == "active"  # at the change itself
    assert as_of(datetime(2026, 10, 31)) == "active"
    assert as_of(datetime(2026, 11, 1, 9)) == "hired"
    assert timeline.as_of("nobody", datetime(2026, 10, 1), "prospect") == "prospect"


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (
            {"candidate_id": "c9", "ats_status": "active", "changed_at": "2026-10-01"},
            "candidate_id",
            "unknown candidate",
        ),
        (
            {"candidate_id": "c1", "ats_status": "busy", "changed_at": "2026-10-01"},
            "ats_status",
            "not one of",
        ),
        (
            {"candidate_id": "c1", "ats_status": "active", "changed_at": "yesterday"},
            "changed_at",
            "ISO 8601",
        ),
        (
            {"candidate_id": "c1", "ats_status": "active", "changed_at": ""},
            "changed_at",
            "required",
        ),
    ],
)
def test_a_bad_history_row_names_file_line_and_column_and_nothing_is_written(
    engine, tmp_path, row, column, words
):
    good = {"candidate_id": "c1", "ats_status": "prospect", "changed_at": "2026-09-01"}
    folder = write(tmp_path / "x", team({"c1": "prospect"}, [good, row]))
    with pytest.raises(ImportFailed) as failure:
        import_export(engine, folder, now=T0)
    message = str(failure.value)
    assert f"status_history.csv, line 3, column {column}" in message
    assert words in message
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(models.Candidate)).scalar() == 0
    assert history_rows(engine) == []


def test_two_changes_at_the_same_moment_are_a_duplicate(engine, tmp_path):
    rows = [
        {"candidate_id": "c1", "ats_status": "prospect", "changed_at": "2026-09-01T00:00:00Z"},
        {"candidate_id": "c1", "ats_status": "active", "changed_at": "2026-09-01T02:00:00+02:00"},
    ]
    folder = write(tmp_path / "x", team({"c1": "prospect"}, rows))
    with pytest.raises(ImportFailed, match=r"status_history.csv, line 3, column changed_at"):
        import_export(engine, folder, now=T0)
    assert history_rows(engine) == []


def test_import_command_takes_now(sqlite_url, tmp_path):
    from tui.cli import main

    folder = write(tmp_path / "x", team({"c1": "offer"}))
    main(["import", str(folder), "--db", sqlite_url, "--now", "2026-10-03T10:00:00Z"])
    from store.db import open_store

    assert history_rows(open_store(sqlite_url)) == [
        ("c1", datetime(2026, 10, 3, 10), "offer", "import")
    ]
