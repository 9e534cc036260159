"""`followups schedule`: which threads get a draft, which wait, and what the store then holds.

Teams are imported through the real importer; results are read back the way `threads list`
and `drafts list` read them. Most tests run on SQLite and PostgreSQL (the `engine` fixture);
the command-line ones use a SQLite file.
"""

from __future__ import annotations

import json
import os
import pty
from collections import Counter
from pathlib import Path

import pytest
from builders import (
    DAY,
    NOW,
    Team,
    basic_team,
    drafts_of,
    dump,
    followups,
    make_settings,
    threads_by_id,
    write_config,
)
from send_team import approve_all

from drafts.writing.scheduler import schedule
from store import audit
from store.config import DEFAULT_OPT_OUT_LINE
from store.db import open_store
from store.importer import thread_key

NOW_ARG = "2025-11-08T09:00:00Z"


def tid(candidate_id: str, role_id: str = "r-1", channel: str = "inmail") -> str:
    return thread_key(candidate_id, role_id, channel)


def mixed_team() -> Team:
    """One candidate per outcome: due, not yet due, replied, hired, bounced."""
    team = basic_team("c-due", "c-replied", "c-hired", "c-bounced")
    team.candidate("c-new").touch("c-new", NOW - 3 * DAY)
    team.touch(
        "c-replied",
        NOW - 8 * DAY,
        direction="inbound",
        channel="email",
        body="Yes!",
        touchpoint_id="tp-reply",
    )
    team.files["candidates.csv"][2]["ats_status"] = "hired"
    team.files["touchpoints.csv"][3]["delivery"] = "bounced"
    return team


def test_drafts_only_for_due_threads_nothing_blocks(engine, tmp_path):
    mixed_team().load(engine, tmp_path)
    report = schedule(engine, make_settings(), NOW)

    assert report.created == 1
    assert report.suppressed == Counter({"replied": 1, "employee": 1, "undelivered": 1})
    assert report.not_due == 1
    (draft,) = drafts_of(engine)
    assert (draft["thread_id"], draft["status"], draft["flags"]) == (tid("c-due"), "pending", [])
    assert "Hi Person" in draft["body"] and "Sam Carter" in draft["body"]
    states = {t: (v["state"], v["reasons"]) for t, v in threads_by_id(engine).items()}
    assert states == {
        tid("c-due"): ("drafted", []),
        tid("c-new"): ("waiting", ["not_due"]),
        tid("c-replied"): ("suppressed", ["replied"]),
        tid("c-hired"): ("suppressed", ["employee"]),
        tid("c-bounced"): ("suppressed", ["undelivered"]),
    }


def test_a_suppressed_thread_shows_why_with_evidence(engine, tmp_path):
    mixed_team().load(engine, tmp_path)
    schedule(engine, make_settings(), NOW)
    replied = threads_by_id(engine)[tid("c-replied")]
    (flag,) = replied["flags"]
    assert (flag["code"], flag["severity"]) == ("replied", "block")
    assert flag["evidence"]["touchpoint_id"] == "tp-reply"
    assert flag["evidence"]["occurred_at"] == "2025-10-31T09:00:00+00:00"
    assert flag["evidence"]["quote"] == "Yes!"
    assert flag["evidence"]["channel"] == "email"


def two_threads_for_one_candidate() -> Team:
    team = Team().recruiter("sam").recruiter("kim").role("r-1").role("r-2")
    team.candidate("c-1", email="c-1@example.test")
    team.touch("c-1", NOW - 12 * DAY)
    team.touch("c-1", NOW - 9 * DAY, channel="email", role_id="r-2", recruiter="kim")
    return team


def test_one_pending_draft_per_candidate(engine, tmp_path):
    two_threads_for_one_candidate().load(engine, tmp_path)
    report = schedule(engine, make_settings(), NOW)

    assert report.created == 1
    (draft,) = drafts_of(engine)
    assert draft["thread_id"] == tid("c-1", "r-2", "email")  # the most recent initial message
    (warning,) = draft["flags"]
    assert warning["code"] == "other_threads"
    assert warning["evidence"] == {"threads": [tid("c-1")]}
    other = threads_by_id(engine)[tid("c-1")]
    assert (other["state"], other["reasons"]) == ("waiting", ["other_threads"])
    assert other["flags"][0]["evidence"] == {"drafted_thread": tid("c-1", "r-2", "email")}

    # The next day the first draft is still pending: the other thread still waits.
    assert schedule(engine, make_settings(), NOW + DAY).created == 0
    assert len(drafts_of(engine)) == 1


