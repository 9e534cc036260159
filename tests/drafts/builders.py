"""Small teams for the scheduler's tests, written as the ATS would export them.

`Team` collects rows, writes the contract's CSV files and imports them through the real
importer, so a test shows the exact export a user would hand over. `context` builds one
thread's ThreadContext directly, for rules that need no store at all.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from drafts.rules.context import CandidateView, ThreadContext, ThreadView, TouchpointView
from store import models
from store.config import Settings
from store.csv_schema import EXPORT_COLUMNS as COLUMNS
from store.importer import import_export, thread_key
from store.queries import list_drafts, list_threads

# A Saturday morning, naive UTC like everything in the store.
NOW = datetime(2025, 11, 8, 9, 0)
DAY = timedelta(days=1)
MINUTE = timedelta(minutes=1)

COMPANY = {
    "name": "Acme Robotics",
    "aliases": ["Acme"],
    "domains": ["acme-robotics.com"],
    "competitors": ["Globex"],
    "never_contact_companies": ["Initech"],
}


def make_settings(**sections: dict[str, Any]) -> Settings:
    """The test company's config; each keyword replaces keys of one section."""
    raw: dict[str, Any] = {"company": dict(COMPANY)}
    for name, values in sections.items():
        raw.setdefault(name, {}).update(values)
    return Settings.model_validate(raw)


def _toml(value: Any) -> str:
    # json's quoting of strings and lists is valid TOML for the values a test needs.
    return json.dumps(value, ensure_ascii=False)


