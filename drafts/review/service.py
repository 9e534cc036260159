"""The one object the review app calls: every store read and decision a screen needs.

Screens run these blocking calls in worker threads (`asyncio.to_thread`); nothing here
knows Textual, so the same service answers a test, a benchmark or another front end.
Lead mode's calls (spot-checks, figures, the admin switch) come from `LeadDesk`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select

from drafts import review
from drafts.review.detail import (
    DraftDetail,
    SuppressedRow,
    count_suppressed,
    load_detail,
    load_suppressed,
)
from drafts.review.lead_desk import LeadDesk
from drafts.review.leases import claim_in
from drafts.review.progress import Progress, last_decision_id, sitting_progress
from drafts.review.queue import (
    QueueFilter,
    QueueRow,
    count_queue,
    filter_choices,
    load_page,
    next_flagged,
)
from store import models
from store.clock import utc_now
from store.config import Settings
from store.enums import DraftStatus


class ReviewService(LeadDesk):
    """One reviewer's view of the store: the queue, a draft's detail and their decisions.

    `now` fixes the clock (tests, snapshots, `--now`). With `lead`, the reviewer is a team
    lead: every queue, spot-checks and figures; exports go to `export_dir`.
    """

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        reviewer: str,
        *,
        now: datetime | None = None,
        lead: bool = False,
        export_dir: Path | None = None,
    ):
        self.engine = engine
        self.settings = settings
        self.reviewer = reviewer
        self.fixed_now = now
        self.lead = lead
        self.export_dir = export_dir or Path.cwd()
        self.queue_filter = QueueFilter(status=DraftStatus.PENDING)
        self._own_queue_checked = False
        # The sitting starts now: progress counts the audit entries after this one.
        with engine.connect() as conn:
            self.sitting_from = last_decision_id(conn)

    def clock(self) -> datetime:
        """Now, as naive UTC (fixed when the service was given a time)."""
        return self.fixed_now or utc_now()

    def release_claims(self) -> None:
        """Give back every draft this reviewer holds (on quit)."""
        review.release_claims(self.engine, reviewer=self.reviewer)

    def _default_filter(self, conn) -> None:
        """A reviewer who is a recruiter starts on their own queue; --lead and others see all."""
        if self._own_queue_checked:
            return
        self._own_queue_checked = True
        if self.lead:
            return
        table = models.Recruiter.__table__
        own = conn.execute(
            select(table.c.recruiter).where(table.c.recruiter == self.reviewer)
        ).scalar_one_or_none()
        if own is not None:
            self.queue_filter = QueueFilter(status=DraftStatus.PENDING, recruiter=own)

    def fetch_page(self, after_id: int | None, before_id: int | None) -> list[QueueRow]:
        """A page of the queue under the current filter."""
        with self.engine.connect() as conn:
            self._default_filter(conn)
            return load_page(
                conn,
                self.queue_filter,
                reviewer=self.reviewer,
                now=self.clock(),
                after_id=after_id,
                before_id=before_id,
            )

    def find_drafts(self, text: str, limit: int) -> list[QueueRow]:
        """Drafts of the current queue whose candidate, role or text holds `text` (palette)."""
        with self.engine.connect() as conn:
            self._default_filter(conn)
            filt = QueueFilter(**{**self.queue_filter.__dict__, "search": text})
            return load_page(conn, filt, reviewer=self.reviewer, now=self.clock(), limit=limit)

    def fetch_next_flagged(self, after_id: int) -> int | None:
        """The next draft with a flag after `after_id`, under the current filter."""
        with self.engine.connect() as conn:
            return next_flagged(
                conn, self.queue_filter, reviewer=self.reviewer, now=self.clock(), after_id=after_id
            )

    def fetch_progress(self) -> Progress:
        """This sitting's decisions that stand, and the pending drafts left in the queue."""
        with self.engine.connect() as conn:
            left = count_queue(
                conn,
                QueueFilter(**{**self.queue_filter.__dict__, "status": DraftStatus.PENDING}),
                reviewer=self.reviewer,
                now=self.clock(),
            )
            return sitting_progress(conn, self.reviewer, self.sitting_from, left)

    def fetch_count(self) -> int:
        """How many drafts the current filter matches."""
        with self.engine.connect() as conn:
            return count_queue(conn, self.queue_filter, reviewer=self.reviewer, now=self.clock())

    def fetch_detail(self, draft_id: int) -> tuple[str | None, DraftDetail | None]:
        """Claim (or renew) the draft, then load it with its rules asked now.

        Returns (who else holds it, the detail). Only a pending draft can be held by
        someone else: a draft already decided (by you or anyone) is not "held", it is
        decided, and its detail says by whom.
        """
        # One transaction (one round trip to the store): the claim, then what it claimed.
        with self.engine.begin() as conn:
            claimed = claim_in(
                conn,
                draft_id=draft_id,
                reviewer=self.reviewer,
                lease_minutes=self.settings.review.lease_minutes,
                now=self.clock(),
            )
            detail = load_detail(conn, self.settings, draft_id, self.clock())
        held_by = None
        if not claimed and detail is not None and detail.draft["status"] == "pending":
            holder = detail.draft["claimed_by"]
            held_by = holder if holder and holder != self.reviewer else None
        return held_by, detail

    def fetch_details(self, ids: list[int]) -> list[DraftDetail]:
        """Several drafts, rechecked now (the bulk confirmation)."""
        with self.engine.connect() as conn:
            found = [load_detail(conn, self.settings, i, self.clock()) for i in ids]
        return [d for d in found if d is not None]

    def fetch_filter_choices(self) -> dict[str, list[tuple[str, str]]]:
        """What the filter screen offers."""
        with self.engine.connect() as conn:
            return filter_choices(conn)

    def fetch_suppressed(self, search: str | None, after: str | None = None) -> list[SuppressedRow]:
        """A page of the threads with no follow-up, for Why not? (after a thread id)."""
        with self.engine.connect() as conn:
            return load_suppressed(conn, search, after=after)

    def count_suppressed(self, search: str | None) -> int:
        """How many threads Why not? lists under the search."""
        with self.engine.connect() as conn:
            return count_suppressed(conn, search)

    def decide_approve(self, draft_id: int, version: int, ms: int, codes: list[str]) -> None:
        """Approve one draft as seen."""
        review.approve(
            self.engine,
            self.settings,
            draft_id=draft_id,
            seen_version=version,
            reviewer=self.reviewer,
            on_screen_ms=ms,
            acknowledged=codes,
            now=self.fixed_now,
        )

    def decide_reject(self, draft_id: int, version: int, reason: str, note, ms: int) -> None:
        """Reject one draft as seen."""
        review.reject(
            self.engine,
            draft_id=draft_id,
            seen_version=version,
            reviewer=self.reviewer,
            reason=reason,
            note=note,
            on_screen_ms=ms,
            now=self.fixed_now,
        )

    def decide_reject_many(
        self, seen: dict[int, int], reason: str, note: str | None, on_screen_ms: dict[int, int]
    ) -> tuple[list[int], list[str]]:
        """Reject several drafts (id -> version seen) with one reason, one update each."""
        done, problems = [], []
        for draft_id, version in sorted(seen.items()):
            try:
                self.decide_reject(draft_id, version, reason, note, on_screen_ms.get(draft_id, 0))
            except review.ReviewRefused as refused:
                problems.append(str(refused))
            else:
                done.append(draft_id)
        return done, problems

    def decide_edit(self, draft_id: int, version: int, text: str) -> review.Outcome:
        """Save an edit of one draft as seen."""
        return review.edit(
            self.engine,
            self.settings,
            draft_id=draft_id,
            seen_version=version,
            reviewer=self.reviewer,
            new_body=text,
            now=self.fixed_now,
        )

    def keep_unsaved(self, draft_id: int, text: str | None) -> None:
        """Keep (or drop) text being edited."""
        review.save_unsaved_edit(self.engine, draft_id=draft_id, text=text)

    def decide_undo(self) -> review.Outcome:
        """Undo this reviewer's last decision."""
        return review.undo(self.engine, self.settings, reviewer=self.reviewer, now=self.fixed_now)

    def decide_bulk(
        self, approve: list[tuple[int, int, list[str]]], on_screen_ms: dict[int, int]
    ) -> tuple[list[int], list[str]]:
        """Approve what the bulk confirmation agreed to, one conditional update each."""
        done, problems = [], []
        for draft_id, version, codes in approve:
            try:
                review.approve(
                    self.engine,
                    self.settings,
                    draft_id=draft_id,
                    seen_version=version,
                    reviewer=self.reviewer,
                    on_screen_ms=on_screen_ms.get(draft_id, 0),
                    acknowledged=codes,
                    now=self.fixed_now,
                    bulk=True,
                )
            except review.ReviewRefused as refused:
                problems.append(str(refused))
            else:
                done.append(draft_id)
        return done, problems
