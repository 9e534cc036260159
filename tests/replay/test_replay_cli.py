"""`followups replay` as a user runs it: harms, --against, --json, bad dates, no writes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import SQLModel

from store.db import open_store
from store.importer import thread_key
from tests.drafts.builders import followups, make_settings, write_config
from tests.replay.teams import DAY, at, drafted, load, run, status, team


def harmful_team():
    """One person per kind of harm the naive automation does, and one it does not."""
    export = team()
    due = at(5, 8) - 7 * DAY  # every initial message: its week runs out on 5 November
    for cid in ("plain", "phoned", "answered", "bounced", "interviewing", "paused", "later"):
        export.candidate(cid)
    export.touch("plain", due)
    export.touch("phoned", due)
    export.touch("phoned", at(3, 15), direction="inbound", channel="phone", role_id=None)
    export.touch("answered", due)  # answered the InMail itself: the automation saw that
    export.touch("answered", at(2, 15), direction="inbound")
    export.touch("bounced", due, delivery="bounced")
    export.touch("interviewing", due)
    status(export, "interviewing", "prospect", due)
    status(export, "interviewing", "active", at(4, 12))
    export.touch("paused", due, recruiter="kim")
    export.files["recruiters.csv"][1]["status"] = "paused"
    export.touch("later", due)  # replied only after the automation had written
    export.touch("later", at(6, 10), direction="inbound", channel="email", role_id=None)
    return export


def test_naive_harms_are_counted_by_code_with_examples(engine, tmp_path):
    load(engine, harmful_team(), tmp_path / "x")
    report = run(engine, naive=True)
    naive = report.run("naive")
    assert set(drafted(report, "naive")) == {
        thread_key(c, "r-1", "inmail")
        for c in ("plain", "phoned", "bounced", "interviewing", "paused", "later")
    }
    assert set(drafted(report, "naive").values()) == {"2025-11-05"}
    assert dict(naive.harms()) == {
        "replied": 1,
        "undelivered": 1,
        "in_process": 1,
        "recruiter_inactive": 1,
    }
    examples = naive.harm_examples()
    assert examples["replied"][0][0].thread_id == thread_key("phoned", "r-1", "inmail")
    assert examples["replied"][0][1].evidence["channel"] == "phone"
    # The configured run follows up only the two nothing blocked, and harms nobody.
    assert set(drafted(report)) == {thread_key(c, "r-1", "inmail") for c in ("plain", "later")}
    assert not report.run("configured").harms()


def test_text_output_names_harms_with_evidence(sqlite_url, tmp_path):
    load(open_store(sqlite_url), harmful_team(), tmp_path / "x")
    done = followups(
        "replay", "--db", sqlite_url, "--from", "2025-11-01", "--to", "2025-11-14", "--naive"
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "configured" in text and "naive" in text
    assert "replied 1" in text and "undelivered 1" in text
    assert "phoned:r-1:inmail (Person phoned): Replied by phone on 2025-11-03" in text
    assert "nothing was written" in text


def test_json_has_exactly_the_contracts_shape(sqlite_url, tmp_path):
    load(open_store(sqlite_url), harmful_team(), tmp_path / "x")
    other = write_config(tmp_path / "three.toml", cadence={"first_followup_after_days": 3})
    done = followups(
        "replay", "--db", sqlite_url, "--from", "2025-11-01", "--to", "2025-11-07",
        "--naive", "--against", str(other), "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert set(document) == {"from", "to", "runs", "differences"}
    assert (document["from"], document["to"]) == ("2025-11-01", "2025-11-07")
    assert [r["name"] for r in document["runs"]] == ["configured", "naive", "against"]
    for entry in document["runs"]:
        assert set(entry) == {"name", "followups", "by_day", "harms"}
        assert list(entry["by_day"]) == [f"2025-11-0{d}" for d in range(1, 8)]
        assert sum(entry["by_day"].values()) == entry["followups"]
    for difference in document["differences"]:
        assert set(difference) == {"thread_id", "in", "reasons"}


def test_against_shows_a_shorter_wait_with_the_right_threads_and_reasons(sqlite_url, tmp_path):
    export = team()
    for cid in ("quick", "slow"):
        export.candidate(cid)
        export.touch(cid, at(2, 8))  # 3 days: due on the 5th; 7 days: on the 9th
    # "slow" answered on the 7th: a 7-day wait never reaches them, a 3-day one does.
    export.touch("slow", at(7, 12), direction="inbound", channel="email", role_id=None)
    load(open_store(sqlite_url), export, tmp_path / "x")
    other = write_config(tmp_path / "three.toml", cadence={"first_followup_after_days": 3})
    done = followups(
        "replay", "--db", sqlite_url, "--from", "2025-11-01", "--to", "2025-11-14",
        "--against", str(other), "--json",
    )  # fmt: skip
    document = json.loads(done.stdout)
    assert document["differences"] == [
        {
            "thread_id": thread_key("slow", "r-1", "inmail"),
            "in": "against",
            "reasons": ["not_due", "replied"],
        }
    ]
    text = followups(
        "replay", "--db", sqlite_url, "--from", "2025-11-01", "--to", "2025-11-14",
        "--against", str(other),
    ).stdout  # fmt: skip
    assert (
        "against only, 2025-11-05: slow:r-1:inmail (Person slow); configured: not_due, replied"
        in text
    )


@pytest.mark.parametrize(
    ("dates", "words"),
    [
        (("2025-13-01", "2025-11-14"), "--from: '2025-13-01' is not a date (YYYY-MM-DD)"),
        (("2025-11-01", "soon"), "--to: 'soon' is not a date (YYYY-MM-DD)"),
        (("2025-11-14", "2025-11-01"), "--to 2025-11-01 is before --from 2025-11-14"),
        (("2020-01-01", "2025-11-01"), "replay covers at most 366 days"),
    ],
)
def test_bad_dates_are_one_clear_line(sqlite_url, tmp_path, dates, words):
    open_store(sqlite_url).dispose()
    done = followups("replay", "--db", sqlite_url, "--from", dates[0], "--to", dates[1])
    assert done.returncode != 0
    assert done.stderr.count("\n") == 1 and words in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def _fingerprint(path: Path) -> tuple:
    files = sorted(p for p in path.parent.iterdir() if p.name.startswith(path.name))
    return tuple((p.name, p.read_bytes(), os.stat(p).st_mtime_ns) for p in files)


def _row_counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in SQLModel.metadata.sorted_tables
        }


def test_replay_writes_nothing_to_a_sqlite_file(sqlite_url, tmp_path):
    engine = open_store(sqlite_url)
    load(engine, harmful_team(), tmp_path / "x")
    counts = _row_counts(engine)
    engine.dispose()
    database = Path(sqlite_url.removeprefix("sqlite:///"))
    before = _fingerprint(database)
    other = write_config(tmp_path / "three.toml", cadence={"first_followup_after_days": 3})
    for extra in ([], ["--naive", "--against", str(other)], ["--naive", "--json"]):
        done = followups(
            "replay", "--db", sqlite_url, "--from", "2025-11-01", "--to", "2025-11-14", *extra
        )
        assert done.returncode == 0, done.stderr
    assert _fingerprint(database) == before
    assert _row_counts(open_store(sqlite_url)) == counts


def test_replay_writes_nothing_on_either_database(engine, tmp_path):
    load(engine, harmful_team(), tmp_path / "x")
    counts = _row_counts(engine)
    other = run(engine, naive=True, against=make_settings(cadence={"max_followups": 2}))
    assert other.run("against") is not None
    assert _row_counts(engine) == counts


def test_names_print_as_text_never_as_markup_or_escapes(sqlite_url, tmp_path):
    export = team().candidate("odd", full_name="[/oops][@click=app.quit]Robin\u202e\x1b[31m")
    export.touch("odd", at(5, 8) - 7 * DAY)
    export.touch("odd", at(3, 15), direction="inbound", channel="phone", role_id=None)
    load(open_store(sqlite_url), export, tmp_path / "x")
    done = followups(
        "replay", "--db", sqlite_url, "--from", "2025-11-01", "--to", "2025-11-14", "--naive"
    )
    assert done.returncode == 0, done.stderr
    assert "([/oops][@click=app.quit]Robin" in done.stdout
    assert "\x1b" not in done.stdout and "\u202e" not in done.stdout
