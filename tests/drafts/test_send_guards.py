"""Each guard of "never twice, never over the cap" decides alone, with the race driven.

The send tests elsewhere run whole senders and check the sum of the guards. Here each
test sets up the one situation where a single guard is what stops the second message:
a sender mid-claim holding its rows (SKIP LOCKED) and its recruiter's lock (the cap),
drafts in `sending` or `unknown` counting toward today's cap, a hold that must touch its
own draft only, a dry run that remembers across batches. Real store, real SMTP sink.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from builders import DAY, MINUTE, NOW
from send_guard_helpers import (
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
from sqlalchemy import text

from drafts.sending.sender import Sender
from drafts.sending.transports import transports_for

# --- what counts toward today's cap --------------------------------------------------------


@pytest.fixture
def sink():
    """A loopback SMTP server that accepts everything unless told otherwise."""
    with SmtpSink() as server:
        yield server


def test_a_message_in_doubt_today_counts_toward_the_cap(engine, tmp_path, sink):
    settings = smtp_settings(sink.port, limits={"daily_per_recruiter": 1})
    first, second = approved_team(engine, tmp_path, email_team("c-1", "c-2"), settings)
    sink.on_data(email_of("c-1"), DROP)
    assert run_send(engine, settings, limit=1).counts() == {"unknown": 1}

    # It may have gone: a later run today must count it, not send a second message.
    later = run_send(engine, settings, NOW + 10 * MINUTE)

    assert later.counts() == {"held": 1}
    assert statuses(engine) == {first: "unknown", second: "approved"}
    assert [i["id"] for i in later.in_doubt] == [first]  # listed for a person, alone
    assert "daily_limit" in drafts_by_id(engine)[second]["hold_reason"]


def test_a_message_another_sender_is_delivering_counts_toward_the_cap(engine, tmp_path, sink):
    settings = smtp_settings(sink.port, limits={"daily_per_recruiter": 1})
    first, second = approved_team(engine, tmp_path, email_team("c-1", "c-2"), settings)
    elsewhere = claimer(settings, owner=other_live_sender())
    with engine.begin() as conn:
        assert len(elsewhere.claim_batch(conn, ["email"], 1, dry_run=False, after=0).claimed) == 1

    report = run_send(engine, settings, NOW + MINUTE)

    assert report.counts() == {"held": 1} and report.swept == []
    assert statuses(engine) == {first: "sending", second: "approved"}
    assert sink.messages() == []


def test_a_message_sent_at_midnight_counts_for_that_day(engine, tmp_path, sink):
    settings = smtp_settings(sink.port, limits={"daily_per_recruiter": 1})
    first, second = approved_team(engine, tmp_path, email_team("c-1", "c-2"), settings)
    midnight = datetime(NOW.year, NOW.month, NOW.day) + DAY
    assert run_send(engine, settings, midnight, limit=1).counts() == {"sent": 1}

    report = run_send(engine, settings, midnight + 10 * MINUTE)

    assert report.counts() == {"held": 1}
    assert statuses(engine) == {first: "sent", second: "approved"}


@pytest.fixture
def berlin_machine(monkeypatch):
    """The sending machine's clock in Berlin time: "today" still follows the run's day zone."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_yesterdays_messages_leave_today_free(engine, tmp_path, sink, berlin_machine):
    # 23:59 and 00:00 UTC are one Berlin day: the run's day zone (UTC) decides, not the machine's.
    settings = smtp_settings(sink.port, limits={"daily_per_recruiter": 1})
    approved_team(engine, tmp_path, email_team("c-1", "c-2"), settings)
    midnight = datetime(NOW.year, NOW.month, NOW.day) + DAY
    assert run_send(engine, settings, midnight - MINUTE, limit=1).counts() == {"sent": 1}

    assert run_send(engine, settings, midnight).counts() == {"sent": 1}


# --- the claim's row locks and the cap's advisory lock (PostgreSQL) ------------------------


def test_a_second_sender_skips_drafts_another_is_deciding_about(engine, tmp_path, sink):
    needs_postgres(engine)
    settings = smtp_settings(sink.port)
    first, second = approved_team(engine, tmp_path, email_team("c-1", "c-2"), settings)
    deciding = claimer(settings, owner=other_live_sender())
    with engine.begin() as conn:
        # Another sender has read draft 1 FOR UPDATE and is deciding about it right now.
        assert [r["id"] for r in deciding.select(conn, ["email"], 1, 0)] == [first]
        thread, box = in_background(lambda: run_send(engine, settings))
        thread.join(timeout=30)
        finished_meanwhile = not thread.is_alive()
    thread.join(timeout=60)

    # It went on with the draft nobody held, without waiting for the other sender.
    assert finished_meanwhile, "the second sender waited for rows another sender holds"
    assert "error" not in box and box["value"].counts() == {"sent": 1}
    assert statuses(engine) == {first: "approved", second: "sent"}
    assert [r for m in sink.messages() for r in m.rcpt_tos] == [email_of("c-2")]


