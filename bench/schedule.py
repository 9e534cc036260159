"""How fast `schedule` is against the floor, and how it grows (issue 3, "Performance").

    python bench/schedule.py [--threads N] [--small N] [--naive N] [--change 0.01] [--profile]

Each size gets a fresh SQLite store, one InMail per candidate (a share answered, hired,
bounced, declined, asked to stop, away, not due or too old), set up untimed. Then:

- the scheduler on the whole store, small and full size (linear: time ratio ≈ size ratio);
- the floor: as many bodies as the scheduler wrote, rendered with plain jinja2 (the same
  built-in template text, a plain Environment, variables prepared beforehand) and inserted
  with sqlite3 executemany into a bare table. Nothing real can be faster than this;
- a naive loop: per thread, SQLModel queries for its candidate, touchpoints, role and
  recruiter, the same rules and renderer, and session.add per draft, on a smaller store,
  extrapolated linearly to the full size (labelled as such).

- after a day's import: the scheduled full-size store gets new messages for `--change`
  (1%) of its candidates, written with sqlite3 (the triggers mark them; not timed); it is
  copied, then scheduled incrementally while the copy runs `--full`, at the same moment;
  both must end with the same thread states and drafts (checked, and said).

The floor renders and stores bodies, nothing else; the scheduler also reads the store,
runs every rule on every thread and stores every state and flag (that SQL alone, with bare
sqlite3, is about 1.5x the floor at 100k threads).

A benchmark, not a test: it prints figures (CPU time beside wall time: on a shared machine
it moves much less) and asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import jinja2
from sqlmodel import Session, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drafts.rules.context import CandidateView, Snapshot, TouchpointView, thread_view  # noqa: E402
from drafts.rules.thread_rules import blocking_flags, due_at  # noqa: E402
from drafts.writing.render import BUILTIN_TEMPLATES, TemplateBook  # noqa: E402
from drafts.writing.scheduler import schedule  # noqa: E402
from store import models  # noqa: E402
from store.config import Settings  # noqa: E402
from store.db import open_store  # noqa: E402
from store.importer import thread_key  # noqa: E402

NOW = datetime(2025, 11, 8, 9, 0)
SETTINGS = Settings.model_validate(
    {
        "company": {
            "name": "Acme Robotics",
            "aliases": ["Acme"],
            "domains": ["acme-robotics.com"],
            "competitors": ["Globex"],
            "never_contact_companies": ["Initech"],
        },
        # One run drafts the whole store: the cap is a safety rail, not what is measured.
        "limits": {"drafts_per_run": 100_000},
    }
)
COMPANIES = ["Northwind Automation", "Helix Dynamics Inc.", "Globex", "Cobalt Systems GmbH"]
# (share, what happens after the InMail); the rest simply never answered.
STORIES = [
    (0.15, "replied"),
    (0.03, "hired"),
    (0.05, "bounced"),
    (0.03, "declined"),
    (0.01, "opt_out"),
    (0.01, "out_of_office"),
    (0.05, "not_due"),
    (0.02, "too_old"),
]


def build_store(folder: Path, threads: int, seed: int = 847) -> str:
    """A migrated SQLite store holding `threads` threads; returns its URL."""
    path = folder / f"store-{threads}.db"
    open_store(str(path)).dispose()  # creates the schema through the migrations
    rng = random.Random(seed)
    candidates, touchpoints, thread_rows, suppressions = [], [], [], []
    for n in range(threads):
        cid, story = f"c-{n:06d}", _story(rng.random())
        age = {"not_due": 3.0, "too_old": 40.0}.get(story, rng.uniform(7.5, 27.0))
        sent = NOW - timedelta(days=age)
        status = {"hired": "hired", "declined": "declined"}.get(story, "prospect")
        email = f"person.{n}@gmail.com" if rng.random() < 0.55 else None
        linkedin = f"https://www.linkedin.com/in/person-{n}" if rng.random() < 0.9 else None
        candidates.append(
            (cid, f"Person {n}", "Person", email, linkedin, rng.choice(COMPANIES), "Engineer")
            + (None, None, status, 0, None)
        )
        if email and rng.random() < 0.01:  # on the team's outside do-not-contact list
            suppressions.append((f"s-{n}", email, "Unsubscribed", "import"))
        delivery = "bounced" if story == "bounced" else "delivered"
        role = f"r-{n % 20}"
        initial = (f"t-{n}", cid, role, "sam", "inmail", "outbound", sent, delivery)
        touchpoints.append(initial + ("Robotics at Acme", "Hi, would you like to build robots?"))
        thread_rows.append(
            (thread_key(cid, role, "inmail"), cid, role, "inmail", "sam", f"t-{n}", sent)
            + ("waiting", "[]")
        )
        answer = {
            "replied": "Yes, let's talk next week.",
            "opt_out": "Please stop contacting me.",
            "out_of_office": "Automatic reply: out of the office until 1 December 2025.",
        }.get(story)
        if answer:
            at = sent + timedelta(hours=rng.uniform(1, 48))
            touchpoints.append(
                (f"t-{n}-in", cid, role, "sam", "email", "inbound", at, None, "Re:", answer)
            )
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "INSERT INTO recruiter (recruiter, name, status) VALUES ('sam', 'Sam Carter', 'active')"
        )
        conn.executemany(
            "INSERT INTO role (role_id, title, status) VALUES (?, ?, 'open')",
            [(f"r-{i}", f"Engineer {i}") for i in range(20)],
        )
        conn.executemany(
            "INSERT INTO candidate (candidate_id, full_name, first_name, email, linkedin_url,"
            " company, title, location, timezone, ats_status, do_not_contact, notes)"
            f" VALUES ({_marks(12)})",
            candidates,
        )
        conn.executemany(
            "INSERT INTO touchpoint (touchpoint_id, candidate_id, role_id, recruiter, channel,"
            " direction, occurred_at, delivery, subject, body)"
            f" VALUES ({_marks(10)})",
            [tp[:6] + (tp[6].isoformat(sep=" "),) + tp[7:] for tp in touchpoints],
        )
        conn.executemany(
            "INSERT INTO suppression (key, email, reason, source) VALUES (?, ?, ?, ?)",
            suppressions,
        )
        conn.executemany(
            "INSERT INTO thread (thread_id, candidate_id, role_id, channel, recruiter,"
            f" initial_touchpoint_id, initial_at, state, reasons) VALUES ({_marks(9)})",
            [t[:6] + (t[6].isoformat(sep=" "),) + t[7:] for t in thread_rows],
        )
    conn.close()
    return f"sqlite:///{path}"


def _story(roll: float) -> str:
    for share, story in STORIES:
        if roll < share:
            return story
        roll -= share
    return "never_answered"


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def timed(label: str, work, profile: bool = False):
    """Run `work()` once; print and return ((wall s, cpu s), result).

    CPU time is printed too: on a busy machine it moves far less than wall time.
    """
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
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    return seconds, result


def run_scheduler(url: str, profile: bool = False) -> tuple[tuple[float, float], int]:
    engine = open_store(url)
    seconds, report = timed(
        f"scheduler, {url.rsplit('-', 1)[1][:-3]} threads",
        lambda: schedule(engine, SETTINGS, NOW),
        profile,
    )
    engine.dispose()
    return seconds, report.created


def day_of_changes(url: str, threads: int, share: float, seed: int = 848) -> int:
    """Give `share` of the candidates something new, as a day's import does; returns how many."""
    rng = random.Random(seed)
    chosen = rng.sample(range(threads), max(1, int(threads * share)))
    later = NOW + timedelta(hours=2)
    touchpoints, statuses = [], []
    for n in chosen:
        cid, kind = f"c-{n:06d}", rng.random()
        if kind < 0.6:
            answer = "Yes, let's talk." if kind < 0.5 else "Please stop contacting me."
            touchpoints.append((f"t-{n}-day", cid, f"r-{n % 20}", "sam", "email", "inbound"))
            touchpoints[-1] += (later.isoformat(sep=" "), None, "Re:", answer)
        else:
            statuses.append(("active" if kind < 0.8 else "declined", cid))
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    with conn:
        conn.executemany(
            "INSERT INTO touchpoint (touchpoint_id, candidate_id, role_id, recruiter, channel,"
            f" direction, occurred_at, delivery, subject, body) VALUES ({_marks(10)})",
            touchpoints,
        )
        conn.executemany("UPDATE candidate SET ats_status = ? WHERE candidate_id = ?", statuses)
    conn.close()
    return len(chosen)


