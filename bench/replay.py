"""How fast `replay` is against deciding every day from scratch (issue 17, "Performance").

    python bench/replay.py [--threads 100000] [--days 30] [--demo] [--profile]

The store is bench/schedule.py's (one InMail per candidate, a share of them answered,
hired, bounced, declined, asked to stop, out of office, not yet due or too old), inserted
with sqlite3 directly; that setup is not timed. With --demo it is the demo team instead
(`followups demo`'s export through the real importer). Then, in one process:

- replay: drafts.replay.replay over the last `--days` days, the configured run only, and
  again with --naive;
- the baseline: `--days` separate `schedule --dry-run` runs on the same store, one per
  replayed day at the same hour (drafts.writing.scheduler.schedule, dry_run=True): what a
  person would otherwise script to see a month.

Replay asks the same pipeline about the same threads, yet it reads the store once and does
not decide again what cannot have changed since the day before (a thread before its due
date, a thread blocked for good), and writes no text. The goal: replay at most 0.5x the
baseline. A benchmark, not a test: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.schedule import NOW, SETTINGS, build_store  # noqa: E402
from drafts.replay import replay  # noqa: E402
from drafts.writing.scheduler import schedule  # noqa: E402
from store.config import Settings  # noqa: E402
from store.db import open_store  # noqa: E402


def timed(label: str, work, profile: bool = False):
    """Run `work()` once; print and return ((wall s, cpu s), result)."""
    profiler = cProfile.Profile() if profile else None
    started, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    result = work()
    if profiler:
        profiler.disable()
    seconds = (time.perf_counter() - started, time.process_time() - cpu)
    print(f"  {label:<52} {seconds[0]:7.2f} s wall {seconds[1]:7.2f} s cpu", flush=True)
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return seconds, result


def demo_store(folder: Path) -> tuple[str, Settings]:
    """The demo team imported at NOW, and its config."""
    from demo import DEMO_CONFIG, write_demo_export
    from store.config import load_settings
    from store.importer import import_export

    url = f"sqlite:///{folder / 'demo.db'}"
    write_demo_export(folder / "export", NOW.replace(tzinfo=UTC))
    import_export(open_store(url), folder / "export", now=NOW)
    (folder / "followups.toml").write_text(DEMO_CONFIG, encoding="utf-8")
    return url, load_settings(str(folder / "followups.toml"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--demo", action="store_true", help="the demo team instead")
    parser.add_argument("--profile", action="store_true", help="cProfile the replay")
    args = parser.parse_args()
    last = NOW.date()
    first = last - timedelta(days=args.days - 1)
    settings = SETTINGS  # decided at 09:00 UTC, the hour of the store's NOW
    with tempfile.TemporaryDirectory(prefix="followups-bench-") as tmp:
        folder = Path(tmp)
        print("setting up (not timed) ...", flush=True)
        if args.demo:
            url, settings = demo_store(folder)
            size = "the demo team"
        else:
            url, size = build_store(folder, args.threads), f"{args.threads} threads"
        engine = open_store(url)
        print(f"timed, {size}, {args.days} days:")
        (replayed, report) = timed(
            "replay (configured run)",
            lambda: replay(engine, settings, first, last),
            args.profile,
        )
        (with_naive, _) = timed(
            "replay --naive (configured + naive)",
            lambda: replay(engine, settings, first, last, naive=True),
        )

        def baseline() -> int:
            created = 0
            for n in range(args.days):
                day = first + timedelta(days=n)
                moment = datetime(day.year, day.month, day.day, settings.replay.hour)
                created += schedule(engine, settings, moment, dry_run=True).created
            return created

        (separate, created) = timed(f"{args.days} x schedule --dry-run (baseline)", baseline)
        engine.dispose()
    followups = len(report.runs[0].followups)
    print()
    print(f"replay follow-ups over {args.days} days: {followups}")
    print(f"drafts the {args.days} separate dry runs would write (summed): {created}")
    for i, kind in enumerate(("wall", "cpu")):
        print(
            f"{kind:>4}: replay / baseline {replayed[i] / separate[i]:.2f}x (goal: at most 0.5x); "
            f"with --naive {with_naive[i] / separate[i]:.2f}x"
        )


if __name__ == "__main__":
    main()
