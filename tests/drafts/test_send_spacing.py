"""A candidate's spacing across two drafts, each guard deciding alone (real store, real SMTP)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from builders import DAY, MINUTE, NOW, Team
from send_guard_helpers import (
    DRAFT,
    THREAD,
    claimer,
    in_background,
    needs_postgres,
    other_live_sender,
    waiting_on_advisory_lock,
)
from send_team import (
    approved_team,
    drafts_by_id,
    email_of,
    email_team,
    run_send,
    smtp_settings,
    statuses,
)
from smtp_sink import DROP, SmtpSink
from sqlalchemy import insert, select

from drafts.sending.sender import Sender
from drafts.sending.transports import transports_for

# --- a candidate's spacing across two drafts -------------------------------------------------
# The scheduler writes one open draft per candidate; a store from before that rule (or a
# bug) may hold two. The sender's spacing must still let only one of them go.


@pytest.fixture
def sink():
    """A loopback SMTP server that accepts everything unless told otherwise."""
    with SmtpSink() as server:
        yield server


def _two_drafts_for_one_candidate(engine, tmp_path, settings) -> tuple[int, int]:
    team = email_team("c-1").recruiter("kim").role("r-2")
    team.touch("c-1", NOW - 9 * DAY, channel="email", role_id="r-2", recruiter="kim")
    [drafted] = approved_team(engine, tmp_path, team, settings)
    with engine.begin() as conn:
        row = dict(conn.execute(select(DRAFT).where(DRAFT.c.id == drafted)).mappings().one())
        other = (
            conn.execute(
                select(THREAD).where(
                    THREAD.c.candidate_id == "c-1", THREAD.c.thread_id != row["thread_id"]
                )
            )
            .mappings()
            .one()
        )
        del row["id"]
        row |= {"thread_id": other["thread_id"], "role_id": other["role_id"]}
        row["recruiter"] = other["recruiter"]
        second = conn.execute(insert(DRAFT).values(**row)).inserted_primary_key[0]
    return drafted, second


def test_a_message_in_doubt_holds_a_second_draft_to_the_same_candidate(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    first, second = _two_drafts_for_one_candidate(engine, tmp_path, settings)
    sink.on_data(email_of("c-1"), DROP)
    assert run_send(engine, settings, limit=1).counts() == {"unknown": 1}

    [item] = run_send(engine, settings, NOW + 10 * MINUTE).items

    assert item["id"] == second and item["outcome"] == "held"
    assert item["codes"] == ["recent_contact"]
    assert "being sent right now" in item["detail"]
    assert statuses(engine) == {first: "unknown", second: "approved"}


def test_two_drafts_to_one_candidate_in_one_run_send_one(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    _two_drafts_for_one_candidate(engine, tmp_path, settings)

    report = run_send(engine, settings)

    assert report.counts() == {"sent": 1, "held": 1}
    assert len(sink.messages()) == 1


def test_two_senders_space_one_candidates_messages_one_after_the_other(engine, tmp_path, sink):
    needs_postgres(engine)
    settings = smtp_settings(sink.port)
    first, second = _two_drafts_for_one_candidate(engine, tmp_path, settings)
    other = claimer(settings, owner=other_live_sender())
    with engine.begin() as conn:
        # Another sender claimed the first draft to c-1 (kim's), not yet committed.
        assert len(other.claim_batch(conn, ["email"], 1, dry_run=False, after=0).claimed) == 1
        thread, box = in_background(lambda: run_send(engine, settings))
        deadline = time.monotonic() + 30
        while thread.is_alive() and time.monotonic() < deadline:
            if waiting_on_advisory_lock(engine):
                break  # sam's draft to c-1 waits for the candidate's lock
            time.sleep(0.05)
    thread.join(timeout=60)

    assert "error" not in box and box["value"].counts() == {"held": 1}
    assert statuses(engine) == {first: "sending", second: "approved"}
    assert sink.messages() == []


def test_a_claimed_not_yet_attempted_draft_holds_a_second_one_to_the_candidate(
    engine, tmp_path, sink
):
    settings = smtp_settings(sink.port)
    first, second = _two_drafts_for_one_candidate(engine, tmp_path, settings)
    other = claimer(settings, owner=other_live_sender())
    with engine.begin() as conn:  # claimed and committed by a live sender, no attempt yet
        assert len(other.claim_batch(conn, ["email"], 1, dry_run=False, after=0).claimed) == 1

    [item] = run_send(engine, settings, NOW + MINUTE).items

    assert item["id"] == second and item["outcome"] == "held"
    assert drafts_by_id(engine)[second]["not_before"] == NOW + MINUTE + 7 * DAY


def test_a_message_sent_at_the_next_midnight_is_not_todays(engine, tmp_path, sink):
    # A run with --now at midnight, then one backdated to the evening before.
    settings = smtp_settings(sink.port, limits={"daily_per_recruiter": 1})
    approved_team(engine, tmp_path, email_team("c-1", "c-2"), settings)
    midnight = datetime(NOW.year, NOW.month, NOW.day) + DAY
    assert run_send(engine, settings, midnight, limit=1).counts() == {"sent": 1}

    assert run_send(engine, settings, midnight - 10 * MINUTE).counts() == {"sent": 1}


def test_a_message_sent_longer_ago_than_the_gap_no_longer_holds_the_next(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    first, second = _two_drafts_for_one_candidate(engine, tmp_path, settings)
    assert run_send(engine, settings, limit=1).counts() == {"sent": 1}
    assert run_send(engine, settings, NOW + 6 * DAY).counts() == {"held": 1}

    assert run_send(engine, settings, NOW + 7 * DAY + MINUTE).counts() == {"sent": 1}
    assert statuses(engine) == {first: "sent", second: "sent"}


@pytest.mark.parametrize(("cap", "sent", "held"), [(2, 2, 1), (3, 3, 0)])
def test_one_batch_counts_its_own_claims_toward_the_cap(engine, tmp_path, sink, cap, sent, held):
    settings = smtp_settings(sink.port, limits={"daily_per_recruiter": cap})
    approved_team(engine, tmp_path, email_team("c-1", "c-2", "c-3"), settings)

    report = run_send(engine, settings)  # one batch of three

    assert report.counts() == ({"sent": sent, "held": held} if held else {"sent": sent})
    assert len(sink.messages()) == sent


@pytest.mark.parametrize("dry_run", [False, True])
def test_drafts_with_no_recruiter_share_one_cap(engine, tmp_path, sink, dry_run):
    settings = smtp_settings(sink.port, limits={"daily_per_recruiter": 1})
    team = Team().role("r-1")  # the export names no recruiter at all
    for candidate_id in ("c-1", "c-2"):
        team.candidate(candidate_id, email=email_of(candidate_id), timezone="Europe/Berlin")
        team.touch(candidate_id, NOW - 10 * DAY, channel="email", recruiter=None)
    approved_team(engine, tmp_path, team, settings)
    transports = transports_for(settings)

    # A dry run decides batch by batch too (one draft each): it must count across them.
    report = Sender(
        engine, settings, NOW, transports=transports, day_zone=UTC, batch=1, dry_run=dry_run
    ).run()

    assert [i["outcome"] for i in report.items] == ["would_send" if dry_run else "sent", "held"]
    assert "(no recruiter) has sent 1 of 1" in report.items[1]["detail"]


def test_a_dry_run_spaces_one_candidates_drafts_across_batches(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    _two_drafts_for_one_candidate(engine, tmp_path, settings)

    report = Sender(
        engine,
        settings,
        NOW,
        transports=transports_for(settings),
        day_zone=UTC,
        batch=1,
        dry_run=True,
    ).run()

    assert [i["outcome"] for i in report.items] == ["would_send", "held"]
