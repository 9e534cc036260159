"""Lead mode's blocking calls: spot-checks, figures, the admin switch, the concerns export.

A mixin of the review app, so lead screens reach them the way the review screen reaches
its own (`await asyncio.to_thread(self.rapp.fetch_...)`). They run in worker threads and
only call `drafts` / `store` functions, never Textual.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from drafts.review import spotcheck
from drafts.review.detail import DraftDetail, load_detail
from drafts.review.lead_queries import candidate_names, concerns_by_recruiter
from drafts.review.spotcheck import SpotCheckItem
from store import audit
from store.config import Settings
from store.figures import team_figures
from store.spreadsheet import write_dicts


@dataclass(frozen=True)
class SpotSample:
    """The sample a lead checks, with the candidates' names for the table."""

    items: list[SpotCheckItem]
    names: dict[str, str]
    per_recruiter: int
    seed: int


def write_concerns_csv(rows: list[dict[str, Any]], path: Path) -> None:
    """The concerns as CSV, the columns of `followups spotcheck concerns --csv`."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        write_dicts(handle, rows, ["draft_id"])


class LeadDesk:
    """Blocking calls for the lead screens; mixed into `ReviewApp`."""

    engine: Engine
    settings: Settings
    reviewer: str
    fixed_now: datetime | None
    export_dir: Path

    def clock(self) -> datetime:
        """Now, as naive UTC (ReviewApp's own clock takes precedence)."""
        raise NotImplementedError

    def fetch_spot_sample(self) -> SpotSample:
        """The seeded sample per recruiter (size and seed from [lead]), verdicts so far."""
        lead = self.settings.lead
        with self.engine.connect() as conn:
            items = spotcheck.sample(
                conn, per_recruiter=lead.spot_check_per_recruiter, seed=lead.spot_check_seed
            )
            names = candidate_names(conn, (i.candidate_id for i in items))
        return SpotSample(items, names, lead.spot_check_per_recruiter, lead.spot_check_seed)

    def fetch_spot_detail(self, draft_id: int) -> DraftDetail | None:
        """One sampled draft with its whole context and history; never claims it."""
        with self.engine.connect() as conn:
            return load_detail(conn, self.settings, draft_id, self.clock())

    def decide_spot(self, draft_id: int, verdict: str, note: str | None) -> None:
        """Record the lead's verdict at once (append-only, in the audit log)."""
        with self.engine.begin() as conn:
            spotcheck.mark(
                conn,
                draft_id=draft_id,
                verdict=verdict,
                lead=self.reviewer,
                note=note,
                at=self.fixed_now,
            )

    def fetch_concerns(self) -> dict[str, list[dict[str, Any]]]:
        """Open concerns per recruiter."""
        with self.engine.connect() as conn:
            return concerns_by_recruiter(conn)

    def export_concerns(self) -> tuple[Path, int]:
        """Write every concern to a CSV file in the export folder; returns (path, rows)."""
        with self.engine.connect() as conn:
            rows = spotcheck.concerns(conn)
        stem = f"followups-concerns-{self.clock():%Y%m%d-%H%M%S}"
        path = self.export_dir / f"{stem}.csv"
        # Under a fixed --now every export has the same time: never overwrite an earlier one.
        for n in range(2, 1000):
            if not path.exists():
                break
            path = self.export_dir / f"{stem}-{n}.csv"
        write_concerns_csv(rows, path)
        return path, len(rows)

    def fetch_figures(self) -> dict[str, Any]:
        """Per recruiter and week figures, team totals and daily sends."""
        with self.engine.connect() as conn:
            return team_figures(conn, now=self.clock())

    def fetch_automation(self) -> bool:
        """Whether schedule and send are allowed to do anything."""
        with self.engine.connect() as conn:
            return audit.automation_enabled(conn)

    def switch_automation(self, enabled: bool) -> bool:
        """Turn automation on or off as the lead (audited); returns whether it changed."""
        with self.engine.begin() as conn:
            return audit.set_automation(conn, enabled=enabled, actor=self.reviewer)
