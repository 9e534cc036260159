"""How the review app copes with a big queue, measured headless.

    python bench/review.py [--drafts 100000] [--keys 40]

Fills a SQLite store with N pending drafts (bulk insert, in a child process, not timed),
then in this process measures:

  - first draft on screen: from starting `python` to the first draft's detail painted, the
    way `followups review` gets there (importing tui.cli first), against a one-widget
    Textual app's first paint from `python` started, in the same run (goal <= 2x);
  - start-up in process: from creating the app to the first draft's detail on screen;
  - key latency: the median time from pressing `j` to the next draft's detail on screen,
    as a ratio against the same Pilot loop on a one-widget app in the same run (goal < 1.3x);
  - peak memory (max RSS of this process, which never held the setup's rows; goal < 300 MB).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert

from store import models
from store.clock import parse_timestamp
from store.config import Settings
from store.db import open_store

NOW = parse_timestamp("2025-11-14T09:00:00Z")
SIZE = (140, 45)


# What `followups review` does before its first screen, headless; prints the moment (epoch
# seconds) the first draft's detail is painted. Run with `python -c`, so nothing this
# benchmark imports is already loaded.
REVIEW_FIRST_PAINT = """
import asyncio, sys, time
import tui.cli  # the console script imports the CLI first
from store.clock import parse_timestamp
from store.config import Settings
from store.db import open_store
from tui.app.app import ReviewApp

async def main():
    engine = open_store(sys.argv[1], create=False)
    # A recruiter opening their own queue (`followups review`): every draft is sam's.
    app = ReviewApp(engine, Settings(), "sam", now=parse_timestamp(sys.argv[2]))
    async with app.run_test(size=(140, 45)) as pilot:
        while app.last_shown is None:
            await asyncio.sleep(0.001)
        await pilot.pause()
        print(time.time())

asyncio.run(main())
"""
ONE_WIDGET_FIRST_PAINT = """
import asyncio, time
from textual.app import App
from textual.widgets import Static

class OneWidget(App):
    def compose(self):
        yield Static("Hi Candidate, following up.")

async def main():
    app = OneWidget()
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        print(time.time())