def test_running_again_at_the_same_moment_creates_nothing(engine, tmp_path):
    mixed_team().load(engine, tmp_path)
    schedule(engine, make_settings(), NOW)
    before = dump(engine)
    again = schedule(engine, make_settings(), NOW)

    assert again.created == 0
    assert again.already_drafted == 1
    after = dump(engine)
    assert len(after["decision"]) == len(before["decision"]) + 1  # the run's audit entry
    assert {k: v for k, v in after.items() if k != "decision"} == {
        k: v for k, v in before.items() if k != "decision"
    }


def test_a_draft_for_someone_who_since_replied_is_cancelled(engine, tmp_path):
    team = basic_team("c-1")
    team.load(engine, tmp_path / "first")
    schedule(engine, make_settings(), NOW)
    team.touch("c-1", NOW + DAY, direction="inbound", channel="sms", body="Call me!")
    team.load(engine, tmp_path / "second")

    report = schedule(engine, make_settings(), NOW + 2 * DAY)
    (draft,) = drafts_of(engine)
    assert draft["status"] == "cancelled"
    assert draft["cancel_codes"] == ["replied"]
    assert report.cancelled == 1
    thread = threads_by_id(engine)[tid("c-1")]
    assert (thread["state"], thread["reasons"]) == ("suppressed", ["replied"])


def test_a_thread_whose_initial_message_moved_is_reported_not_a_crash(engine, tmp_path):
    team = basic_team("c-1")
    team.load(engine, tmp_path / "first")
    # A later export gives that touchpoint id to another candidate.
    team.candidate("c-2")
    team.files["touchpoints.csv"][0]["candidate_id"] = "c-2"
    team.load(engine, tmp_path / "second")

    report = schedule(engine, make_settings(), NOW)
    assert report.created == 1
    assert [d["candidate_id"] for d in drafts_of(engine)] == ["c-2"]
    stale = threads_by_id(engine)[tid("c-1")]
    assert (stale["state"], stale["reasons"]) == ("waiting", ["initial_missing"])
    assert "tp-00001" in stale["problem"] and "re-import" in stale["problem"]
    assert report.problems == [{"thread_id": tid("c-1"), "error": stale["problem"]}]


def ten_due(engine, tmp_path) -> None:
    team = Team().recruiter("sam").role("r-1")
    for n in range(10):
        team.candidate(f"c-{n}").touch(f"c-{n}", NOW - (8 + n) * DAY)
    team.load(engine, tmp_path)


def drafted_candidates(engine) -> list[str]:
    return sorted(d["candidate_id"] for d in drafts_of(engine))


def test_sample_drafts_n_seeded_and_leaves_the_rest_waiting(engine, tmp_path):
    ten_due(engine, tmp_path / "a")
    report = schedule(engine, make_settings(), NOW, sample=3)
    assert report.created == 3
    assert report.waiting == Counter({"held_by_sample": 7})
    picked = drafted_candidates(engine)
    held = [t for t in threads_by_id(engine).values() if t["reasons"] == ["held_by_sample"]]
    assert len(held) == 7 and all(t["state"] == "waiting" for t in held)

    # The same seed on another store picks the same people; another seed, others.
    other = open_store(str(tmp_path / "other.db"))
    ten_due(other, tmp_path / "b")
    schedule(other, make_settings(), NOW, sample=3)
    assert drafted_candidates(other) == picked
    other.dispose()
    another = open_store(str(tmp_path / "another.db"))
    ten_due(another, tmp_path / "c")
    schedule(another, make_settings(), NOW, sample=3, seed=1)
    assert len(drafted_candidates(another)) == 3
    assert drafted_candidates(another) != picked
    another.dispose()


