"""Writing an ATS export the way a user hands it over, and reading a store back, for the
import tests."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import SQLModel

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


def set_cells(files: Export, name: str, index: int, **cells: str) -> None:
    """Change cells of one row of one file of the export."""
    files[name][index].update(cells)
