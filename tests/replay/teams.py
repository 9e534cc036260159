"""Small histories for replay's tests: a team's export over a fortnight, and replays of it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from drafts.replay import ReplayReport, replay
from store.config import Settings
from store.importer import import_export
from tests.drafts.builders import Team, make_settings

DAY = timedelta(days=1)
# Replayed days are decided at 09:00 UTC; the export was taken at the end of the range.
FIRST = date(2025, 11, 1)
LAST = date(2025, 11, 14)
EXPORTED_AT = datetime(2025, 11, 15, 12)


def at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A moment on day `day` of November 2025 (naive UTC)."""
    return datetime(2025, 11, day, hour, minute)


def team() -> Team:
    """Sam and Kim, two open roles, nobody yet."""
    return (
        Team()
        .recruiter("sam", name="Sam Carter")
        .recruiter("kim", name="Kim Lee")
        .role("r-1")
        .role("r-2", title="Firmware Engineer")
    )


def status(team: Team, candidate_id: str, ats_status: str, changed_at: datetime) -> None:
    """A row of status_history.csv."""
    team.files["status_history.csv"].append(
        {"candidate_id": candidate_id, "ats_status": ats_status, "changed_at": changed_at}
    )


def load(engine: Engine, team: Team, folder: Path) -> None:
    """Import the export as it was taken at EXPORTED_AT."""
    import_export(engine, team.write(folder), now=EXPORTED_AT)


def run(
    engine: Engine,
    settings: Settings | None = None,
    first: date = FIRST,
    last: date = LAST,
    **options: Any,
) -> ReplayReport:
    """Replay the range with the test company's config (or `settings`)."""
    return replay(engine, settings or make_settings(), first, last, **options)


def drafted(report: ReplayReport, name: str = "configured") -> dict[str, str]:
    """Thread id -> the day (ISO) the run followed it up."""
    found = report.run(name)
    assert found is not None
    return {t: f.day.isoformat() for t, f in found.drafted().items()}