def write_config(path: Path, **sections: dict[str, Any]) -> Path:
    """A followups.toml with the test company and the given sections, as a user writes it."""
    raw: dict[str, dict[str, Any]] = {"company": dict(COMPANY)}
    for name, values in sections.items():
        raw.setdefault(name, {}).update(values)
    lines = []
    for name, values in raw.items():
        lines.append(f"[{name}]")
        lines += [f"{key} = {_toml(value)}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def followups(*args: str, stderr: Any = subprocess.PIPE) -> subprocess.CompletedProcess:
    """Run the installed console script, as a user would."""
    script = Path(sys.executable).parent / "followups"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUPS_")}
    return subprocess.run(
        [str(script), *args], stdout=subprocess.PIPE, stderr=stderr, text=True, env=env, timeout=120
    )


# --------------------------------------------------------------------------- contexts


def touch(
    touchpoint_id: str,
    at: datetime,
    *,
    direction: str = "inbound",
    channel: str = "inmail",
    role_id: str | None = "r-1",
    recruiter: str | None = "sam",
    delivery: str | None = None,
    subject: str | None = None,
    body: str | None = None,
    candidate_id: str = "c-1",
) -> TouchpointView:
    """One touchpoint as the rules see it (outbound ones default to delivered)."""
    if direction == "outbound" and delivery is None:
        delivery = "delivered"
    return TouchpointView(
        touchpoint_id,
        candidate_id,
        role_id,
        recruiter,
        channel,
        direction,
        at,
        delivery,
        subject,
        body,
    )


def candidate_view(**fields: Any) -> CandidateView:
    """An ordinary prospect at another company; keywords override fields."""
    values: dict[str, Any] = {
        "candidate_id": "c-1",
        "full_name": "Ada Park",
        "first_name": "Ada",
        "email": "ada.park@gmail.com",
        "linkedin_url": "https://www.linkedin.com/in/ada-park",
        "company": "Northwind Automation",
        "title": "Robotics Engineer",
        "location": "Boston, MA",
        "timezone": "America/New_York",
        "ats_status": "prospect",
        "do_not_contact": False,
        "notes": None,
    }
    values.update(fields)
    return CandidateView(**values)


def context(
    *later: TouchpointView,
    age: timedelta = 10 * DAY,
    now: datetime = NOW,
    settings: Settings | None = None,
    channel: str = "inmail",
    delivery: str = "delivered",
    role_status: str = "open",
    recruiter_status: str = "active",
    suppressions: list[models.Suppression] | None = None,
    **candidate_fields: Any,
) -> ThreadContext:
    """Thread c-1/r-1 whose initial message (tp-initial, by sam) was sent `age` before now."""
    initial = touch(
        "tp-initial",
        now - age,
        direction="outbound",
        channel=channel,
        delivery=delivery,
        subject="Robotics at Acme",
        body="Hi Ada, would you like to build warehouse robots with us?",
    )
    touchpoints = sorted([initial, *later], key=lambda t: (t.occurred_at, t.touchpoint_id))
    return ThreadContext(
        thread=ThreadView(
            thread_key("c-1", "r-1", channel), "c-1", "r-1", channel, "sam", "tp-initial"
        ),
        candidate=candidate_view(**candidate_fields),
        role=models.Role(role_id="r-1", title="Controls Engineer", status=role_status),
        recruiter=models.Recruiter(recruiter="sam", name="Sam Carter", status=recruiter_status),
        initial=initial,
        touchpoints=touchpoints,
        suppressions=suppressions or [],
        settings=settings or make_settings(),
        now=now,
    )


# --------------------------------------------------------------------------- exports


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat() + "Z"
    return str(value)


@dataclass
class Team:
    """An ATS export under construction: recruiters, roles, candidates, touchpoints."""

    files: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {name: [] for name in COLUMNS}
    )
    _next_touchpoint: int = 0

    def recruiter(self, handle: str, status: str = "active", name: str | None = None) -> Team:
        """Add a recruiter."""
        name = name or handle.title()
        self.files["recruiters.csv"].append({"recruiter": handle, "name": name, "status": status})
        return self

    def role(self, role_id: str, status: str = "open", title: str = "Controls Engineer") -> Team:
        """Add a role."""
        self.files["roles.csv"].append({"role_id": role_id, "title": title, "status": status})
        return self

    def candidate(self, candidate_id: str, **fields: Any) -> Team:
        """Add a prospect; keywords override the ordinary defaults."""
        row: dict[str, Any] = {
            "candidate_id": candidate_id,
            "full_name": f"Person {candidate_id}",
            "company": "Northwind Automation",
            "title": "Robotics Engineer",
            "ats_status": "prospect",
            # Threads are InMail unless a test says otherwise: an InMail needs a profile.
            "linkedin_url": f"https://www.linkedin.com/in/{candidate_id}",
        }
        row.update(fields)
        self.files["candidates.csv"].append(row)
        return self

    def touch(
        self,
        candidate_id: str,
        at: datetime,
        *,
        direction: str = "outbound",
        channel: str = "inmail",
        role_id: str | None = "r-1",
        recruiter: str | None = "sam",
        touchpoint_id: str | None = None,
        **fields: Any,
    ) -> str:
        """Add a touchpoint; returns its id."""
        self._next_touchpoint += 1
        touchpoint_id = touchpoint_id or f"tp-{self._next_touchpoint:05d}"
        self.files["touchpoints.csv"].append(
            {
                "touchpoint_id": touchpoint_id,
                "candidate_id": candidate_id,
                "role_id": role_id,
                "recruiter": recruiter,
                "channel": channel,
                "direction": direction,
                "occurred_at": at,
                "subject": fields.pop("subject", f"About {role_id}"),
                "body": fields.pop("body", "Hello from Acme Robotics."),
                **fields,
            }
        )
        return touchpoint_id

    def suppress(self, **fields: Any) -> Team:
        """Add an entry to the outside do-not-contact list."""
        self.files["suppressions.csv"].append(fields)
        return self

    def write(self, folder: Path) -> Path:
        """Write the CSV files (empty optional files are left out)."""
        folder.mkdir(parents=True, exist_ok=True)
        for name, rows in self.files.items():
            if not rows and name in ("recruiters.csv", "suppressions.csv"):
                continue
            with (folder / name).open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(COLUMNS[name])
                for row in rows:
                    writer.writerow([_cell(row.get(column)) for column in COLUMNS[name]])
        return folder

    def load(self, engine: Engine, folder: Path) -> None:
        """Write the export into `folder` and import it through the real importer."""
        import_export(engine, self.write(folder))


def basic_team(*candidates: str, age: timedelta = 10 * DAY) -> Team:
    """Sam, role r-1, and one InMail to each candidate `age` before NOW."""
    team = Team().recruiter("sam", name="Sam Carter").role("r-1")
    for candidate_id in candidates:
        team.candidate(candidate_id)
        team.touch(candidate_id, NOW - age)
    return team


# --------------------------------------------------------------------------- reading back


def threads_by_id(engine: Engine) -> dict[str, dict[str, Any]]:
    """`threads list` as a dict keyed by thread id."""
    with engine.connect() as conn:
        return {t["thread_id"]: t for t in list_threads(conn)}


def drafts_of(engine: Engine) -> list[dict[str, Any]]:
    """`drafts list`, every status."""
    with engine.connect() as conn:
        return list_drafts(conn)


BOOKKEEPING = {"schedule_mark", "schedule_state"}


def dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order: what "the store" holds.

    The scheduler's bookkeeping (schedule_mark, schedule_state) says what the next run
    must look at, not what the store holds, so it is left out.
    """
    tables: dict[str, list[tuple]] = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in BOOKKEEPING:
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            tables[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
    return tables


def codes(flags: list[dict[str, Any]]) -> set[str]:
    """The codes of a list of flags in the contract's JSON shape."""
    return {f["code"] for f in flags}
