"""Benchmark: a team of reviewer processes deciding one PostgreSQL queue, against one alone.

    python bench/team.py [--drafts 10000] [--reviewers 8] [--db URL]

Each run gets a fresh schema on the server (--db, else $FOLLOWUPS_TEST_PG, else the local
server), filled with N pending drafts (bulk insert and ANALYZE, not timed), dropped after.
Reviewers are real processes (testkit/reviewer_process.py) that loop as a person at
the review screen does - claim a draft, load it with its rules asked now, approve it
(every 5th rejected) - through drafts.review. All start at one signal, once connected;
the clock runs from that signal to the last reviewer's last decision.

Runs, on the same machine in the same invocation:
  1. one reviewer alone, claiming with claim_next (the baseline);
  2. the team, claiming with claim_next (FOR UPDATE SKIP LOCKED);
  3. the team, as the review app claims today: read a page of the queue, claim rows in
     order, move on when a colleague got there first.
Reports decisions/s and conflicts (claims lost to a colleague, decisions refused), and
checks that no draft was decided twice.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# The reviewer process and the store filler live in testkit/ (shared with the team tests).
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from store.db import open_store  # noqa: E402
from testkit.reviewers import finish, release_when_ready, start  # noqa: E402
from testkit.team_store import NOW, decisions, fill_pending  # noqa: E402

LOCAL_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
# A bound on one run, far above what 10k drafts take on a laptop.
RUN_TIMEOUT_S = 3600


class Schema:
    """A fresh schema on the server for one run; dropped on exit."""

    def __init__(self, base: str):
        self.name = f"followups_bench_{uuid.uuid4().hex[:10]}"
        self.admin = create_engine(base, isolation_level="AUTOCOMMIT")
        url = make_url(base).update_query_dict({"options": f"-csearch_path={self.name}"})
        self.url = url.render_as_string(hide_password=False)

    def __enter__(self) -> Schema:
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.name}"'))
        return self

    def __exit__(self, *_exc) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{self.name}" CASCADE'))
        self.admin.dispose()


def run(base: str, drafts: int, reviewers: int, strategy: str) -> dict:
    """One timed run in its own schema: what the reviewers decided, how fast, what clashed."""
    with Schema(base) as schema, tempfile.TemporaryDirectory() as tmp:
        engine = open_store(schema.url)
        fill_pending(engine, drafts)
        with engine.connect() as conn:
            # A bulk-loaded table has no statistics until autovacuum passes; a team's
            # long-lived store has them. Without, the planner guesses one pending row.
            conn.execute(text("ANALYZE"))
            conn.commit()
        go = Path(tmp) / "go"
        names = [f"rev{n}" for n in range(reviewers)]
        options = ("--now", NOW.isoformat(), "--go", str(go), "--strategy", strategy)
        procs = [start("work", schema.url, name, *options, "--reject-every", "5") for name in names]
        release_when_ready(go, names, procs)
        began = time.time()
        results = finish(procs, timeout_s=RUN_TIMEOUT_S)
        summaries = []
        for (code, events, err), name in zip(results, names, strict=True):
            if code != 0:
                raise SystemExit(f"reviewer {name} failed:\n{err}")
            summaries.append(next(e for e in events if "summary" in e))
        ended = max(s["ended"] for s in summaries)
        per_draft = Counter(d["draft_id"] for d in decisions(engine, "approve", "reject"))
        engine.dispose()
    decided = sum(s["summary"]["approved"] + s["summary"]["rejected"] for s in summaries)
    return {
        "reviewers": reviewers,
        "strategy": strategy,
        "decided": decided,
        "seconds": ended - began,
        "conflicts": sum(s["conflicts"] for s in summaries),
        "refused": sum(s["summary"]["refused"] for s in summaries),
        "twice": sum(1 for n in per_draft.values() if n > 1),
        "covered": len(per_draft),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the three configurations and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=10_000)
    parser.add_argument("--reviewers", type=int, default=8)
    parser.add_argument("--db", default=os.environ.get("FOLLOWUPS_TEST_PG") or LOCAL_PG)
    args = parser.parse_args(argv)
    if make_url(args.db).get_backend_name() != "postgresql":
        raise SystemExit("bench/team.py measures PostgreSQL: give --db postgresql+psycopg://…")

    print(f"{args.drafts} pending drafts on {make_url(args.db).host}, {os.cpu_count()} CPUs")
    rows = [
        run(args.db, args.drafts, 1, "next"),
        run(args.db, args.drafts, args.reviewers, "next"),
        run(args.db, args.drafts, args.reviewers, "page"),
    ]
    alone = rows[0]["decided"] / rows[0]["seconds"]
    print(
        f"{'reviewers':>9} {'claiming':>10} {'decided':>8} {'seconds':>8} {'dec/s':>7}"
        f" {'vs one':>7} {'conflicts':>9} {'refused':>7} {'twice':>5}"
    )
    for r in rows:
        rate = r["decided"] / r["seconds"]
        print(
            f"{r['reviewers']:>9} {r['strategy']:>10} {r['decided']:>8} {r['seconds']:>8.1f}"
            f" {rate:>7.1f} {rate / alone:>6.2f}x {r['conflicts']:>9} {r['refused']:>7}"
            f" {r['twice']:>5}"
        )
    ok = all(r["twice"] == 0 and r["covered"] == r["decided"] == args.drafts for r in rows)
    print("every draft decided exactly once" if ok else "SOME DRAFT DECIDED TWICE OR NOT AT ALL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
