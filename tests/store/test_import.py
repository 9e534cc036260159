"""`followups import`: what an ATS export becomes in the store, and what a bad one does not.

Every export here is written by the test itself with the csv module, so each test shows
the exact input a user would hand over. "Store unchanged" is checked by dumping every
table before and after, on SQLite and (with FOLLOWUPS_TEST_PG) on PostgreSQL.
"""

from __future__ import annotations

import csv
import json
import os
import random
import string
import subprocess
import sys
import tempfile
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from store import FollowupsError, models
from store.db import open_store
from store.importer import ImportFailed, import_export
from store.text import clean, first_name_of

# --------------------------------------------------------------------------- helpers

Rows = list[dict[str, str]]
# Two stores compared row for row were imported at the same moment (status history).
IMPORTED_AT = datetime(2026, 11, 2, 9)
Export = dict[str, Rows]


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], *, encoding: str = "utf-8"
) -> Path:
    """One CSV file exactly as an ATS would write it (RFC 4180 quoting, CRLF lines)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def header_of(rows: Rows) -> list[str]:
    """Every column any row names, in first-seen order."""
    header: list[str] = []
    for row in rows:
        header.extend(name for name in row if name not in header)
    return header


def write_export(
    folder: Path,
    files: Export,
    *,
    encoding: str = "utf-8",
    order: dict[str, list[str]] | None = None,
) -> Path:
    """Write every file of an export; `order` gives a file's column order explicitly."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        header = (order or {}).get(name) or header_of(rows)
        body = [[row.get(column, "") for column in header] for row in rows]
        write_csv(folder / name, header, body, encoding=encoding)
    return folder


def base_export() -> Export:
    """A small team's export: 3 recruiters' worth of outreach to 3 candidates on 2 roles."""
    return {
        "recruiters.csv": [
            {
                "recruiter": "sam",
                "name": "Sam Lee",
                "email": "sam@acme-robotics.com",
                "daily_limit": "50",
                "status": "active",
            },
            {"recruiter": "alex", "name": "Alex Kim", "status": "Paused"},
        ],
        "roles.csv": [
            {
                "role_id": "r1",
                "title": "Robotics Engineer",
                "status": "open",
                "hiring_manager": "Jo",
                "location": "Berlin",
            },
            {"role_id": "r2", "title": "Firmware Lead", "status": "filled"},
        ],
        "candidates.csv": [
            {
                "candidate_id": "c1",
                "full_name": "Dr. Ada Lovelace",
                "first_name": "",
                "email": "ada@example.com",
                "linkedin_url": "https://www.linkedin.com/in/ada/",
                "company": "Analytical Engines Ltd",
                "title": "Engineer",
                "location": "London",
                "timezone": "Europe/London",
                "ats_status": "prospect",
                "do_not_contact": "no",
                "notes": 'Met at PyCon.\nLikes robots, "big" ones.',
            },
            {
                "candidate_id": "c2",
                "full_name": "Núñez, José",
                "first_name": "Pepe",
                "email": "jose@example.org",
                "ats_status": "Active",
                "do_not_contact": "false",
            },
            {
                "candidate_id": "c3",
                "full_name": "Grace Hopper",
                "ats_status": "prospect",
                "do_not_contact": "YES",
                "notes": "Prefers email",
            },
        ],
        "touchpoints.csv": [
            # Listed first but sent after t3: file order does not pick the initial message.
            {
                "touchpoint_id": "t1",
                "candidate_id": "c1",
                "role_id": "r1",
                "recruiter": "sam",
                "channel": "inmail",
                "direction": "outbound",
                "occurred_at": "2025-11-03T09:00:00Z",
                "subject": "Robotics role",
                "body": "Hi Ada, quick follow-up.",
            },
            {
                "touchpoint_id": "t3",
                "candidate_id": "c1",
                "role_id": "r1",
                "recruiter": "sam",
                "channel": "InMail",
                "direction": "outbound",
                "occurred_at": "2025-11-01T08:00:00+01:00",
                "subject": "Robotics at Acme",
                "body": "Hi Ada,\nwould you like to build robots with us?",
            },
            {
                "touchpoint_id": "t4",
                "candidate_id": "c1",
                "role_id": "r1",
                "recruiter": "sam",
                "channel": "email",
                "direction": "outbound",
                "occurred_at": "2025-11-04T10:00:00",
                "delivery": "bounced",
            },
            {
                "touchpoint_id": "t5",
                "candidate_id": "c1",
                "role_id": "r1",
                "channel": "phone",
                "direction": "outbound",
                "occurred_at": "2025-11-05T10:00:00Z",
            },
            {
                "touchpoint_id": "t6",
                "candidate_id": "c1",
                "recruiter": "sam",
                "channel": "inmail",
                "direction": "outbound",
                "occurred_at": "2025-11-05T11:00:00Z",
            },
            {
                "touchpoint_id": "t7",
                "candidate_id": "c2",
                "role_id": "r2",
                "recruiter": "jordan",
                "channel": "email",
                "direction": "outbound",
                "occurred_at": "2025-11-02T12:00:00Z",
            },
            {
                "touchpoint_id": "t8",
                "candidate_id": "c2",
                "role_id": "r2",
                "recruiter": "jordan",
                "channel": "email",
                "direction": "inbound",
                "occurred_at": "2025-11-03T12:00:00Z",
                "subject": "Re: Firmware",
                "body": "Thanks, not right now.",
            },
            {
                "touchpoint_id": "t9",
                "candidate_id": "c3",
                "role_id": "r1",
                "recruiter": "alex",
                "channel": "inmail",
                "direction": "inbound",
                "occurred_at": "2025-11-06T12:00:00Z",
                "body": "Who is this?",
            },
        ],
        "suppressions.csv": [
            {"email": " Someone@Example.COM ", "reason": "asked by phone"},
            {"linkedin_url": "HTTPS://www.LinkedIn.com/in/Ghost/", "reason": "legal"},
            {"candidate_id": "c3", "reason": "asked in person"},
        ],
    }