def test_limit_drafts_the_oldest_first(engine, tmp_path):
    ten_due(engine, tmp_path)
    report = schedule(engine, make_settings(), NOW, limit=2)
    assert report.created == 2
    assert drafted_candidates(engine) == ["c-8", "c-9"]
    assert report.waiting == Counter({"held_by_limit": 8})


def test_the_run_cap_stops_the_run_and_says_so(engine, tmp_path):
    ten_due(engine, tmp_path)
    report = schedule(engine, make_settings(limits={"drafts_per_run": 4}), NOW)
    assert (report.created, report.held_by_cap, report.cap) == (4, 6, 4)
    waiting = [t for t in threads_by_id(engine).values() if t["state"] == "waiting"]
    assert {tuple(t["reasons"]) for t in waiting} == {("held_by_run_cap",)}
    assert len(waiting) == 6
    # The next run drafts the rest (still under the cap).
    assert schedule(engine, make_settings(limits={"drafts_per_run": 4}), NOW).created == 4


def test_dry_run_writes_nothing(engine, tmp_path):
    mixed_team().load(engine, tmp_path)
    before = dump(engine)
    report = schedule(engine, make_settings(), NOW, dry_run=True)
    assert dump(engine) == before
    assert report.created == 1
    (would,) = report.as_json()["drafts"]
    assert would["thread_id"] == tid("c-due")
    assert "Hi Person" in would["body"]


def test_automation_off_creates_nothing(engine, tmp_path):
    mixed_team().load(engine, tmp_path)
    with engine.begin() as conn:
        audit.set_automation(conn, enabled=False, actor="lead")
    before = dump(engine)
    report = schedule(engine, make_settings(), NOW)
    assert not report.automation_on
    assert report.created == 0
    assert dump(engine) == before


# --------------------------------------------------------------------------- templates


def with_template(tmp_path: Path, text: str, name: str = "inmail.j2") -> object:
    folder = tmp_path / "templates"
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return make_settings(drafting={"templates_dir": str(folder)})


BROKEN = {
    "undefined": (
        "Hi {{ candidate.first_name }},\n\nAbout {{ role.title }}.\n{{ candidate.nickname }}\n",
        "line 4",
    ),
    "syntax": ("Hi {{ candidate.first_name }},\n{% if role.title %}\nno end\n", "line 3"),
}


@pytest.mark.parametrize("kind", BROKEN)
def test_a_template_error_never_yields_a_draft(engine, tmp_path, kind):
    text, line = BROKEN[kind]
    basic_team("c-1").load(engine, tmp_path)
    report = schedule(engine, with_template(tmp_path, text), NOW)

    assert report.created == 0
    assert drafts_of(engine) == []
    thread = threads_by_id(engine)[tid("c-1")]
    assert (thread["state"], thread["reasons"]) == ("waiting", ["template_error"])
    assert "inmail.j2" in thread["problem"] and line in thread["problem"]
    assert report.template_errors == [{"thread_id": tid("c-1"), "error": thread["problem"]}]


def test_a_role_template_is_preferred(engine, tmp_path):
    basic_team("c-1").load(engine, tmp_path)
    settings = with_template(
        tmp_path, "For r-1 only, {{ candidate.first_name }}.", "roles/r-1/inmail.j2"
    )
    schedule(engine, settings, NOW)
    (draft,) = drafts_of(engine)
    # The team's text, then the opt-out line every draft ends with ([send] opt_out_line).
    assert draft["body"] == f"For r-1 only, Person.\n\n{DEFAULT_OPT_OUT_LINE}"


def test_a_placeholder_left_in_the_text_is_flagged(engine, tmp_path):
    basic_team("c-1").load(engine, tmp_path)
    schedule(engine, with_template(tmp_path, "Hi [Name], still keen on {{ role.title }}?"), NOW)
    (draft,) = drafts_of(engine)
    (flag,) = draft["flags"]
    assert (flag["code"], flag["severity"]) == ("placeholder", "warn")
    assert flag["evidence"]["placeholders"] == ["[Name]"]


# --------------------------------------------------------------------------- the command


@pytest.fixture
def cli_store(tmp_path) -> tuple[str, str]:
    """A SQLite file holding the mixed team, and a config: (--db, --config)."""
    db = tmp_path / "store.db"
    engine = open_store(str(db))
    mixed_team().load(engine, tmp_path / "export")
    engine.dispose()
    return str(db), str(write_config(tmp_path / "followups.toml"))


