"""An incremental `schedule` decides exactly what a full one would, whatever happened between runs.

Two stores receive the same story: random imports (new messages, replies, opt-outs,
automatic replies, ATS status and company changes, roles and recruiters changing status),
suppressions added and taken off, bounces, people forgotten, drafts approved, rejected
and sent, and `schedule` runs
at random moments. One store is scheduled incrementally, the other with `--full` every
time: since the first equals the second after each run, the second is a fresh full run
on a copy of the first's data. After every run the thread states, reasons, hold dates,
thread-level flags, drafts and the run's report must be the same.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from builders import NOW, Team, make_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from send_team import run_send
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from drafts import lifecycle
from drafts.writing.scheduler import schedule
from store import FollowupsError, models
from store.db import open_store
from store.erasure import forget
from store.importer import import_export
from store.mailbox import block_address
from store.suppressions import add_entry, remove_entry
from tests.support.postgres import PG_SKIP, postgres_url

CANDIDATES = ["c-0", "c-1", "c-2"]
ROLES = ["r-0", "r-1"]
RECRUITERS = ["sam", "kim"]
TEXTS = {
    "ours": "Hello from Acme Robotics.",
    "answer": "Thanks, happy to talk next week.",
    "opt_out": "Please stop contacting me.",
    "away": "Automatic reply: I am out of the office until 1 December 2025.",
    "away_undated": "Out of office: back soon.",
}
START = NOW - timedelta(days=30)


def _settings(outbox: Path):
    # A small per-run cap, so runs hold threads for the next one (held_by_run_cap).
    return make_settings(
        limits={"drafts_per_run": 2},
        send={"from": "Acme <talent@acme-robotics.com>", "email_transport": "outbox"}
        | {"inmail_transport": "outbox", "outbox_dir": str(outbox)},
    )


days = st.integers(min_value=0, max_value=40 * 24 * 60).map(lambda m: timedelta(minutes=m))
touch = st.fixed_dictionaries(
    {
        "candidate": st.sampled_from(CANDIDATES),
        "role": st.sampled_from([*ROLES, None]),
        "recruiter": st.sampled_from(RECRUITERS),
        "channel": st.sampled_from(["inmail", "inmail", "email", "phone"]),
        "direction": st.sampled_from(["outbound", "outbound", "inbound"]),
        "text": st.sampled_from(sorted(TEXTS)),
        "delivery": st.sampled_from(["delivered"] * 6 + ["bounced"]),
        "ago": days,
    }
)
person = st.fixed_dictionaries(
    {
        "candidate": st.sampled_from(CANDIDATES),
        "ats_status": st.sampled_from(["prospect"] * 6 + ["active", "hired", "declined"]),
        "do_not_contact": st.sampled_from([False] * 8 + [True]),
        "company": st.sampled_from(["Northwind Automation"] * 5 + ["Globex", "Acme", "Initech"]),
        "email": st.sampled_from([None, "x@gmail.com", "y@gmail.com"]),
    }
)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("touch"), st.lists(touch, min_size=1, max_size=3)),
        st.tuples(st.just("person"), person),
        st.tuples(st.just("role"), st.sampled_from(ROLES), st.sampled_from(["open", "closed"])),
        st.tuples(
            st.just("recruiter"), st.sampled_from(RECRUITERS), st.sampled_from(["active", "paused"])
        ),
        st.tuples(
            st.just("suppress"), st.sampled_from(CANDIDATES), st.sampled_from(["id", "mail"])
        ),
        st.tuples(st.just("unsuppress"), st.integers(0, 3)),
        st.tuples(st.just("review"), st.integers(0, 3), st.sampled_from(["approve", "reject"])),
        st.tuples(st.just("send")),
        st.tuples(st.just("bounce"), st.sampled_from(["c-0@gmail.com", "x@gmail.com"])),
        st.tuples(st.just("forget"), st.sampled_from(CANDIDATES)),
        st.tuples(st.just("run"), days, st.booleans(), st.sampled_from([None, None, 1])),
        st.tuples(st.just("run"), days, st.booleans(), st.sampled_from([None, None, 1])),
    ),
    min_size=1,
    max_size=10,
)


class Story:
    """One store living through the steps; `full` says how its runs schedule.

    Every import is the whole export as the ATS holds it now (as ATS exports are): what
    did not change is written again unchanged, and must not make the next run look at it.
    """

    def __init__(self, engine, folder: Path, full: bool):
        self.engine, self.folder, self.full = engine, folder, full
        self.settings = _settings(folder / "outbox")
        self.imports = 0
        self.recruiters = dict.fromkeys(RECRUITERS, "active")
        self.roles = dict.fromkeys(ROLES, "open")
        self.people = {cid: {"email": f"{cid}@gmail.com"} for cid in CANDIDATES}
        self.touchpoints: list[tuple] = [
            (cid, START - timedelta(days=3 * n), {"role_id": ROLES[n % 2], "recruiter": "sam"})
            for n, cid in enumerate(CANDIDATES)
        ]

    def load(self, now) -> None:
        """Import the whole export as it stands, through the real importer."""
        team = Team()
        for handle, status in self.recruiters.items():
            team.recruiter(handle, status)
        for role_id, status in self.roles.items():
            team.role(role_id, status)
        for cid, fields in self.people.items():
            team.candidate(cid, **fields)
        for cid, at, fields in self.touchpoints:
            team.touch(cid, at, **fields)
        self.imports += 1
        import_export(self.engine, team.write(self.folder / f"import-{self.imports}"), now=now)

    def apply(self, step: tuple, now) -> None:
        """Do one step of the story to this store."""
        kind = step[0]
        if kind == "touch":
            for t in step[1]:
                fields = {
                    "role_id": t["role"],
                    "recruiter": t["recruiter"],
                    "channel": t["channel"],
                    "direction": t["direction"],
                    "body": TEXTS[t["text"]],
                    "delivery": t["delivery"] if t["direction"] == "outbound" else None,
                }
                self.touchpoints.append((t["candidate"], now - t["ago"], fields))
        elif kind == "person":
            fields = dict(step[1])
            self.people[fields.pop("candidate")].update(fields)
        elif kind == "role":
            self.roles[step[1]] = step[2]
        elif kind == "recruiter":
            self.recruiters[step[1]] = step[2]
        elif kind == "send":
            run_send(self.engine, self.settings, now)
        elif kind == "forget":
            with contextlib.suppress(FollowupsError):  # erased already: the same on both
                forget(self.engine, step[1], actor="dana", at=now)
        else:
            with self.engine.begin() as conn:
                self._by_hand(conn, step, now)
        if kind in ("touch", "person", "role", "recruiter"):
            self.load(now)

    def _by_hand(self, conn, step: tuple, now) -> None:
        kind = step[0]
        if kind == "bounce":
            block_address(conn, step[1], at=now, source="report", reason="550 no such user")
        elif kind == "suppress":
            cid = step[1]
            who = {"candidate_id": cid} if step[2] == "id" else {"email": f"{cid}@gmail.com"}
            add_entry(conn, **who, reason="asked", source="manual", by="rita", at=now)
        elif kind == "unsuppress":
            s = models.Suppression.__table__
            keys = list(conn.execute(select(s.c.key).order_by(s.c.key)).scalars())
            if keys:
                remove_entry(conn, keys[step[1] % len(keys)], by="rita", at=now)
        else:
            d = models.FollowUpDraft.__table__
            pending = conn.execute(
                select(d).where(d.c.status == "pending").order_by(d.c.thread_id, d.c.step)
            ).mappings()
            rows = [dict(r) for r in pending]
            if rows:
                row = rows[step[1] % len(rows)]
                if step[2] == "approve":
                    lifecycle.approve(conn, row, reviewer="rita", at=now)
                else:
                    lifecycle.reject(conn, row, reviewer="rita", at=now, reason="not now")

    def run(self, now, dry_run: bool, limit: int | None = None) -> dict:
        """Schedule at `now`; what the run reported and what the store holds after it."""
        report = schedule(
            self.engine, self.settings, now, dry_run=dry_run, limit=limit, full=self.full
        )
        document = report.as_json()
        for key in ("full", "decided", "now"):
            document.pop(key)
        return {"report": document, "store": outcome(self.engine)}


def outcome(engine) -> dict:
    """What a run decides, as the store holds it (ids and run ids left out)."""
    t, f, d = (m.__table__ for m in (models.Thread, models.Flag, models.FollowUpDraft))
    with engine.connect() as conn:
        threads = conn.execute(
            select(t.c.thread_id, t.c.state, t.c.reasons, t.c.hold_until, t.c.problem)
        ).all()
        flags = conn.execute(
            select(f.c.thread_id, f.c.code, f.c.message).where(f.c.draft_id.is_(None))
        ).all()
        drafts = conn.execute(
            select(d.c.thread_id, d.c.step, d.c.status, d.c.subject, d.c.body, d.c.cancel_codes)
        ).all()
    return {
        "threads": sorted(tuple(map(str, r)) for r in threads),
        "flags": sorted(tuple(r) for r in flags),
        "drafts": sorted(tuple(map(str, r)) for r in drafts),
    }


def play(incremental: Story, full: Story, steps: list[tuple]) -> None:
    now = START
    for story in (incremental, full):
        story.load(now)
        story.run(now, dry_run=False)
    for step in steps:
        if step[0] == "run":
            now += step[1]
            got, expected = (s.run(now, step[2], step[3]) for s in (incremental, full))
            assert got == expected, (step, now)
            continue
        for story in (incremental, full):
            story.apply(step, now)


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory) -> Path:
    """One migrated, empty SQLite file; each store starts from a copy of it."""
    path = tmp_path_factory.mktemp("template") / "empty.db"
    open_store(str(path)).dispose()
    return path


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_incremental_runs_equal_full_runs_on_sqlite(empty_store, steps):
    with tempfile.TemporaryDirectory() as tmp:
        stories = []
        for name in ("incremental", "full"):
            folder = Path(tmp) / name
            folder.mkdir()
            shutil.copyfile(empty_store, folder / "store.db")
            engine = open_store(str(folder / "store.db"))
            stories.append(Story(engine, folder, full=name == "full"))
        try:
            play(*stories, steps)
        finally:
            for story in stories:
                story.engine.dispose()


@contextmanager
def _pg_store(base: str):
    schema = f"followups_incr_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    engine = open_store(url.render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=steps)
def test_incremental_runs_equal_full_runs_on_postgresql(steps):
    base = postgres_url()
    if base is None:
        pytest.skip(PG_SKIP)
    with tempfile.TemporaryDirectory() as tmp, _pg_store(base) as one, _pg_store(base) as two:
        stories = []
        for name, engine in (("incremental", one), ("full", two)):
            folder = Path(tmp) / name
            folder.mkdir()
            stories.append(Story(engine, folder, full=name == "full"))
        play(*stories, steps)


def test_a_run_decides_only_what_changed_since_the_last(engine, tmp_path):
    story = Story(engine, tmp_path, full=False)
    later = START + timedelta(days=10)
    story.load(later)
    first = schedule(engine, story.settings, later)
    # Three threads due, two drafted (the per-run cap), one held for the next run.
    assert first.full and first.decided == 3 and first.created == 2
    second = schedule(engine, story.settings, later)
    assert not second.full and second.decided == 1 and second.created == 1
    # Its own drafts do not make the next run look again; nor does the same export again.
    assert schedule(engine, story.settings, later).decided == 0
    story.load(later)
    again = schedule(engine, story.settings, later)
    assert again.decided == 0 and again.already_drafted == 3
    # One new reply: only that person is decided again, and their draft is cancelled.
    story.apply(("touch", [_reply("c-1")]), later)
    third = schedule(engine, story.settings, later)
    assert third.decided == 1 and third.cancelled == 1
    assert third.as_json()["suppressed"] == {"replied": 1} and third.already_drafted == 2
    # `--full` decides everything, and finds the same.
    assert schedule(engine, story.settings, later, full=True).as_json() | {"decided": 1} == (
        third.as_json() | {"cancelled": 0, "full": True}
    )


def _reply(candidate_id: str) -> dict:
    return {
        "candidate": candidate_id,
        "role": None,
        "recruiter": "sam",
        "channel": "email",
        "direction": "inbound",
        "text": "answer",
        "delivery": None,
        "ago": timedelta(0),
    }
