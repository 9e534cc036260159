"""Benchmark: `send` with every recheck, against plain smtplib with no store at all.

    python bench/send.py [--drafts 10000] [--db URL]

Builds a store with N approved drafts (import → schedule → approve, as users do), starts
an aiosmtpd sink in its own process on a free loopback port, then times
1. the sender: sweep, claim batches (rules, text hash, caps, spacing), one commit per
   message, touchpoints and audit entries; one SMTP connection for the whole run;
2. the same messages through smtplib.sendmail on one connection, nothing else.
Goal: (1) within 2x of (2).
"""

from __future__ import annotations

import argparse
import csv
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

from sqlalchemy import select, update

from drafts.lifecycle import body_hash
from drafts.sending.sender import Sender
from drafts.sending.transports import Outgoing, SmtpTransport, build_message
from drafts.writing.scheduler import schedule
from store import models
from store.config import Settings
from store.db import open_store
from store.importer import import_export

NOW = datetime(2025, 11, 8, 9, 0)
RECRUITERS = 10
SENDER = "Acme Talent <talent@acme-robotics.com>"


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_sink(port: int) -> subprocess.Popen:
    """aiosmtpd's discarding Sink handler in its own process (no GIL shared with us)."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the SMTP sink did not start")


def write_export(folder: Path, count: int) -> None:
    """recruiters, one role, `count` candidates with one email each 10 days ago."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = {
        "recruiters.csv": [["recruiter", "name", "daily_limit"]]
        + [[f"r{n}", f"Recruiter {n}", str(count)] for n in range(RECRUITERS)],
        "roles.csv": [["role_id", "title", "status"], ["role-1", "Controls Engineer", "open"]],
        "candidates.csv": [["candidate_id", "full_name", "email", "company", "ats_status"]]
        + [
            [f"c{n}", f"Person {n}", f"c{n}@example.test", "Northwind", "prospect"]
            for n in range(count)
        ],
        "touchpoints.csv": [
            [
                "touchpoint_id",
                "candidate_id",
                "role_id",
                "recruiter",
                "channel",
                "direction",
                "occurred_at",
                "subject",
                "body",
            ]
        ]
        + [
            [
                f"tp{n}",
                f"c{n}",
                "role-1",
                f"r{n % RECRUITERS}",
                "email",
                "outbound",
                (NOW - timedelta(days=10)).isoformat() + "Z",
                "Hello",
                "Hi there",
            ]
            for n in range(count)
        ],
    }
    for name, lines in rows.items():
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(lines)


def settings_for(port: int, count: int) -> Settings:
    """A config that lets every draft through on one day."""
    return Settings.model_validate(
        {
            "company": {"name": "Acme Robotics", "domains": ["acme-robotics.com"]},
            "limits": {"drafts_per_run": max(count, 200)},
            "send": {
                "from": SENDER,
                "email_transport": "smtp",
                "smtp": {"host": "127.0.0.1", "port": port, "security": "none"},
            },
        }
    )


def build_store(url: str, folder: Path, settings: Settings, count: int):
    """Import, schedule, approve: the state `send` finds in the morning."""
    engine = open_store(url)
    write_export(folder, count)
    import_export(engine, folder)
    schedule(engine, settings, NOW)
    d = models.FollowUpDraft.__table__
    with engine.begin() as conn:
        rows = conn.execute(select(d.c.id, d.c.subject, d.c.body)).all()
        conn.execute(
            update(d).values(status="approved", decided_by="bench", decided_at=NOW),
        )
        for draft_id, subject, body in rows:
            conn.execute(
                update(d)
                .where(d.c.id == draft_id)
                .values(approved_body_hash=body_hash(subject, body))
            )
    return engine, rows


def plain_smtplib(port: int, rows) -> float:
    """The same messages, one connection, no store: the floor."""
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as conn:
        for draft_id, subject, body in rows:
            message = build_message(
                Outgoing(
                    draft_id,
                    "email",
                    f"<plain.{draft_id}@acme-robotics.com>",
                    SENDER,
                    f"Person {draft_id}",
                    f"c{draft_id}@example.test",
                    None,
                    subject or "",
                    body,
                    NOW,
                )
            )
            conn.sendmail(
                "talent@acme-robotics.com",
                [f"c{draft_id}@example.test"],
                message.as_bytes(policy=policy.SMTP),
            )
    return time.perf_counter() - started


def main() -> None:
    """Build, time both, print figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=10_000)
    parser.add_argument("--db", help="a SQLAlchemy URL of an EMPTY store (default: temp SQLite)")
    args = parser.parse_args()
    port = free_port()
    sink = start_sink(port)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = settings_for(port, args.drafts)
            url = args.db or f"sqlite:///{tmp}/bench.db"
            t0 = time.perf_counter()
            engine, rows = build_store(url, Path(tmp) / "export", settings, args.drafts)
            print(
                f"store: {len(rows)} approved drafts built in {time.perf_counter() - t0:.1f}s"
                f" ({engine.dialect.name})"
            )
            # The baseline runs before and after ours: the machine's load drifts, and the
            # mean of the two is fairer than either alone.
            before = plain_smtplib(port, rows)
            transport = SmtpTransport(settings.send.smtp, settings.send.from_)
            started = time.perf_counter()
            # allow_spike: the benchmark measures throughput, not the day's volume alarm.
            report = Sender(
                engine,
                settings,
                NOW,
                transports={"email": transport},
                day_zone=UTC,
                actor="bench",
                allow_spike=True,
            ).run()
            ours = time.perf_counter() - started
            after = plain_smtplib(port, rows)
            baseline = (before + after) / 2
            sent = report.counts().get("sent", 0)
            for label, seconds in (("before", before), ("after", after)):
                print(
                    f"plain smtplib, no store : {len(rows) / seconds:8.0f} msg/s "
                    f"({seconds:.2f}s, {label})"
                )
            print(f"send with full recheck  : {sent / ours:8.0f} msg/s ({ours:.2f}s, {sent} sent)")
            print(f"ratio                   : {ours / baseline:8.2f}x  (goal: <= 2x)")
            engine.dispose()
    finally:
        sink.terminate()
        sink.wait(timeout=10)


if __name__ == "__main__":
    main()