def test_schedule_json_is_one_document_even_on_a_terminal(cli_store):
    db, config = cli_store
    # stderr is a terminal (so a progress bar would be drawn there); stdout is a pipe.
    leader, follower = pty.openpty()
    try:
        result = followups(
            "schedule", "--db", db, "--config", config, "--now", NOW_ARG, "--json", stderr=follower
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert result.returncode == 0
    document = json.loads(result.stdout)
    assert document["created"] == 1
    assert document["suppressed"] == {"employee": 1, "replied": 1, "undelivered": 1}
    assert document["not_due"] == 1


def test_schedule_prints_a_summary_per_reason(cli_store):
    db, config = cli_store
    result = followups("schedule", "--db", db, "--config", config, "--now", NOW_ARG)
    assert result.returncode == 0, result.stderr
    assert "created 1 draft(s)" in result.stdout
    assert "replied" in result.stdout and "not due yet: 1" in result.stdout


def test_schedule_with_automation_off_exits_3_and_says_so(cli_store):
    db, config = cli_store
    assert followups("automation", "off", "--db", db, "--as", "lead").returncode == 0
    result = followups("schedule", "--db", db, "--config", config, "--now", NOW_ARG)
    assert result.returncode == 3
    assert "automation is off" in result.stdout
    listed = followups("drafts", "list", "--db", db, "--json")
    assert json.loads(listed.stdout) == []


def test_schedule_at_the_cap_says_how_to_raise_it(cli_store, tmp_path):
    db, _ = cli_store
    config = write_config(tmp_path / "capped.toml", limits={"drafts_per_run": 1})
    team = Team().role("r-1")
    for n in range(3):
        team.candidate(f"x-{n}").touch(f"x-{n}", NOW - 9 * DAY, touchpoint_id=f"tp-x-{n}")
    team.write(tmp_path / "more")
    assert followups("import", str(tmp_path / "more"), "--db", db).returncode == 0
    result = followups("schedule", "--db", db, "--config", str(config), "--now", NOW_ARG)
    assert "created 1 draft(s)" in result.stdout
    assert "per-run cap of 1" in result.stderr and "drafts_per_run" in result.stderr


def test_schedule_dry_run_from_the_command_line(cli_store):
    db, config = cli_store
    result = followups("schedule", "--db", db, "--config", config, "--now", NOW_ARG, "--dry-run")
    assert "would create 1 draft(s)" in result.stdout
    assert "dry run: nothing was written" in result.stdout
    assert json.loads(followups("drafts", "list", "--db", db, "--json").stdout) == []


def test_a_thread_with_an_approved_draft_shows_a_block_that_arrived_since(engine, tmp_path):
    team = basic_team("c-1")
    team.load(engine, tmp_path / "first")
    schedule(engine, make_settings(), NOW)
    approve_all(engine, make_settings())  # through review, as a reviewer approves
    team.files["candidates.csv"][0]["ats_status"] = "hired"
    team.load(engine, tmp_path / "second")

    report = schedule(engine, make_settings(), NOW + DAY)

    thread = threads_by_id(engine)[tid("c-1")]
    assert (thread["state"], thread["reasons"]) == ("suppressed", ["employee"])
    assert report.suppressed == {"employee": 1}
    (draft,) = drafts_of(engine)
    assert draft["status"] == "approved"  # the sender rechecks and cancels it


def test_a_second_run_says_how_much_it_decided_again_and_full_decides_all(cli_store):
    db, config = cli_store
    args = ("schedule", "--db", db, "--config", config, "--now", NOW_ARG)
    first = followups(*args, "--json")
    assert first.returncode == 0, first.stderr
    again = followups(*args)
    assert again.returncode == 0, again.stderr
    # Nothing changed since: nothing decided again, and the store's counts stay.
    assert "decided again: 0 thread(s)" in again.stdout and "not due yet: 1" in again.stdout
    full = json.loads(followups(*args, "--full", "--json").stdout)
    assert full["full"] is True and full["decided"] == json.loads(first.stdout)["decided"]
    assert full["suppressed"] == json.loads(first.stdout)["suppressed"]
