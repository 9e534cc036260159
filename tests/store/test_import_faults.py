"""Bad imports, cause by cause (issue 13): each is one located error, and nothing is written.

The store first holds a good export; each case then imports the same export with one cell
changed, through the real command line, on SQLite and (with FOLLOWUPS_TEST_PG) PostgreSQL.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from faults import assert_clear_error, dump, run_cli

GOOD = {
    "recruiters.csv": [{"recruiter": "sam", "name": "Sam Lee", "email": "sam@acme.test"}],
    "roles.csv": [{"role_id": "r1", "title": "Robotics Engineer", "status": "open"}],
    "candidates.csv": [
        {"candidate_id": "c1", "full_name": "Ada Lovelace", "ats_status": "prospect"},
        {
            "candidate_id": "c2",
            "full_name": "José Núñez",
            "email": "jose@example.org",
            "ats_status": "prospect",
        },
    ],
    "touchpoints.csv": [
        {
            "touchpoint_id": "t1",
            "candidate_id": "c1",
            "role_id": "r1",
            "recruiter": "sam",
            "channel": "inmail",
            "direction": "outbound",
            "occurred_at": "2025-03-01T09:00:00Z",
        },
        {
            "touchpoint_id": "t2",
            "candidate_id": "c2",
            "role_id": "r1",
            "recruiter": "sam",
            "channel": "email",
            "direction": "outbound",
            "occurred_at": "2025-03-02T09:00:00+01:00",
        },
    ],
    "suppressions.csv": [{"email": "gone@example.org", "reason": "asked"}],
}

MEGA = "9" * 1_000_000
ESCAPES = "\x1b]52;c;aGVsbG8=\x07\x1b[2J"

# (file, row, column, bad value). The error must name the file, the line and the column.
CASES = {
    # Timestamps outside what a datetime (or a cadence added to it) can hold.
    "year 10000 in UTC": ("touchpoints.csv", 0, "occurred_at", "9999-12-31T23:00:00-05:00"),
    "year 9999": ("touchpoints.csv", 1, "occurred_at", "9999-12-31T00:00:00Z"),
    "year 0": ("touchpoints.csv", 0, "occurred_at", "0000-01-01T00:00:00"),
    "year 1 minus an offset": ("touchpoints.csv", 0, "occurred_at", "0001-01-01T00:10:00+23:59"),
    "huge offset": ("touchpoints.csv", 0, "occurred_at", "2025-03-01T09:00:00+99:00"),
    "1 MB timestamp": ("touchpoints.csv", 1, "occurred_at", MEGA),
    "escapes in a timestamp": ("touchpoints.csv", 0, "occurred_at", ESCAPES),
    # Ids that a stripped control or invisible character would turn into another id.
    "zero-width space in a candidate id": ("candidates.csv", 1, "candidate_id", "c1\u200b"),
    "escape in a candidate id": ("candidates.csv", 1, "candidate_id", "c\x1b[2J1"),
    "NUL-free C1 control in a touchpoint's candidate": (
        "touchpoints.csv",
        1,
        "candidate_id",
        "c\x851",
    ),
    "bidi override in a recruiter handle": ("touchpoints.csv", 1, "recruiter", "sam\u202e"),
    "tab in a role id": ("roles.csv", 0, "role_id", "r\t1"),
    "word joiner in a recruiter": ("recruiters.csv", 0, "recruiter", "s\u2060am"),
    "soft hyphen in a suppression's candidate": ("suppressions.csv", 0, "candidate_id", "c\xad1"),
    "no-break space ending an id": ("candidates.csv", 1, "candidate_id", "c1\u00a0"),
    "line separator in an id": ("touchpoints.csv", 1, "touchpoint_id", "t\u20282"),
    "private-use character in a role": ("touchpoints.csv", 0, "role_id", "r1\ue000"),
    "BOM inside a recruiter handle": ("touchpoints.csv", 0, "recruiter", "\ufeffsam"),
    # Addresses no mail library can write.
    "two dots": ("candidates.csv", 1, "email", "a..b@example.org"),
    "comma": ("candidates.csv", 1, "email", "a,b@example.org"),
    "semicolon": ("candidates.csv", 1, "email", "a;b@example.org"),
    "non-ASCII local part": ("candidates.csv", 1, "email", "é@example.org"),
    "no domain": ("candidates.csv", 1, "email", "jose@"),
    "no dot in the domain": ("candidates.csv", 1, "email", "jose@example"),
    "domain literal": ("candidates.csv", 1, "email", "jose@[127.0.0.1]"),
    "quoted local part": ("candidates.csv", 1, "email", '"jo se"@example.org'),
    "two addresses": ("recruiters.csv", 0, "email", "sam@acme.test, kim@acme.test"),
    "escapes in an address": ("candidates.csv", 1, "email", f"jo{ESCAPES}@example.org"),
    "1 MB address": ("candidates.csv", 1, "email", MEGA + "@example.org"),
    "bad suppression address": ("suppressions.csv", 0, "email", "gone@@example.org"),
    # Numbers and choices.
    "a 20-digit daily limit": ("recruiters.csv", 0, "daily_limit", "9" * 20),
    "underscores in a number": ("recruiters.csv", 0, "daily_limit", "1_000"),
    "Arabic-Indic digits": ("recruiters.csv", 0, "daily_limit", "\u0663"),
    "negative": ("recruiters.csv", 0, "daily_limit", "-5"),
    "1 MB number": ("recruiters.csv", 0, "daily_limit", MEGA),
    "1 MB status": ("candidates.csv", 0, "ats_status", MEGA),
    "escapes in a status": ("candidates.csv", 0, "ats_status", ESCAPES),
    "1 MB boolean": ("candidates.csv", 0, "do_not_contact", "maybe" * 200_000),
    "1 MB time zone": ("candidates.csv", 0, "timezone", "Europe/" + "x" * 100_000),
    "a path as time zone": ("candidates.csv", 0, "timezone", "../../../etc/passwd"),
    "1 MB name": ("candidates.csv", 0, "full_name", "n" * 1_000_000),
}


def write_export(folder: Path, files: dict[str, list[dict[str, str]]]) -> Path:
    """The export as CSV files, as an ATS writes them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        header: list[str] = []
        for row in rows:
            header += [column for column in row if column not in header]
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([[row.get(c, "") for c in header] for row in rows])
    return folder


