"""The demo export on disk: the CSV files of the contract, and what is in them."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from demo.builder import iso_utc
from demo.cases import DemoTeam, threads_of
from demo.history import status_rows
from demo.team import DEMO_DOMAIN, RECRUITERS, ROLES
from demo.texts import CATEGORY_SIZES
from store.csv_schema import EXPORT_COLUMNS as COLUMNS


@dataclass
class DemoManifest:
    """What the demo export holds: which candidates illustrate which case."""

    now: datetime
    categories: dict[str, list[str]]
    thread_count: int


def _write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    # newline="" lets the csv module write RFC 4180 CRLF line ends itself.
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows({c: row.get(c, "") for c in columns} for row in rows)


def write_demo_export(directory: Path, now: datetime, seed: int = 847) -> DemoManifest:
    """Write recruiters, roles, candidates, touchpoints, suppressions and status history CSVs.

    ``now`` is when the team is about to run the scheduler; every touchpoint is before it.
    A naive ``now`` is taken as UTC. The same ``now`` and ``seed`` give identical bytes.
    """
    now = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    people = DemoTeam(now, random.Random(seed)).build()

    categories: dict[str, list[str]] = {name: [] for name in [*CATEGORY_SIZES, "never_answered"]}
    candidates, suppressions, touchpoints, statuses = [], [], [], []
    for number, person in enumerate(people, start=1):
        candidate_id = f"c-{number:04d}"
        candidates.append({"candidate_id": candidate_id, **person.row})
        statuses += status_rows(candidate_id, person, now)
        categories[person.category].append(candidate_id)
        for entry in person.suppressions:
            if "candidate_id" in entry:
                entry = {**entry, "candidate_id": candidate_id}
            suppressions.append(entry)
        for order, tp in enumerate(person.touchpoints):
            touchpoints.append(
                (tp["occurred_at"], number, order, {**tp, "candidate_id": candidate_id})
            )

    # Lists kept outside the ATS also name people we never approached.
    suppressions += [
        {"email": "former.candidate@mail.example", "reason": "Unsubscribed from newsletter"},
        {"linkedin_url": "linkedin.com/in/no-recruiters-please", "reason": "Asked on LinkedIn"},
    ]
    touchpoints.sort(key=lambda item: item[:3])  # chronological ids, ties in a fixed order
    tp_rows = []
    for number, (at, _, _, tp) in enumerate(touchpoints, start=1):
        tp_rows.append({**tp, "touchpoint_id": f"tp-{number:06d}", "occurred_at": iso_utc(at)})

    recruiters = [
        {"recruiter": h, "name": n, "email": f"{h}@{DEMO_DOMAIN}", "daily_limit": d, "status": s}
        for h, n, d, s in RECRUITERS
    ]
    roles = [dict(zip(COLUMNS["roles.csv"], role, strict=True)) for role in ROLES]
    _write(directory / "recruiters.csv", COLUMNS["recruiters.csv"], recruiters)
    _write(directory / "roles.csv", COLUMNS["roles.csv"], roles)
    _write(directory / "candidates.csv", COLUMNS["candidates.csv"], candidates)
    _write(directory / "touchpoints.csv", COLUMNS["touchpoints.csv"], tp_rows)
    _write(directory / "suppressions.csv", COLUMNS["suppressions.csv"], suppressions)
    _write(directory / "status_history.csv", COLUMNS["status_history.csv"], statuses)

    thread_count = sum(len(threads_of(p.touchpoints)) for p in people)
    return DemoManifest(
        now=now,
        categories={name: sorted(ids) for name, ids in categories.items()},
        thread_count=thread_count,
    )