def test_two_senders_count_one_recruiters_cap_one_after_the_other(engine, tmp_path, sink):
    needs_postgres(engine)
    settings = smtp_settings(sink.port, limits={"daily_per_recruiter": 1})
    first, second = approved_team(engine, tmp_path, email_team("c-1", "c-2"), settings)
    other = claimer(settings, owner=other_live_sender())
    with engine.begin() as conn:
        # The other sender has claimed sam's last message of the day, not yet committed.
        assert len(other.claim_batch(conn, ["email"], 1, dry_run=False, after=0).claimed) == 1
        thread, box = in_background(lambda: run_send(engine, settings))
        deadline = time.monotonic() + 30
        while thread.is_alive() and time.monotonic() < deadline:
            if waiting_on_advisory_lock(engine):
                break  # our sender waits for sam's lock, as it must
            time.sleep(0.05)
    thread.join(timeout=60)

    # Counted after the other sender's claim: sam's day is full, draft 2 waits for tomorrow.
    assert "error" not in box and box["value"].counts() == {"held": 1}
    assert statuses(engine) == {first: "sending", second: "approved"}
    assert sink.messages() == []


# --- holds, dry runs, batches ---------------------------------------------------------------


def test_a_hold_touches_its_own_draft_only(engine, tmp_path, sink):
    settings = smtp_settings(sink.port, send={"window_hours": [9, 17]})
    team = email_team("c-1", "c-2")
    first, second = approved_team(engine, tmp_path, team, settings)
    with engine.begin() as conn:  # c-1 lives where it is night now
        conn.execute(
            text("UPDATE candidate SET timezone = 'Pacific/Auckland' WHERE candidate_id = 'c-1'")
        )

    report = Sender(
        engine, settings, NOW, transports=transports_for(settings), day_zone=UTC, batch=1
    ).run()

    assert report.counts() == {"held": 1, "sent": 1}
    drafts = drafts_by_id(engine)
    assert drafts[first]["status"] == "approved" and "send_window" in drafts[first]["hold_reason"]
    assert drafts[second]["status"] == "sent" and drafts[second]["hold_reason"] is None


def test_a_dry_run_counts_what_it_would_send_across_batches(engine, tmp_path, sink):
    settings = smtp_settings(sink.port, limits={"daily_per_recruiter": 2})
    approved_team(engine, tmp_path, email_team("c-1", "c-2", "c-3"), settings)

    report = Sender(
        engine,
        settings,
        NOW,
        transports=transports_for(settings),
        day_zone=UTC,
        batch=1,
        dry_run=True,
    ).run()

    assert [i["outcome"] for i in report.items] == ["would_send", "would_send", "held"]
    assert set(statuses(engine).values()) == {"approved"} and sink.messages() == []


def test_a_held_draft_goes_the_moment_its_hold_ends(engine, tmp_path, sink):
    settings = smtp_settings(sink.port, send={"window_hours": [11, 17]})
    [draft_id] = approved_team(engine, tmp_path, email_team("c-1"), settings)
    assert run_send(engine, settings).counts() == {"held": 1}
    opens = drafts_by_id(engine)[draft_id]["not_before"]

    assert run_send(engine, settings, opens - MINUTE).counts() == {}
    assert run_send(engine, settings, opens).counts() == {"sent": 1}


def test_only_channels_with_a_transport_are_claimed(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    team = email_team("c-1")
    team.candidate("c-2", linkedin_url="https://www.linkedin.com/in/c-2", timezone="Europe/Berlin")
    team.touch("c-2", NOW - 10 * DAY, channel="inmail", recruiter="sam")
    ids = approved_team(engine, tmp_path, team, settings)

    report = run_send(engine, settings)

    assert report.counts() == {"sent": 1}
    drafts = drafts_by_id(engine)
    inmail = [d for d in drafts.values() if d["channel"] == "inmail"]
    assert len(ids) == 2 and [d["status"] for d in inmail] == ["approved"]
    assert inmail[0]["hold_reason"] is None and inmail[0]["message_id"] is None


def test_the_message_id_is_the_senders_domain_and_kept_for_retries(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    [draft_id] = approved_team(engine, tmp_path, email_team("c-1"), settings)
    sink.on_rcpt(email_of("c-1"), "451 4.7.1 try later")
    assert run_send(engine, settings).counts() == {"retry": 1}
    first_id = drafts_by_id(engine)[draft_id]["message_id"]

    assert run_send(engine, settings, NOW + 10 * MINUTE).counts() == {"sent": 1}

    assert first_id.startswith("<followups.") and first_id.endswith("@acme-robotics.com>")
    assert sink.message_ids() == [first_id]
    [received] = sink.messages()
    assert received.message["Subject"] == drafts_by_id(engine)[draft_id]["subject"] != ""