@pytest.fixture
def loaded(db_url, tmp_path, monkeypatch, capsys) -> str:
    """A store that already holds the good export."""
    monkeypatch.chdir(tmp_path)
    for name in ("FOLLOWUPS_DB", "FOLLOWUPS_CONFIG", "FOLLOWUPS_USER"):
        monkeypatch.delenv(name, raising=False)
    good = write_export(tmp_path / "good", GOOD)
    result = run_cli(capsys, "import", str(good), "--db", db_url)
    assert result.code == 0, result.err
    return db_url


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_cell_is_a_located_error_and_writes_nothing(case, loaded, tmp_path, capsys):
    file, row, column, value = CASES[case]
    files = {name: [dict(r) for r in rows] for name, rows in GOOD.items()}
    files[file][row][column] = value
    before = dump(loaded)
    result = run_cli(capsys, "import", str(write_export(tmp_path / "bad", files)), "--db", loaded)
    assert_clear_error(result, file, f"line {row + 2}", f"column {column}")
    assert "nothing was written" in result.err
    assert len(result.err) < 1000
    assert dump(loaded) == before


def test_an_id_differing_only_by_an_invisible_character_never_merges(loaded, tmp_path, capsys):
    """`c1<U+200B>` used to be stripped into `c1`, overwriting Ada with someone else."""
    files = {name: [dict(r) for r in rows] for name, rows in GOOD.items()}
    files["candidates.csv"].append(
        {"candidate_id": "c1\u200b", "full_name": "Somebody Else", "ats_status": "hired"}
    )
    before = dump(loaded)
    result = run_cli(capsys, "import", str(write_export(tmp_path / "bad", files)), "--db", loaded)
    assert_clear_error(result, "candidates.csv", "line 4", "column candidate_id", "U+200B")
    assert dump(loaded) == before


def test_a_normalisable_address_is_stored_in_its_sendable_form(loaded, tmp_path, capsys):
    """Full-width letters, a zero-width space and a trailing dot are not errors: the address
    is stored as mail can carry it, so rules and the sender see one form."""
    files = {name: [dict(r) for r in rows] for name, rows in GOOD.items()}
    files["candidates.csv"][1]["email"] = "ｊｏｓｅ@exam\u200bple.org."
    result = run_cli(capsys, "import", str(write_export(tmp_path / "ok", files)), "--db", loaded)
    assert result.code == 0, result.err
    emails = {row[0]: row[3] for row in dump(loaded)["candidate"]}
    assert emails["c2"] == "jose@example.org"


def test_many_bad_rows_are_a_bounded_message(loaded, tmp_path, capsys):
    files = {name: [dict(r) for r in rows] for name, rows in GOOD.items()}
    files["candidates.csv"] += [
        {"candidate_id": f"x{i}", "full_name": "X", "ats_status": MEGA} for i in range(500)
    ]
    before = dump(loaded)
    result = run_cli(capsys, "import", str(write_export(tmp_path / "bad", files)), "--db", loaded)
    assert_clear_error(result, "candidates.csv", "line 4", "column ats_status", "and 480 more")
    assert len(result.err) < 8000
    assert dump(loaded) == before


def test_a_huge_unknown_column_name_is_a_short_warning(loaded, tmp_path, capsys):
    files = {name: [dict(r) for r in rows] for name, rows in GOOD.items()}
    files["roles.csv"][0]["x" * 100_000 + ESCAPES] = "1"
    result = run_cli(capsys, "import", str(write_export(tmp_path / "ok", files)), "--db", loaded)
    assert result.code == 0, result.err
    assert "ignoring unknown column" in result.err
    assert "\x1b" not in result.err and len(result.err) < 1000