def grown_export() -> Export:
    """The base export plus new rows in every file (a later export from the same ATS)."""
    files = base_export()
    files["roles.csv"].append({"role_id": "r3", "title": "QA Lead", "status": "on_hold"})
    files["candidates.csv"].append(
        {"candidate_id": "c4", "full_name": "Alan Turing", "ats_status": "prospect"}
    )
    files["touchpoints.csv"].append(
        {
            "touchpoint_id": "t10",
            "candidate_id": "c4",
            "role_id": "r3",
            "recruiter": "riley",
            "channel": "email",
            "direction": "outbound",
            "occurred_at": "2025-11-07T09:00:00Z",
        }
    )
    files["suppressions.csv"].append({"email": "nobody@example.net"})
    return files


def dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order: what "the store" holds."""
    tables: dict[str, list[tuple]] = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            tables[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
    return tables


def rows_of(engine: Engine, model, *order) -> list[dict[str, Any]]:
    table = model.__table__
    with engine.connect() as conn:
        result = conn.execute(select(table).order_by(*(order or table.primary_key.columns)))
        return [dict(r) for r in result.mappings()]


def by_key(engine: Engine, model, key: str) -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in rows_of(engine, model)}


def flat(text: str) -> str:
    """Whitespace collapsed, so a message wrapped by the terminal still matches."""
    return " ".join(text.split())


# --------------------------------------------------------------------------- a good import


def test_small_export_lands_in_the_store(engine, tmp_path):
    report = import_export(engine, write_export(tmp_path / "export", base_export()))

    assert {name: (c.rows, c.new) for name, c in report.files.items()} == {
        "recruiters.csv": (2, 2),
        "roles.csv": (2, 2),
        "candidates.csv": (3, 3),
        "touchpoints.csv": (8, 8),
        "suppressions.csv": (3, 3),
    }
    assert (report.threads, report.new_threads) == (3, 3)

    recruiters = by_key(engine, models.Recruiter, "recruiter")
    assert recruiters["sam"]["daily_limit"] == 50
    assert recruiters["sam"]["email"] == "sam@acme-robotics.com"
    assert recruiters["alex"]["status"] == "paused"  # enum values match in any case

    roles = by_key(engine, models.Role, "role_id")
    assert roles["r1"]["hiring_manager"] == "Jo"
    assert roles["r2"]["status"] == "filled"
    assert roles["r2"]["location"] is None  # empty optional cell: unknown

    candidates = by_key(engine, models.Candidate, "candidate_id")
    assert candidates["c1"]["notes"] == 'Met at PyCon.\nLikes robots, "big" ones.'
    assert candidates["c1"]["timezone"] == "Europe/London"
    assert candidates["c2"]["full_name"] == "Núñez, José"
    assert candidates["c2"]["ats_status"] == "active"
    assert [candidates[c]["do_not_contact"] for c in ("c1", "c2", "c3")] == [False, False, True]
    assert candidates["c2"]["notes"] is None

    touchpoints = by_key(engine, models.Touchpoint, "touchpoint_id")
    assert set(touchpoints) == {f"t{i}" for i in (1, 3, 4, 5, 6, 7, 8, 9)}
    # An offset is converted to UTC; a timestamp without one is UTC already.
    assert touchpoints["t3"]["occurred_at"] == datetime(2025, 11, 1, 7, 0)
    assert touchpoints["t4"]["occurred_at"] == datetime(2025, 11, 4, 10, 0)
    assert touchpoints["t3"]["channel"] == "inmail"
    assert touchpoints["t3"]["body"] == "Hi Ada,\nwould you like to build robots with us?"
    assert touchpoints["t6"]["role_id"] is None

    suppressions = rows_of(engine, models.Suppression)
    assert {(s["candidate_id"], s["email"], s["linkedin_url"]) for s in suppressions} == {
        (None, "someone@example.com", None),  # email matches case-insensitively
        (None, None, "linkedin.com/in/ghost"),  # scheme, www., case and slash dropped
        ("c3", None, None),
    }


def test_threads_are_candidate_role_channel_with_the_earliest_outbound_as_initial(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "export", base_export()))

    threads = {
        (t["candidate_id"], t["role_id"], t["channel"]): t for t in rows_of(engine, models.Thread)
    }
    # Not threads: a phone call (t5), an InMail with no role (t6), an inbound-only pair (t9).
    assert set(threads) == {("c1", "r1", "inmail"), ("c1", "r1", "email"), ("c2", "r2", "email")}

    inmail = threads[("c1", "r1", "inmail")]
    assert inmail["initial_touchpoint_id"] == "t3"  # earliest in time, second in the file
    assert inmail["initial_at"] == datetime(2025, 11, 1, 7, 0)
    assert inmail["recruiter"] == "sam"
    assert threads[("c1", "r1", "email")]["initial_touchpoint_id"] == "t4"
    assert threads[("c2", "r2", "email")]["initial_touchpoint_id"] == "t7"
    assert threads[("c2", "r2", "email")]["recruiter"] == "jordan"
    assert {t["state"] for t in threads.values()} == {"waiting"}
    assert all(t["reasons"] == [] for t in threads.values())


def test_first_name_is_derived_only_when_empty(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "export", base_export()))
    candidates = by_key(engine, models.Candidate, "candidate_id")
    assert candidates["c1"]["first_name"] == "Ada"  # "Dr. Ada Lovelace", title dropped
    assert candidates["c2"]["first_name"] == "Pepe"  # given: kept as written
    assert candidates["c3"]["first_name"] == "Grace"  # column absent from the row: derived


def test_delivery_defaults_to_delivered_for_outbound_only(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "export", base_export()))
    touchpoints = by_key(engine, models.Touchpoint, "touchpoint_id")
    assert touchpoints["t3"]["delivery"] == "delivered"
    assert touchpoints["t5"]["delivery"] == "delivered"
    assert touchpoints["t4"]["delivery"] == "bounced"
    assert touchpoints["t8"]["delivery"] is None  # inbound: delivery does not apply
    assert touchpoints["t9"]["delivery"] is None


def test_recruiter_named_only_in_touchpoints_is_created_active_with_a_warning(engine, tmp_path):
    report = import_export(engine, write_export(tmp_path / "export", base_export()))
    recruiters = by_key(engine, models.Recruiter, "recruiter")
    assert set(recruiters) == {"sam", "alex", "jordan"}
    assert recruiters["jordan"]["status"] == "active"
    assert recruiters["jordan"]["name"] is None
    assert any("jordan" in w and "recruiters.csv" in w for w in report.warnings)


def test_recruiters_file_is_optional(engine, tmp_path):
    files = base_export()
    del files["recruiters.csv"], files["suppressions.csv"]
    report = import_export(engine, write_export(tmp_path / "export", files))
    assert "recruiters.csv" not in report.files
    recruiters = by_key(engine, models.Recruiter, "recruiter")
    # Every handle in touchpoints.csv exists, active: alex is no longer known to be paused.
    assert {k: r["status"] for k, r in recruiters.items()} == {
        "sam": "active",
        "alex": "active",
        "jordan": "active",
    }


def test_a_byte_order_mark_is_accepted(engine, tmp_path):
    plain = tmp_path / "plain"
    write_export(plain, base_export())
    import_export(engine, plain, now=IMPORTED_AT)
    expected = dump(engine)

    bom = write_export(tmp_path / "bom", base_export(), encoding="utf-8-sig")
    assert (bom / "candidates.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    other = open_store(f"sqlite:///{tmp_path / 'bom.db'}")
    try:
        report = import_export(other, bom, now=IMPORTED_AT)
        assert report.files["candidates.csv"].rows == 3
        assert not any("unknown" in w for w in report.warnings), report.warnings
        assert dump(other) == expected
    finally:
        other.dispose()


def test_column_order_is_free(engine, tmp_path):
    files = base_export()
    import_export(engine, write_export(tmp_path / "plain", files), now=IMPORTED_AT)
    reversed_order = {name: list(reversed(header_of(rows))) for name, rows in files.items()}
    shuffled = write_export(tmp_path / "shuffled", files, order=reversed_order)
    first_line = (shuffled / "touchpoints.csv").read_text().splitlines()[0]
    assert first_line.split(",") == reversed_order["touchpoints.csv"]

    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        import_export(other, shuffled, now=IMPORTED_AT)
        assert dump(other) == dump(engine)
    finally:
        other.dispose()


def test_header_names_ignore_case_and_surrounding_space(engine, tmp_path):
    folder = write_export(tmp_path / "export", base_export())
    write_csv(
        folder / "roles.csv",
        [" Role_ID ", "TITLE", "Status"],
        [["r1", "Robotics Engineer", "open"], ["r2", "Firmware Lead", "filled"]],
    )
    import_export(engine, folder)
    assert set(by_key(engine, models.Role, "role_id")) == {"r1", "r2"}


def test_unknown_column_is_ignored_with_a_warning(engine, tmp_path):
    files = base_export()
    for row in files["candidates.csv"]:
        row["ats_owner"] = "someone"
    report = import_export(engine, write_export(tmp_path / "export", files))
    assert any(
        w.startswith("candidates.csv") and "ats_owner" in w and "unknown" in w
        for w in report.warnings
    ), report.warnings
    assert len(rows_of(engine, models.Candidate)) == 3


def test_blank_lines_are_skipped(engine, tmp_path):
    folder = write_export(tmp_path / "export", base_export())
    with (folder / "roles.csv").open("a", newline="", encoding="utf-8") as handle:
        handle.write("\r\n,,\r\n\r\n")
    report = import_export(engine, folder)
    assert report.files["roles.csv"].rows == 2


# --------------------------------------------------------------------------- re-imports


def test_importing_the_same_export_twice_changes_nothing(engine, tmp_path):
    folder = write_export(tmp_path / "export", base_export())
    import_export(engine, folder)
    first = dump(engine)

    report = import_export(engine, folder)

    assert dump(engine) == first
    assert {name: c.new for name, c in report.files.items()} == dict.fromkeys(report.files, 0)
    assert report.new_threads == 0
    assert report.threads == 3
    # jordan exists now: the second run does not claim to add them again.
    assert not any("jordan" in w for w in report.warnings)


def test_a_later_export_with_more_rows_adds_them(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "monday", base_export()))
    before = dump(engine)

    report = import_export(engine, write_export(tmp_path / "tuesday", grown_export()))

    assert {name: c.new for name, c in report.files.items()} == {
        "recruiters.csv": 0,
        "roles.csv": 1,
        "candidates.csv": 1,
        "touchpoints.csv": 1,
        "suppressions.csv": 1,
    }
    assert (report.threads, report.new_threads) == (4, 1)
    after = dump(engine)
    for table, rows in before.items():
        for row in rows:
            assert row in after[table], f"{table} lost or changed {row}"
    assert by_key(engine, models.Recruiter, "recruiter")["riley"]["status"] == "active"
    assert by_key(engine, models.Candidate, "candidate_id")["c4"]["first_name"] == "Alan"


def test_a_later_export_updates_changed_values(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "monday", base_export()))
    files = base_export()
    files["candidates.csv"][0]["ats_status"] = "offer"
    files["candidates.csv"][0]["title"] = "Staff Engineer"
    files["roles.csv"][0]["status"] = "closed"
    import_export(engine, write_export(tmp_path / "tuesday", files))

    candidate = by_key(engine, models.Candidate, "candidate_id")["c1"]
    assert (candidate["ats_status"], candidate["title"]) == ("offer", "Staff Engineer")
    assert by_key(engine, models.Role, "role_id")["r1"]["status"] == "closed"


def test_a_later_export_without_notes_keeps_the_stored_notes(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "monday", base_export()))
    files = base_export()
    for row in files["candidates.csv"]:
        row.pop("notes", None)
        row["title"] = "Changed"
    assert "notes" not in header_of(files["candidates.csv"])

    import_export(engine, write_export(tmp_path / "tuesday", files))

    candidates = by_key(engine, models.Candidate, "candidate_id")
    assert candidates["c1"]["notes"] == 'Met at PyCon.\nLikes robots, "big" ones.'
    assert candidates["c3"]["notes"] == "Prefers email"
    assert candidates["c1"]["title"] == "Changed"  # the columns it does have are updated


def test_a_later_export_without_first_name_keeps_a_given_first_name(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "monday", base_export()))
    files = base_export()
    for row in files["candidates.csv"]:
        row.pop("first_name", None)
    assert "first_name" not in header_of(files["candidates.csv"])

    import_export(engine, write_export(tmp_path / "tuesday", files))

    assert by_key(engine, models.Candidate, "candidate_id")["c2"]["first_name"] == "Pepe"


def test_a_later_export_without_delivery_keeps_a_bounce(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "monday", base_export()))
    files = base_export()
    for row in files["touchpoints.csv"]:
        row.pop("delivery", None)
    assert "delivery" not in header_of(files["touchpoints.csv"])

    import_export(engine, write_export(tmp_path / "tuesday", files))

    assert by_key(engine, models.Touchpoint, "touchpoint_id")["t4"]["delivery"] == "bounced"


def test_touchpoints_without_the_optional_recruiter_column(engine, tmp_path):
    files = base_export()
    for row in files["touchpoints.csv"]:
        row.pop("recruiter", None)
    import_export(engine, write_export(tmp_path / "export", files))
    assert len(rows_of(engine, models.Touchpoint)) == 8
    assert {t["recruiter"] for t in rows_of(engine, models.Thread)} == {None}


def test_a_previously_imported_candidate_may_be_referred_to_later(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "monday", base_export()))
    files = {
        "roles.csv": base_export()["roles.csv"],
        "candidates.csv": [
            {"candidate_id": "c9", "full_name": "New Person", "ats_status": "prospect"}
        ],
        "touchpoints.csv": [
            {
                "touchpoint_id": "t20",
                "candidate_id": "c2",  # known from Monday, absent from this export
                "role_id": "r1",
                "recruiter": "sam",
                "channel": "email",
                "direction": "outbound",
                "occurred_at": "2025-11-10T09:00:00Z",
            }
        ],
    }
    report = import_export(engine, write_export(tmp_path / "tuesday", files))
    assert report.new_threads == 1
    assert "t20" in by_key(engine, models.Touchpoint, "touchpoint_id")


# --------------------------------------------------------------------------- untrusted text

CONTROL_SAMPLES = "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f\x80\x85\x9b\x9f\u202a\u202e\u2066\u2069"


BIDI_CONTROLS = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def has_control(value: str) -> bool:
    """Any C0/C1 control (CR included) but newline and tab, DEL, or a bidi control mark."""
    return any(
        (unicodedata.category(ch) == "Cc" and ch not in "\n\t") or ch in BIDI_CONTROLS
        for ch in value
    )


def test_control_characters_are_stripped_from_names_and_bodies(engine, tmp_path):
    files = base_export()
    files["candidates.csv"][0]["full_name"] = "\u202eAda\x00 Love\x1b[31mlace\x7f\x85"
    files["candidates.csv"][0]["notes"] = "line\x9b one\r\nline\ttwo\x07"
    files["touchpoints.csv"][1]["body"] = "Hi\u2066 Ada\x08,\nbye\x0c\u202a"
    files["touchpoints.csv"][1]["subject"] = "\x1b]0;pwned\x07Robots"
    import_export(engine, write_export(tmp_path / "export", files))

    c1 = by_key(engine, models.Candidate, "candidate_id")["c1"]
    assert c1["full_name"] == "Ada Love[31mlace"
    assert c1["first_name"] == "Ada"
    assert c1["notes"] == "line one\nline\ttwo"  # newline and tab kept, CRLF normalised
    t3 = by_key(engine, models.Touchpoint, "touchpoint_id")["t3"]
    assert t3["body"] == "Hi Ada,\nbye"
    assert t3["subject"] == "]0;pwnedRobots"
    for value in (c1["full_name"], c1["notes"], t3["body"], t3["subject"]):
        assert not has_control(value), repr(value)


def test_markup_like_text_is_stored_literally(engine, tmp_path):
    files = base_export()
    files["candidates.csv"][0]["full_name"] = "[@click=app.quit]x"
    files["candidates.csv"][0]["notes"] = "[bold red]hi[/] {{ secret }} <script>"
    files["touchpoints.csv"][1]["body"] = "[link=https://evil.example]click[/link]"
    import_export(engine, write_export(tmp_path / "export", files))

    c1 = by_key(engine, models.Candidate, "candidate_id")["c1"]
    assert c1["full_name"] == "[@click=app.quit]x"
    assert c1["first_name"] == "[@click=app.quit]x"
    assert c1["notes"] == "[bold red]hi[/] {{ secret }} <script>"
    body = by_key(engine, models.Touchpoint, "touchpoint_id")["t3"]["body"]
    assert body == "[link=https://evil.example]click[/link]"


@pytest.mark.parametrize(
    ("column", "value"), [("full_name", "\u202e\x07"), ("candidate_id", "\x01")]
)
def test_a_required_cell_of_only_control_characters_is_an_error(engine, tmp_path, column, value):
    files = base_export()
    files["candidates.csv"][2][column] = value
    if column == "candidate_id":
        files["suppressions.csv"].pop()  # refers to c3
        files["touchpoints.csv"] = [
            t for t in files["touchpoints.csv"] if t["candidate_id"] != "c3"
        ]
    before = dump(engine)
    with pytest.raises(ImportFailed) as failure:
        import_export(engine, write_export(tmp_path / "export", files))
    assert f"candidates.csv, line 5, column {column}" in str(failure.value)  # c1 spans 2
    assert dump(engine) == before


# --------------------------------------------------------------------------- bad exports
#
# Lines are physical lines of the file, as an editor shows them: c1's notes and t3's body
# span two lines, so in candidates.csv c2 starts on line 4, and t4 on line 5 of touchpoints.csv.


def _set(files: Export, name: str, index: int, **cells: str) -> None:
    files[name][index].update(cells)


def case_missing_file(folder: Path, files: Export) -> list[str]:
    write_export(folder, files)
    (folder / "touchpoints.csv").unlink()
    return ["touchpoints.csv", "missing"]


def case_missing_column(folder: Path, files: Export) -> list[str]:
    for row in files["candidates.csv"]:
        del row["ats_status"]
    write_export(folder, files)
    return ["candidates.csv, line 1, column ats_status", "missing"]


def case_missing_required_value(folder: Path, files: Export) -> list[str]:
    _set(files, "roles.csv", 1, title="  ")
    write_export(folder, files)
    return ["roles.csv, line 3, column title", "required"]


def case_unknown_enum(folder: Path, files: Export) -> list[str]:
    _set(files, "touchpoints.csv", 1, channel="fax")
    write_export(folder, files)
    return ["touchpoints.csv, line 3, column channel", "'fax'", "inmail"]


def case_unknown_status(folder: Path, files: Export) -> list[str]:
    _set(files, "candidates.csv", 2, ats_status="ghosted")
    write_export(folder, files)
    return ["candidates.csv, line 5, column ats_status", "'ghosted'"]


def case_bad_boolean(folder: Path, files: Export) -> list[str]:
    _set(files, "candidates.csv", 0, do_not_contact="maybe")
    write_export(folder, files)
    return ["candidates.csv, line 2, column do_not_contact", "'maybe'"]


def case_bad_timestamp(folder: Path, files: Export) -> list[str]:
    _set(files, "touchpoints.csv", 0, occurred_at="2025-13-45 25:00")
    write_export(folder, files)
    return ["touchpoints.csv, line 2, column occurred_at", "2025-13-45 25:00"]


def case_bad_timestamp_after_multiline_cell(folder: Path, files: Export) -> list[str]:
    # Row 1's body spans 3 physical lines, so row 2 starts on line 5 of the file.
    _set(files, "touchpoints.csv", 0, body="one\ntwo\nthree")
    _set(files, "touchpoints.csv", 1, occurred_at="last tuesday")
    write_export(folder, files)
    return ["touchpoints.csv, line 5, column occurred_at", "last tuesday"]


def case_bad_timezone(folder: Path, files: Export) -> list[str]:
    _set(files, "candidates.csv", 1, timezone="Mars/Olympus")
    write_export(folder, files)
    return ["candidates.csv, line 4, column timezone", "Mars/Olympus"]


def case_duplicate_id(folder: Path, files: Export) -> list[str]:
    files["candidates.csv"].append(dict(files["candidates.csv"][0], full_name="Ada Again"))
    write_export(folder, files)
    return ["candidates.csv, line 7, column candidate_id", "'c1'", "first on line 2"]


def case_duplicate_column(folder: Path, files: Export) -> list[str]:
    write_export(folder, files)
    write_csv(
        folder / "roles.csv", ["role_id", "title", "status", "title"], [["r1", "a", "open", "b"]]
    )
    return ["roles.csv, line 1, column title", "twice"]


def case_unknown_candidate(folder: Path, files: Export) -> list[str]:
    _set(files, "touchpoints.csv", 6, candidate_id="c404")
    write_export(folder, files)
    return ["touchpoints.csv, line 9, column candidate_id", "'c404'"]


def case_unknown_role(folder: Path, files: Export) -> list[str]:
    _set(files, "touchpoints.csv", 2, role_id="r404")
    write_export(folder, files)
    return ["touchpoints.csv, line 5, column role_id", "'r404'"]


def case_suppression_of_unknown_candidate(folder: Path, files: Export) -> list[str]:
    files["suppressions.csv"].append({"candidate_id": "c404"})
    write_export(folder, files)
    return ["suppressions.csv, line 6, column candidate_id", "'c404'"]


def case_latin1(folder: Path, files: Export) -> list[str]:
    write_export(folder, files)
    write_export(folder, {"candidates.csv": files["candidates.csv"]}, encoding="latin-1")
    return ["candidates.csv, line 4", "0xfa", "UTF-8"]


def case_empty_file(folder: Path, files: Export) -> list[str]:
    write_export(folder, files)
    (folder / "roles.csv").write_bytes(b"")
    return ["roles.csv, line 1", "empty"]


def case_huge_body(folder: Path, files: Export) -> list[str]:
    _set(files, "touchpoints.csv", 0, body="x" * 10_000_000)
    write_export(folder, files)
    return ["touchpoints.csv, line 2, column body", "10,000,000 characters", "limit"]


def case_header_only(folder: Path, files: Export) -> list[str]:
    write_export(folder, files)
    header = header_of(files["touchpoints.csv"])
    write_csv(folder / "touchpoints.csv", header, [])
    return ["touchpoints.csv", "no rows"]


def case_suppression_without_identifier(folder: Path, files: Export) -> list[str]:
    files["suppressions.csv"].insert(0, {"reason": "asked us to stop"})
    write_export(folder, files)
    return ["suppressions.csv, line 2", "candidate_id, email, linkedin_url"]


def case_bad_email(folder: Path, files: Export) -> list[str]:
    _set(files, "candidates.csv", 1, email="jose at example.org")
    write_export(folder, files)
    return ["candidates.csv, line 4, column email", "not an email address"]


def case_too_many_cells(folder: Path, files: Export) -> list[str]:
    write_export(folder, files)
    with (folder / "roles.csv").open("a", newline="", encoding="utf-8") as handle:
        handle.write("r9,Extra,open,x,y,surplus\r\n")
    return ["roles.csv, line 5", "6 cells", "5 columns"]


def case_broken_quoting(folder: Path, files: Export) -> list[str]:
    write_export(folder, files)
    with (folder / "roles.csv").open("a", newline="", encoding="utf-8") as handle:
        handle.write('r9,"Unclosed,open\r\n')
    return ["roles.csv", "not valid CSV"]


BAD_EXPORTS = [
    case_missing_file,
    case_missing_column,
    case_missing_required_value,
    case_unknown_enum,
    case_unknown_status,
    case_bad_boolean,
    case_bad_timestamp,
    case_bad_timestamp_after_multiline_cell,
    case_bad_timezone,
    case_duplicate_id,
    case_duplicate_column,
    case_unknown_candidate,
    case_unknown_role,
    case_suppression_of_unknown_candidate,
    case_latin1,
    case_empty_file,
    case_huge_body,
    case_header_only,
    case_suppression_without_identifier,
    case_bad_email,
    case_too_many_cells,
    case_broken_quoting,
]


@pytest.mark.parametrize("prior", ["empty store", "after a good import"])
@pytest.mark.parametrize("make_bad", BAD_EXPORTS, ids=lambda f: f.__name__.removeprefix("case_"))
def test_a_bad_export_is_a_located_error_and_writes_nothing(engine, tmp_path, prior, make_bad):
    if prior == "after a good import":
        import_export(engine, write_export(tmp_path / "monday", base_export()))
    before = dump(engine)
    # The bad export also holds good new rows: any partial write would show in the dump.
    expected = make_bad(tmp_path / "bad", grown_export())

    with pytest.raises(ImportFailed) as failure:
        import_export(engine, tmp_path / "bad")

    message = str(failure.value)
    for fragment in expected:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert "nothing was written" in message
    assert len(message) < 2_000  # a 10 MB cell is not echoed back
    assert dump(engine) == before


def test_every_problem_is_listed_not_just_the_first(engine, tmp_path):
    files = grown_export()
    _set(files, "touchpoints.csv", 0, channel="fax")
    _set(files, "touchpoints.csv", 1, direction="sideways")
    _set(files, "candidates.csv", 0, ats_status="ghosted")
    with pytest.raises(ImportFailed) as failure:
        import_export(engine, write_export(tmp_path / "bad", files))
    located = {(p.file, p.line, p.column) for p in failure.value.problems}
    assert located == {
        ("touchpoints.csv", 2, "channel"),
        ("touchpoints.csv", 3, "direction"),
        ("candidates.csv", 2, "ats_status"),
    }


def test_a_missing_folder_is_a_clear_error(engine, tmp_path):
    with pytest.raises(FollowupsError, match="not a folder"):
        import_export(engine, tmp_path / "nowhere")


def test_dry_run_checks_everything_and_writes_nothing(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "monday", base_export()))
    before = dump(engine)
    report = import_export(engine, write_export(tmp_path / "tuesday", grown_export()), dry_run=True)
    assert report.dry_run
    assert report.files["candidates.csv"].new == 1
    assert dump(engine) == before

    bad = grown_export()
    _set(bad, "touchpoints.csv", 2, role_id="r404")
    with pytest.raises(ImportFailed, match="r404"):
        import_export(engine, write_export(tmp_path / "bad", bad), dry_run=True)


def test_an_overlong_suppression_url_is_a_located_error_or_imports(engine, tmp_path, request):
    """A pasted junk URL must not surface as a raw database error."""
    files = base_export()
    letters = random.Random(7)  # incompressible: PostgreSQL compresses index entries
    junk = "".join(letters.choice(string.ascii_letters) for _ in range(3_900))
    files["suppressions.csv"].append({"linkedin_url": "linkedin.com/in/" + junk})
    before = dump(engine)
    try:
        import_export(engine, write_export(tmp_path / "export", files))
    except ImportFailed as exc:
        assert "suppressions.csv, line 5, column linkedin_url" in str(exc)
        assert dump(engine) == before


# --------------------------------------------------------------------------- property

SPECIALS = list(CONTROL_SAMPLES) + [
    "\r\n",
    "\r",
    "\n",
    "\t",
    '"',
    ",",
    " ",
    "[@click=app.quit]",
    "[bold]",
    "[/]",
    "{{ name }}",
    "<b>",
    "\u2028",
    "\ufeff",
]
untrusted = st.lists(
    st.one_of(st.characters(codec="utf-8"), st.sampled_from(SPECIALS)), max_size=40
).map("".join)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(full_name=untrusted, notes=untrusted, body=untrusted)
def test_any_text_reads_back_cleaned(tmp_path, full_name, notes, body):
    if not clean(full_name).strip():
        full_name = "x" + full_name  # a required cell; blank is an error tested elsewhere
    files: Export = {
        "roles.csv": [{"role_id": "r1", "title": "Engineer", "status": "open"}],
        "candidates.csv": [
            {
                "candidate_id": "c1",
                "full_name": full_name,
                "ats_status": "prospect",
                "notes": notes,
            }
        ],
        "touchpoints.csv": [
            {
                "touchpoint_id": "t1",
                "candidate_id": "c1",
                "role_id": "r1",
                "recruiter": "sam",
                "channel": "inmail",
                "direction": "outbound",
                "occurred_at": "2025-11-01T09:00:00Z",
                "body": body,
            }
        ],
    }
    # A fresh store per example: a re-import keeps a stored first name by design.
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    sqlite_engine = open_store(f"sqlite:///{folder}/store.db")
    import_export(sqlite_engine, write_export(folder / "export", files))

    candidate = by_key(sqlite_engine, models.Candidate, "candidate_id")["c1"]
    touchpoint = by_key(sqlite_engine, models.Touchpoint, "touchpoint_id")["t1"]

    def expected(value: str) -> str | None:
        return clean(value) if value.strip() else None  # an empty optional cell is unknown

    assert candidate["full_name"] == clean(full_name)
    assert candidate["first_name"] == first_name_of(clean(full_name))
    assert candidate["notes"] == expected(notes)
    assert touchpoint["body"] == expected(body)
    for value in (candidate["full_name"], candidate["first_name"], candidate["notes"]):
        assert value is None or not has_control(value), repr(value)
    assert touchpoint["body"] is None or not has_control(touchpoint["body"])


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
    _set(files, "touchpoints.csv", 1, channel="fax")
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
    _set(files, "touchpoints.csv", 1, channel="fax")
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