def outcome(url: str) -> tuple[list, list]:
    """Thread states and drafts, as a run leaves them (ids and run ids left out)."""
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    threads = conn.execute(
        "SELECT thread_id, state, reasons, hold_until, problem FROM thread ORDER BY 1"
    ).fetchall()
    drafts = conn.execute(
        "SELECT thread_id, step, status, body FROM draft ORDER BY thread_id, step"
    ).fetchall()
    conn.close()
    return threads, drafts


def run_after_a_day(folder: Path, url: str, threads: int, share: float):
    """The incremental run after a day's changes, and a full run of a copy of the same store."""
    changed = day_of_changes(url, threads, share)
    copy = folder / "full-copy.db"
    shutil.copyfile(url.removeprefix("sqlite:///"), copy)
    copy_url = f"sqlite:///{copy}"
    later = NOW + timedelta(hours=3)
    timings = {}
    for label, target, full in (("incremental", url, False), ("full", copy_url, True)):
        engine = open_store(target)
        timings[label], report = timed(
            f"{label} schedule after {changed} candidates changed",
            lambda engine=engine, full=full: schedule(engine, SETTINGS, later, full=full),
        )
        engine.dispose()
        print(f"    decided {report.decided} threads, created {report.created} drafts")
    same = outcome(url) == outcome(copy_url)
    return timings["incremental"], timings["full"], same


