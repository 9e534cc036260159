"""Reading a demo export back, for the demo's tests: the files and per-candidate views.

The views re-derive every category from the rows alone (not from how `demo` built them),
so a change that quietly turns a "never answered" candidate into a blocked one fails.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

# An ordinary morning, and an awkward moment: not UTC, fractional seconds, a new year.
NOWS = [
    datetime(2025, 11, 15, 9, 30, tzinfo=UTC),
    datetime(2026, 1, 2, 23, 59, 59, 500000, tzinfo=timezone(timedelta(hours=5))),
]
FILES = ["recruiters.csv", "roles.csv", "candidates.csv", "touchpoints.csv", "suppressions.csv"]
REQUIRED = {
    "recruiters.csv": {"recruiter", "name", "email", "daily_limit", "status"},
    "roles.csv": {"role_id", "title", "status", "hiring_manager", "location"},
    "candidates.csv": {
        "candidate_id",
        "full_name",
        "first_name",
        "email",
        "linkedin_url",
        "company",
        "title",
        "location",
        "timezone",
        "ats_status",
        "do_not_contact",
        "notes",
    },
    "touchpoints.csv": {
        "touchpoint_id",
        "candidate_id",
        "role_id",
        "recruiter",
        "channel",
        "direction",
        "occurred_at",
        "delivery",
        "subject",
        "body",
    },
    "suppressions.csv": {"candidate_id", "email", "linkedin_url", "reason"},
}
DAY = timedelta(days=1)
STOP_WORDS = ("stop contacting", "remove me", "unsubscribe")


class Export:
    """The parsed files plus the per-candidate views the category checks need."""

    def __init__(self, directory: Path, now: datetime) -> None:
        self.now = now.astimezone(UTC)
        self.rows = {}
        for name in FILES:
            with (directory / name).open(encoding="utf-8", newline="") as handle:
                self.rows[name] = list(csv.DictReader(handle))
        self.candidates = {c["candidate_id"]: c for c in self.rows["candidates.csv"]}
        self.roles = {r["role_id"]: r for r in self.rows["roles.csv"]}
        self.recruiters = {r["recruiter"]: r for r in self.rows["recruiters.csv"]}
        self.touchpoints = defaultdict(list)
        for tp in self.rows["touchpoints.csv"]:
            tp["at"] = datetime.fromisoformat(tp["occurred_at"])
            self.touchpoints[tp["candidate_id"]].append(tp)
        for tps in self.touchpoints.values():
            tps.sort(key=lambda t: (t["at"], t["touchpoint_id"]))

    def threads(self, candidate_id: str) -> dict[tuple[str, str], list[dict]]:
        """(role, channel) -> its outbound messages, initial first (contract: Threads)."""
        threads = defaultdict(list)
        for tp in self.touchpoints[candidate_id]:
            thread_channel = tp["channel"] in ("inmail", "email")
            if tp["direction"] == "outbound" and tp["role_id"] and thread_channel:
                threads[(tp["role_id"], tp["channel"])].append(tp)
        return dict(threads)

    def due(self, moment: datetime) -> bool:
        """Old enough for a first follow-up (7 days), not too old (28 days)."""
        return 7 * DAY < self.now - moment < 28 * DAY

    def only_thread(self, candidate_id: str) -> list[dict]:
        (messages,) = self.threads(candidate_id).values()
        return messages

    def inbound_after(self, candidate_id: str, moment: datetime) -> list[dict]:
        return [
            tp
            for tp in self.touchpoints[candidate_id]
            if tp["direction"] == "inbound" and tp["at"] > moment
        ]

    def suppressed(self, candidate_id: str) -> bool:
        c = self.candidates[candidate_id]
        for entry in self.rows["suppressions.csv"]:
            if entry["candidate_id"] == candidate_id:
                return True
            if entry["email"] and entry["email"].casefold() == c["email"].casefold():
                return True
            if entry["linkedin_url"] and linkedin_key(entry["linkedin_url"]) == linkedin_key(
                c["linkedin_url"]
            ):
                return True
        return False


def linkedin_key(url: str) -> str:
    value = re.sub(r"^[a-z]+://", "", url.strip().casefold())
    return value.removeprefix("www.").rstrip("/")


def company_key(name: str) -> str:
    words = re.sub(r"[^\w\s]", " ", name.casefold()).split()
    while words and words[-1] in {"inc", "llc", "ltd", "corp", "corporation", "gmbh", "co"}:
        words.pop()
    return " ".join(words)