asyncio.run(main())
"""


def first_paint_s(code: str, *args: str) -> float:
    """Seconds from starting a fresh interpreter to the moment `code` prints."""
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"first-paint child failed: {done.stderr[-600:]}")
    return float(done.stdout.split()[-1]) - started


def fill(db: Path, n: int) -> None:
    """N candidates, each with one thread, its initial InMail and a pending draft."""
    engine = open_store(str(db))
    sent = NOW - timedelta(days=10)
    with engine.begin() as conn:
        conn.execute(insert(models.Recruiter.__table__), [{"recruiter": "sam", "status": "active"}])
        conn.execute(
            insert(models.Role.__table__),
            [{"role_id": "r1", "title": "Engineer", "status": "open"}],
        )
        for start in range(0, n, 5000):
            ids = range(start, min(n, start + 5000))
            conn.execute(
                insert(models.Candidate.__table__),
                [
                    {
                        "candidate_id": f"c{i}",
                        "full_name": f"Candidate {i}",
                        "first_name": "Candidate",
                        "linkedin_url": f"https://linkedin.com/in/c{i}",
                        "ats_status": "prospect",
                        "do_not_contact": False,
                    }
                    for i in ids
                ],
            )
            conn.execute(
                insert(models.Touchpoint.__table__),
                [
                    {
                        "touchpoint_id": f"t{i}",
                        "candidate_id": f"c{i}",
                        "role_id": "r1",
                        "recruiter": "sam",
                        "channel": "inmail",
                        "direction": "outbound",
                        "occurred_at": sent,
                        "delivery": "delivered",
                        "body": "Hello",
                    }
                    for i in ids
                ],
            )
            conn.execute(
                insert(models.Thread.__table__),
                [
                    {
                        "thread_id": f"c{i}|r1|inmail",
                        "candidate_id": f"c{i}",
                        "role_id": "r1",
                        "channel": "inmail",
                        "recruiter": "sam",
                        "initial_touchpoint_id": f"t{i}",
                        "initial_at": sent,
                        "state": "drafted",
                        "reasons": [],
                    }
                    for i in ids
                ],
            )
            conn.execute(
                insert(models.FollowUpDraft.__table__),
                [
                    {
                        "thread_id": f"c{i}|r1|inmail",
                        "candidate_id": f"c{i}",
                        "role_id": "r1",
                        "recruiter": "sam",
                        "channel": "inmail",
                        "status": "pending",
                        "body": f"Hi Candidate {i}, following up.",
                        "original_body": f"Hi Candidate {i}, following up.",
                        "created_at": NOW,
                        "version": 1,
                        "cancel_codes": [],
                        "attempts": 0,
                    }
                    for i in ids
                ],
            )
    engine.dispose()


async def measure_review(db: Path, keys: int) -> tuple[float, list[float]]:
    """Start-up time and per-key latencies of the real review app."""
    from tui.app.app import ReviewApp

    engine = open_store(str(db))
    started = time.perf_counter()
    app = ReviewApp(engine, Settings(), "bench", now=NOW, lead=True)
    latencies = []
    async with app.run_test(size=SIZE) as pilot:
        while app.last_shown is None:
            await asyncio.sleep(0.001)
        startup = time.perf_counter() - started
        for _ in range(keys):
            before = app.last_shown
            t0 = time.perf_counter()
            await pilot.press("j")
            while app.last_shown == before:
                await asyncio.sleep(0.001)
            latencies.append(time.perf_counter() - t0)
        await pilot.press("q")
    engine.dispose()
    return startup, latencies


async def measure_baseline(keys: int) -> list[float]:
    """The same Pilot loop on an app with one Static that counts key presses."""
    from textual.app import App
    from textual.widgets import Static

    class OneWidget(App[None]):
        count = 0

        def compose(self):
            yield Static("0")

        def on_key(self, event) -> None:
            self.count += 1
            self.query_one(Static).update(str(self.count))

    app = OneWidget()
    latencies = []
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(keys):
            before = app.count
            t0 = time.perf_counter()
            await pilot.press("j")
            while app.count == before:
                await asyncio.sleep(0.001)
            latencies.append(time.perf_counter() - t0)
    return latencies


def main() -> None:
    """Set up (child process), measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=100_000)
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--paints", type=int, default=5, help="first-paint runs of each app")
    parser.add_argument("--fill-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill_only:
        fill(args.fill_only, args.drafts)
        return
    with tempfile.TemporaryDirectory(prefix="followups-bench-") as tmp:
        db = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--drafts", str(args.drafts), "--fill-only", str(db)],
            check=True,
        )
        print(f"setup: {args.drafts} pending drafts in {time.perf_counter() - t0:.1f}s (not timed)")
        review_paints, widget_paints = [], []
        for _ in range(args.paints):  # alternating, so a busy machine slows both alike
            widget_paints.append(first_paint_s(ONE_WIDGET_FIRST_PAINT))
            review_paints.append(first_paint_s(REVIEW_FIRST_PAINT, str(db), NOW.isoformat()))
        baseline = asyncio.run(measure_baseline(args.keys))
        startup, latencies = asyncio.run(measure_review(db, args.keys))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    review_ms = statistics.median(latencies) * 1000
    base_ms = statistics.median(baseline) * 1000
    review_paint, widget_paint = statistics.median(review_paints), statistics.median(widget_paints)
    print(
        f"first draft painted: {review_paint:.3f} s from `python` started, median of "
        f"{args.paints} (one-widget app: {widget_paint:.3f} s)"
    )
    print(f"first-paint ratio:   {review_paint / widget_paint:.2f}x   (goal <= 2x)")
    print(f"in-process start-up: {startup:.3f} s (app created to first draft shown)")
    print(f"key -> next draft:   {review_ms:.1f} ms median (one-widget app: {base_ms:.1f} ms)")
    print(f"latency ratio:       {review_ms / base_ms:.2f}x   (goal < 1.3x)")
    print(f"peak memory (RSS):   {peak_mb:.0f} MB   (goal < 300 MB)")


if __name__ == "__main__":
    main()