def run_floor(folder: Path, count: int) -> tuple[float, float]:
    """Plain jinja2 + sqlite3 executemany: the least work that writes `count` bodies."""
    env = jinja2.Environment(trim_blocks=True, undefined=jinja2.StrictUndefined)
    template = env.from_string((BUILTIN_TEMPLATES / "inmail.j2").read_text(encoding="utf-8"))
    variables = [
        {
            "candidate": {"first_name": "Person", "full_name": f"Person {n}", "title": "Engineer"},
            "role": {"title": f"Engineer {n % 20}", "location": ""},
            "recruiter": {"name": "Sam Carter"},
            "company": {"name": "Acme Robotics"},
            "days_since": 10,
            "initial": {"sent_on": "29 October"},
        }
        for n in range(count)
    ]
    conn = sqlite3.connect(folder / "floor.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE draft (id INTEGER PRIMARY KEY, thread_id TEXT, status TEXT, body TEXT,"
        " created_at TEXT)"
    )
    created = NOW.isoformat(sep=" ")

    def work() -> None:
        rows = [
            (f"c-{n:06d}:r-{n % 20}:inmail", "pending", template.render(v).strip(), created)
            for n, v in enumerate(variables)
        ]
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO draft (thread_id, status, body, created_at) VALUES (?, ?, ?, ?)", rows
        )
        conn.execute("COMMIT")

    seconds, _ = timed(f"floor: plain jinja2 + executemany, {count} bodies", work)
    conn.close()
    return seconds


def run_naive(url: str, threads: int) -> tuple[float, float]:
    """Per-row ORM: a query per thread for each thing the rules look at, add per draft."""
    engine = open_store(url)
    book = TemplateBook(SETTINGS)

    def work() -> int:
        created = 0
        with Session(engine) as session:
            for thread in session.exec(select(models.Thread)).all():
                candidate = session.get(models.Candidate, thread.candidate_id)
                touchpoints = session.exec(
                    select(models.Touchpoint)
                    .where(models.Touchpoint.candidate_id == thread.candidate_id)
                    .order_by(models.Touchpoint.occurred_at)
                ).all()
                suppressions = session.exec(
                    select(models.Suppression).where(
                        (models.Suppression.candidate_id == thread.candidate_id)
                        | (models.Suppression.email == (candidate.email or "").casefold())
                    )
                ).all()
                views = [
                    TouchpointView(*(getattr(t, k) for k in TouchpointView.__slots__))
                    for t in touchpoints
                ]
                snapshot = Snapshot(
                    SETTINGS,
                    NOW,
                    {candidate.candidate_id: CandidateView(**candidate.model_dump())},
                    {thread.role_id: session.get(models.Role, thread.role_id)},
                    {thread.recruiter: session.get(models.Recruiter, thread.recruiter)},
                    {thread.candidate_id: views},
                    {thread.candidate_id: list(suppressions)},
                    {},
                    {},
                )
                ctx = snapshot.context(thread_view(thread))
                if blocking_flags(ctx) or due_at(ctx) > NOW:
                    continue
                text = book.render(ctx)
                session.add(
                    models.FollowUpDraft(
                        thread_id=thread.thread_id,
                        candidate_id=thread.candidate_id,
                        role_id=thread.role_id,
                        recruiter=thread.recruiter,
                        channel=thread.channel,
                        body=text.body,
                        original_body=text.body,
                        template=text.template,
                        created_at=NOW,
                    )
                )
                thread.state = "drafted"
                session.add(thread)
                created += 1
            session.commit()
        return created

    seconds, _ = timed(f"naive per-row SQLModel loop, {threads} threads", work)
    engine.dispose()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--naive", type=int, default=5_000)
    parser.add_argument("--change", type=float, default=0.01, help="share changed after a day")
    parser.add_argument("--profile", action="store_true", help="cProfile the full-size run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="followups-bench-") as tmp:
        folder = Path(tmp)
        print("setting up (not timed) ...", flush=True)
        urls = {n: build_store(folder, n) for n in {args.small, args.threads, args.naive}}
        print("timed:")
        small, _ = run_scheduler(urls[args.small])
        full, created = run_scheduler(urls[args.threads], args.profile)
        floor = run_floor(folder, created)
        naive = run_naive(urls[args.naive], args.naive)
        after = run_after_a_day(folder, urls[args.threads], args.threads, args.change)
    scale = args.threads / args.naive
    growth = args.threads / args.small
    print()
    print(f"drafts created at {args.threads} threads: {created}")
    for i, kind in enumerate(("wall", "cpu")):
        print(
            f"{kind:>4}: scheduler / floor {full[i] / floor[i]:.2f}x (goal: at most 3x); "
            f"growth {args.small} -> {args.threads} threads {full[i] / small[i]:.1f}x "
            f"(linear: {growth:.0f}x); naive loop extrapolated from {args.naive} threads "
            f"{naive[i] * scale:.1f} s ({naive[i] * scale / full[i]:.0f}x the scheduler)"
        )
    incremental, everything, same = after
    for i, kind in enumerate(("wall", "cpu")):
        print(
            f"{kind:>4}: after {args.change:.0%} changed, incremental / full run "
            f"{incremental[i] / everything[i]:.3f}x (goal: at most 0.15x)"
        )
    print(f"incremental and full runs end alike: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
