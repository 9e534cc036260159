"""A reviewer in its own process, for the team tests and bench/team.py.

    python testkit/reviewer_process.py work --db URL --name NAME [options]
    python testkit/reviewer_process.py session --db URL --name NAME

`work` loops as a reviewer working down the queue does: claim the next free draft
(drafts.review.claim_next), load it as the review screen does (or, with --look row, just
its row, as a bulk approve does), then approve, reject or release it. `session` holds
one reviewer's view across commands read from stdin (one JSON object a line, one JSON
reply a line), so a test can make two reviewers act on purpose.

Everything a reviewer is told (drafts.review.ReviewRefused) is reported on stdout as data.
Anything else - "database is locked" above all - is a crash: a traceback on stderr and a
non-zero exit, which the tests treat as a failure.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from drafts import review
from drafts.review.detail import load_detail, load_draft_row
from drafts.review.queue import QueueFilter, load_page
from store.clock import parse_timestamp, utc_now
from store.config import Settings, load_settings
from store.db import open_store

SCRIPT = Path(__file__).resolve()
LEASE_MINUTES = 10
# A worker never loops forever, whatever the store does.
MAX_CLAIMS = 50_000
GO_TIMEOUT_S = 120


def emit(**event: Any) -> None:
    """One line of JSON on stdout, flushed: the parent reads events as they happen."""
    print(json.dumps(event, default=str), flush=True)


def ready_file(go: Path | str, name: str) -> Path:
    """Where reviewer `name` says it is connected and waiting for `go`."""
    return Path(f"{go}.{name}.ready")


def wait_for(go: Path, name: str) -> None:
    """Say ready, then block until the parent creates `go`: all start deciding at once."""
    ready_file(go, name).touch()
    deadline = time.monotonic() + GO_TIMEOUT_S
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"no go signal at {go} within {GO_TIMEOUT_S} s")
        time.sleep(0.005)


class Worker:
    """One reviewer working down the queue until nothing is left for them."""

    def __init__(self, args: argparse.Namespace):
        self.engine = open_store(args.db)
        self.settings = load_settings(args.config) if args.config else Settings()
        self.name = args.name
        self.now = parse_timestamp(args.now) if args.now else None
        self.args = args
        self.released: set[int] = set()
        self.counts = {"claimed": 0, "approved": 0, "rejected": 0, "released": 0, "refused": 0}
        self.conflicts = 0

    def next_draft(self) -> int | None:
        """The next draft this reviewer holds, by the strategy under test."""
        if self.args.strategy == "next":
            return review.claim_next(
                self.engine, reviewer=self.name, lease_minutes=LEASE_MINUTES, now=self.now
            )
        # "page": what the review app does today - read a page, claim the rows in order;
        # a row someone else claimed first is a conflict, and the reviewer moves on.
        at = self.now or utc_now()
        with self.engine.connect() as conn:
            rows = load_page(conn, QueueFilter(), reviewer=self.name, now=at, limit=20)
        for row in rows:
            lease = {"reviewer": self.name, "lease_minutes": LEASE_MINUTES, "now": at}
            if review.claim(self.engine, draft_id=row.id, **lease):
                return row.id
            self.conflicts += 1
        return None

    def run(self) -> None:
        """Claim, look, decide; until the queue has nothing free or MAX_CLAIMS is reached."""
        if self.args.go:
            wait_for(Path(self.args.go), self.name)
        started = time.time()
        for _ in range(MAX_CLAIMS):
            draft_id = self.next_draft()
            if draft_id is None:
                break
            self.counts["claimed"] += 1
            emit(claimed=draft_id)
            self.decide(draft_id)
        emit(summary=self.counts, conflicts=self.conflicts, started=started, ended=time.time())

    def decide(self, draft_id: int) -> None:
        """Release, reject or approve the draft on screen, as the options say."""
        every = self.args.release_every
        if every and draft_id % every == 0 and draft_id not in self.released:
            # Skipped once by this reviewer: back to the queue for whoever is next.
            self.released.add(draft_id)
            review.release(self.engine, draft_id=draft_id, reviewer=self.name)
            self.counts["released"] += 1
            emit(released=draft_id)
            return
        with self.engine.connect() as conn:
            if self.args.look == "detail":
                detail = load_detail(conn, self.settings, draft_id, self.now or utc_now())
                if detail is None:
                    return
                row, blocked, warnings = detail.draft, bool(detail.blocking), detail.warning_codes
            else:
                row, blocked, warnings = load_draft_row(conn, draft_id), False, []
        if row is None:
            return
        version = row["version"]
        every = self.args.reject_every
        try:
            if blocked or (every and draft_id % every == 0):
                review.reject(
                    self.engine,
                    draft_id=draft_id,
                    seen_version=version,
                    reviewer=self.name,
                    reason="not a fit",
                    now=self.now,
                )
                self.counts["rejected"] += 1
                emit(rejected=draft_id)
            else:
                review.approve(
                    self.engine,
                    self.settings,
                    draft_id=draft_id,
                    seen_version=version,
                    reviewer=self.name,
                    on_screen_ms=0,
                    acknowledged=warnings,
                    now=self.now,
                )
                self.counts["approved"] += 1
                emit(approved=draft_id)
        except review.ReviewRefused as refused:
            # Told, not crashed: the store changed under the reviewer (a scheduler run, a
            # rule that started to apply). The draft is theirs no longer to decide.
            self.counts["refused"] += 1
            self.conflicts += 1
            emit(refused=draft_id, error=type(refused).__name__, message=str(refused))
            review.release(self.engine, draft_id=draft_id, reviewer=self.name)


def session(args: argparse.Namespace) -> None:
    """Answer one JSON command a line until stdin closes (or {"op": "quit"})."""
    engine = open_store(args.db)
    settings = load_settings(args.config) if args.config else Settings()
    emit(ready=args.name)
    for line in sys.stdin:
        command = json.loads(line)
        op = command.pop("op")
        if op == "quit":
            break
        now = parse_timestamp(command.pop("now")) if "now" in command else None
        try:
            emit(ok=True, **_run(engine, settings, args.name, op, now, command))
        except review.ReviewRefused as refused:
            current = getattr(refused, "current", None)
            emit(
                ok=False,
                error=type(refused).__name__,
                message=str(refused),
                current_status=current["status"] if current else None,
                current_version=current["version"] if current else None,
            )
    engine.dispose()


def _run(engine, settings: Settings, name: str, op: str, now, command: dict) -> dict[str, Any]:
    """One session command; what it returns is the reply."""
    if op == "claim":
        return {
            "claimed": review.claim(
                engine, reviewer=name, lease_minutes=LEASE_MINUTES, now=now, **command
            )
        }
    if op == "view":
        with engine.connect() as conn:
            detail = load_detail(conn, settings, command["draft_id"], now or utc_now())
        assert detail is not None
        return {"version": detail.draft["version"], "warnings": detail.warning_codes}
    if op == "approve":
        outcome = review.approve(
            engine, settings, reviewer=name, on_screen_ms=0, now=now, **command
        )
        return {"status": outcome.status, "version": outcome.version}
    if op == "reject":
        outcome = review.reject(engine, reviewer=name, reason="not a fit", now=now, **command)
        return {"status": outcome.status, "version": outcome.version}
    if op == "race":
        return {"results": _race(engine, settings, name, now, **command)}
    raise SystemExit(f"unknown op {op!r}")


def _race(engine, settings, name: str, now, *, decision: str, drafts: list, go: str) -> list:
    """Decide each (draft id, seen version) as soon as `go` exists; what happened to each."""
    wait_for(Path(go), name)
    results = []
    for draft_id, version in drafts:
        try:
            if decision == "approve":
                review.approve(
                    engine,
                    settings,
                    draft_id=draft_id,
                    seen_version=version,
                    reviewer=name,
                    on_screen_ms=0,
                    now=now,
                )
            else:
                review.reject(
                    engine,
                    draft_id=draft_id,
                    seen_version=version,
                    reviewer=name,
                    reason="not a fit",
                    now=now,
                )
        except review.StaleDraft as stale:
            current = stale.current or {}
            results.append([draft_id, "stale", str(stale), current.get("status")])
        else:
            results.append([draft_id, "won", None, None])
    return results


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["work", "session"])
    parser.add_argument("--db", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--config", help="followups.toml (default: built-in settings)")
    parser.add_argument("--now", help="a fixed clock (ISO 8601)")
    parser.add_argument("--strategy", choices=["next", "page"], default="next")
    parser.add_argument("--release-every", type=int, default=0, help="skip ids divisible by N")
    parser.add_argument("--reject-every", type=int, default=0, help="reject ids divisible by N")
    parser.add_argument(
        "--look",
        choices=["detail", "row"],
        default="detail",
        help="load the draft as the review screen does (rules asked now) or just its row",
    )
    parser.add_argument("--go", help="wait for this file before deciding anything")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Run one reviewer process."""
    args = parse(argv)
    if args.mode == "work":
        worker = Worker(args)
        worker.run()
        worker.engine.dispose()
    else:
        session(args)


if __name__ == "__main__":
    main()
