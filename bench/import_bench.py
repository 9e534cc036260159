"""How fast `followups import` is, next to the fastest thing that could possibly work.

    python bench/import_bench.py [--touchpoints 100000] [--seed 1]

Generates a deterministic synthetic ATS export (about N/5 candidates, 20 roles, 8
recruiters, N touchpoints across every channel and both directions) in a temporary
folder, then measures in the same run:

  (a) store.importer.import_export into a fresh SQLite file (every cell checked,
      references resolved, threads derived, all in one transaction);
  (b) a baseline: the same touchpoints.csv read with csv.reader and inserted with
      plain sqlite3 executemany into a bare table (no checks, no indexes, no threads);
  (c) importing the same export again (the idempotent upsert path).
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import sys
import tempfile
import time
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

from store.csv_schema import EXPORT_COLUMNS
from store.db import open_store
from store.importer import import_export

CHANNELS = ["inmail"] * 8 + ["email"] * 6 + ["phone"] * 2 + ["sms", "meeting"] + ["other"] * 2
STATUSES = ["prospect"] * 12 + ["active", "offer", "hired", "rejected", "declined", "withdrawn"]
ROLE_STATUSES = ["open"] * 5 + ["filled", "closed", "on_hold"]
FIRST = ["Ada", "Grace", "Alan", "José", "Zoë", "Wei", "Amara", "Priya", "Lars", "Noor", "Kenji"]
LAST = ["Lovelace", "Hopper", "Turing", "Núñez", "Okafor", "Zhang", "Schmidt", "Haddad", "Sato"]
COMPANIES = ["Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne Enterprises"]
# A vocabulary for message bodies.
WORDS = [
    "robotics",
    "team",
    "role",
    "chat",
    "quick",
    "follow",
    "up",
    "interested",
    "hiring",
    "firmware",
    "platform",
    "would",
    "you",
    "open",
    "happy",
    "schedule",
    "call",
    "next",
    "week",
    "thanks",
    "again",
    "best",
    "regards",
]
TOUCHPOINT_HEADER = [
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
]


def write_csv(path: Path, header: list[str], rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def ascii_local(name: str) -> str:
    """A name as an address's local part: our SMTP path refuses non-ASCII there (José -> jose)."""
    decomposed = unicodedata.normalize("NFKD", name.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def generate(folder: Path, touchpoints: int, seed: int) -> dict[str, int]:
    """Write a synthetic export; returns the row count of each file."""
    rng = random.Random(seed)
    n_candidates = max(1, touchpoints // 5)
    recruiters = [f"rec{i}" for i in range(8)]
    roles = [f"role-{i:02d}" for i in range(20)]

    write_csv(
        folder / "recruiters.csv",
        ["recruiter", "name", "email", "daily_limit", "status"],
        (
            [r, f"Recruiter {i}", f"{r}@acme-robotics.com", "100", "active" if i else "paused"]
            for i, r in enumerate(recruiters)
        ),
    )
    write_csv(
        folder / "roles.csv",
        ["role_id", "title", "status", "hiring_manager", "location"],
        (
            [r, f"Engineer {i}", rng.choice(ROLE_STATUSES), "Jo", "Berlin"]
            for i, r in enumerate(roles)
        ),
    )
    candidate_rows = []
    for i in range(n_candidates):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        candidate_rows.append(
            [
                f"cand-{i:07d}",
                f"{first} {last}",
                "" if rng.random() < 0.5 else first,
                f"{ascii_local(first)}.{ascii_local(last)}{i}@example.com",
                f"https://www.linkedin.com/in/{first.lower()}-{last.lower()}-{i}/",
                rng.choice(COMPANIES),
                "Engineer",
                "Remote",
                "Europe/Berlin",
                rng.choice(STATUSES),
                "yes" if rng.random() < 0.02 else "no",
                sentence(rng, 12) if rng.random() < 0.3 else "",
            ]
        )
    write_csv(
        folder / "candidates.csv",
        EXPORT_COLUMNS["candidates.csv"],
        candidate_rows,
    )

    start = datetime(2025, 1, 1, tzinfo=UTC)
    touchpoint_rows = []
    for i in range(touchpoints):
        outbound = rng.random() < 0.8
        delivery = ""
        if outbound:
            delivery = rng.choices(
                ["", "delivered", "bounced", "failed", "pending"], [80, 10, 6, 2, 2]
            )[0]
        moment = start + timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
        touchpoint_rows.append(
            [
                f"tp-{i:08d}",
                f"cand-{rng.randrange(n_candidates):07d}",
                "" if rng.random() < 0.1 else rng.choice(roles),
                rng.choice(recruiters),
                rng.choice(CHANNELS),
                "outbound" if outbound else "inbound",
                moment.isoformat() if i % 3 else moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                delivery,
                sentence(rng, 4),
                sentence(rng, rng.randrange(20, 60)),
            ]
        )
    write_csv(folder / "touchpoints.csv", TOUCHPOINT_HEADER, touchpoint_rows)

    suppressions = [[f"cand-{rng.randrange(n_candidates):07d}", "", "", "asked"] for _ in range(50)]
    suppressions += [["", f"person{i}@example.net", "", "list"] for i in range(50)]
    write_csv(
        folder / "suppressions.csv",
        ["candidate_id", "email", "linkedin_url", "reason"],
        suppressions,
    )
    return {
        "recruiters.csv": len(recruiters),
        "roles.csv": len(roles),
        "candidates.csv": n_candidates,
        "touchpoints.csv": touchpoints,
        "suppressions.csv": len(suppressions),
    }


def baseline(touchpoints_csv: Path, database: Path) -> int:
    """csv.reader + sqlite3 executemany into a bare table: no checks at all."""
    conn = sqlite3.connect(database)
    try:
        columns = ", ".join(f"{name} TEXT" for name in TOUCHPOINT_HEADER)
        conn.execute(f"CREATE TABLE touchpoint ({columns})")
        with touchpoints_csv.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            next(reader)
            placeholders = ", ".join("?" * len(TOUCHPOINT_HEADER))
            with conn:
                conn.executemany(f"INSERT INTO touchpoint VALUES ({placeholders})", reader)
        return conn.execute("SELECT count(*) FROM touchpoint").fetchone()[0]
    finally:
        conn.close()


def timed(action):
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--touchpoints", type=int, default=100_000, help="rows in touchpoints.csv")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same export)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="followups-bench-") as tmp:
        root = Path(tmp)
        export = root / "export"
        export.mkdir()
        counts, gen_s = timed(lambda: generate(export, args.touchpoints, args.seed))
        total_rows = sum(counts.values())
        size_mb = sum(p.stat().st_size for p in export.iterdir()) / 1e6
        n = counts["touchpoints.csv"]
        print(
            f"export:            {total_rows:,} rows ({n:,} touchpoints, "
            f"{counts['candidates.csv']:,} candidates), {size_mb:.1f} MB, "
            f"generated in {gen_s:.1f} s"
        )

        engine = open_store(f"sqlite:///{root / 'followups.db'}")
        try:
            report, import_s = timed(lambda: import_export(engine, export))
            print(
                f"import (a):        {import_s:6.2f} s  {n / import_s:>10,.0f} touchpoints/s  "
                f"{total_rows / import_s:>10,.0f} rows/s (all files), {report.threads:,} threads"
            )

            # The baseline is short, so one busy moment of the machine swings it: the median
            # of three runs (each into a new file).
            base_runs = []
            for attempt in range(3):
                bare = root / f"bare{attempt}.db"
                inserted, seconds = timed(
                    lambda bare=bare: baseline(export / "touchpoints.csv", bare)
                )
                assert inserted == n, (inserted, n)
                base_runs.append(seconds)
            base_s = sorted(base_runs)[1]
            print(
                f"baseline (b):      {base_s:6.2f} s  {n / base_s:>10,.0f} touchpoints/s  "
                f"(csv.reader + sqlite3 executemany, touchpoints.csv only; median of 3)"
            )
            print(f"ratio (a)/(b):     {import_s / base_s:6.1f}x the baseline's time")

            again, reimport_s = timed(lambda: import_export(engine, export))
            new = sum(c.new for c in again.files.values())
            print(
                f"re-import (c):     {reimport_s:6.2f} s  {n / reimport_s:>10,.0f} touchpoints/s  "
                f"({new} new rows, {again.new_threads} new threads)"
            )
        finally:
            engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
