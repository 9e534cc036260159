"""Replay decides each day with only what was true then, through the scheduler's pipeline."""

from __future__ import annotations

import pytest

from drafts.replay.runs import DRAFTED
from store.importer import thread_key
from tests.drafts.builders import make_settings
from tests.replay.teams import DAY, at, drafted, load, run, status, team


def t(candidate_id: str, role_id: str = "r-1", channel: str = "inmail") -> str:
    return thread_key(candidate_id, role_id, channel)


@pytest.mark.parametrize(("reply_at", "followed_up"), [(at(4, 8, 30), False), (at(4, 9, 30), True)])
def test_a_reply_blocks_from_the_moment_it_arrived_only(engine, tmp_path, reply_at, followed_up):
    # Due on 4 November at 08:00; replayed at 09:00 each day.
    export = team().candidate("c1")
    export.touch("c1", at(4, 8) - 7 * DAY)
    export.touch("c1", reply_at, direction="inbound", channel="email", role_id=None)
    load(engine, export, tmp_path / "x")
    report = run(engine)
    assert (t("c1") in drafted(report)) is followed_up
    if followed_up:
        assert drafted(report)[t("c1")] == "2025-11-04"
    else:
        assert report.run("configured").reasons_on(t("c1"), 3) == ("replied",)


@pytest.mark.parametrize(("hired_at", "followed_up"), [(at(6, 8, 30), False), (at(6, 10), True)])
def test_statuses_are_read_as_of_each_day(engine, tmp_path, hired_at, followed_up):
    export = team().candidate("c2", ats_status="hired")
    export.touch("c2", at(6, 8) - 7 * DAY)
    status(export, "c2", "prospect", at(1, 0))
    status(export, "c2", "hired", hired_at)
    load(engine, export, tmp_path / "x")
    report = run(engine)
    assert drafted(report) == ({t("c2"): "2025-11-06"} if followed_up else {})
    if not followed_up:
        assert "employee" in report.run("configured").reasons_on(t("c2"), 5)


def test_one_draft_per_candidate_a_day_and_the_other_thread_the_next_day(engine, tmp_path):
    export = team().candidate("c3")
    export.touch("c3", at(3, 7) - 7 * DAY, role_id="r-1")
    export.touch("c3", at(3, 8) - 7 * DAY, role_id="r-2", recruiter="kim")
    load(engine, export, tmp_path / "x")
    report = run(engine)
    # The most recent initial message first, as the scheduler does; the other waits a day.
    assert drafted(report) == {t("c3", "r-2"): "2025-11-03", t("c3", "r-1"): "2025-11-04"}
    assert report.run("configured").reasons_on(t("c3", "r-1"), 2) == ("other_threads",)


def test_each_follow_up_counts_as_sent_so_the_next_day_sees_it(engine, tmp_path):
    export = team().candidate("c4")
    export.touch("c4", at(2, 7) - 7 * DAY)
    load(engine, export, tmp_path / "x")
    configured = run(engine).run("configured")
    assert [f.day.isoformat() for f in configured.followups] == ["2025-11-02"]
    assert configured.reasons_on(t("c4"), 1) == (DRAFTED,)
    assert configured.reasons_on(t("c4"), 2) == ("followups_exhausted",)
    # With two follow-ups allowed, the second comes only once the first is a week old.
    twice = make_settings(cadence={"max_followups": 2})
    assert [f.day.isoformat() for f in run(engine, twice).run("configured").followups] == [
        "2025-11-02",
        "2025-11-03",
    ]


def test_the_per_run_cap_and_the_daily_limit_hold_the_rest_for_later_days(engine, tmp_path):
    export = team()
    for n in range(3):
        export.candidate(f"c{n}")
        export.touch(f"c{n}", at(2, 7) - 7 * DAY, recruiter="sam")
        export.candidate(f"k{n}")
        export.touch(f"k{n}", at(2, 7) - 7 * DAY, recruiter="kim")
    load(engine, export, tmp_path / "x")
    per_run = run(engine, make_settings(limits={"drafts_per_run": 2})).run("configured")
    assert per_run.by_day()["2025-11-02"] == 2
    assert per_run.by_day()["2025-11-03"] == 2
    assert per_run.by_day()["2025-11-04"] == 2
    daily = run(engine, make_settings(limits={"daily_per_recruiter": 1})).run("configured")
    assert [daily.by_day()[f"2025-11-0{d}"] for d in (2, 3, 4, 5)] == [2, 2, 2, 0]
    assert "daily_limit" in {daily.reasons_on(t("c2"), 1)[0], daily.reasons_on(t("k2"), 1)[0]}


def test_do_not_contact_entries_count_from_when_they_were_made(engine, tmp_path):
    export = team().candidate("c5", do_not_contact=True).candidate("c6")
    export.touch("c5", at(3, 7) - 7 * DAY)
    export.touch("c6", at(3, 7) - 7 * DAY)
    export.suppress(candidate_id="c6", reason="asked by phone")
    load(engine, export, tmp_path / "x")
    # The ATS flag and an imported list have no true date: both count from the start.
    assert drafted(run(engine)) == {}


@pytest.mark.parametrize(("added_on", "followed_up"), [(at(3, 8), False), (at(3, 10), True)])
def test_a_do_not_contact_entry_made_later_counts_from_its_date(
    engine, tmp_path, added_on, followed_up
):
    from store.suppressions import add_entry

    export = team().candidate("c7")
    export.touch("c7", at(3, 7) - 7 * DAY)
    load(engine, export, tmp_path / "x")
    with engine.begin() as conn:
        add_entry(conn, candidate_id="c7", reason="asked", source="manual", by="sam", at=added_on)
    assert (t("c7") in drafted(run(engine))) is followed_up
