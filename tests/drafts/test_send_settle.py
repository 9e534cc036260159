"""What a sender settles when delivery does not simply work: a relay that keeps saying
"later", a relay that is down, a transport that raises, a claim whose lease ran out, and a
success that arrives after another host declared the message in doubt.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import UTC, timedelta

import pytest
from builders import MINUTE, NOW
from send_team import (
    actions,
    approved_team,
    drafts_by_id,
    email_of,
    email_team,
    run_send,
    smtp_settings,
    statuses,
)
from smtp_sink import SmtpSink, free_port
from sqlalchemy import select, update

from drafts.rules import pacing
from drafts.sending.claims import Claimer
from drafts.sending.sender import HOST, Sender, sweep
from drafts.sending.transports import transports_for
from store import models
from store.clock import utc_now

DRAFT = models.FollowUpDraft.__table__


@pytest.fixture
def sink():
    """A loopback SMTP server that accepts everything unless told otherwise."""
    with SmtpSink() as server:
        yield server


def test_a_relay_that_keeps_saying_later_is_given_up_after_the_limit(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    [draft_id] = approved_team(engine, tmp_path, email_team("c-1"), settings)
    limit = pacing.MAX_TEMPORARY_FAILURES
    sink.on_rcpt(email_of("c-1"), *["451 4.3.0 mailbox busy"] * limit)

    at = NOW
    for attempt in range(1, limit):
        assert run_send(engine, settings, at).counts() == {"retry": 1}, attempt
        draft = drafts_by_id(engine)[draft_id]
        assert draft["status"] == "approved" and draft["attempts"] == attempt
        assert draft["not_before"] == at + pacing.retry_delay(attempt)
        at = draft["not_before"]

    assert run_send(engine, settings, at).counts() == {"failed": 1}
    draft = drafts_by_id(engine)[draft_id]
    assert draft["attempts"] == limit and draft["send_error"].startswith(f"gave up after {limit}")
    assert sink.messages() == []


@pytest.mark.parametrize("batch", [50, 1])
def test_a_relay_that_is_down_stops_the_run_and_every_draft_waits(engine, tmp_path, batch):
    settings = smtp_settings(free_port())  # nobody listens there
    ids = approved_team(engine, tmp_path, email_team("c-1", "c-2", "c-3"), settings)

    # The rest of the batch goes back; with one-draft batches, no next batch is claimed.
    report = run_send(engine, settings, batch=batch)

    # One attempt found the relay down; the others were never tried and went back.
    assert report.counts() == {"retry": 1}
    drafts = drafts_by_id(engine)
    assert [drafts[i]["status"] for i in ids] == ["approved"] * 3
    assert [drafts[i]["attempts"] for i in ids] == [1, 0, 0]
    assert all(drafts[i]["send_claimed_by"] is None for i in ids)
    assert "cannot reach the SMTP relay" in drafts[ids[0]]["hold_reason"]


class _RaisesAfterSending:
    """A transport with a bug: it hands the message to the real relay, then raises."""

    def __init__(self, real):
        self.real, self.name = real, real.name

    def deliver(self, message):
        self.real.deliver(message)
        raise RuntimeError("bug after the relay took it")

    def close(self):
        self.real.close()


def test_an_exception_inside_delivery_is_in_doubt_and_the_batch_goes_on(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    first, second = approved_team(engine, tmp_path, email_team("c-1", "c-2"), settings)
    real = transports_for(settings)["email"]
    buggy = {"email": _RaisesAfterSending(real)}

    report = Sender(engine, settings, NOW, transports=buggy, day_zone=UTC).run()

    assert report.counts() == {"unknown": 2}
    drafts = drafts_by_id(engine)
    assert [drafts[i]["status"] for i in (first, second)] == ["unknown", "unknown"]
    assert "RuntimeError: bug after the relay took it" in drafts[first]["send_error"]
    # Listed for a person, with what went wrong, and nothing else listed.
    assert [(i["id"], i["outcome"]) for i in report.in_doubt] == [
        (first, "unknown"),
        (second, "unknown"),
    ]
    assert all("RuntimeError" in i["detail"] for i in report.in_doubt)
    # It may well have gone (it did): never sent again, listed for a person.
    assert run_send(engine, settings, NOW + 10 * MINUTE).counts() == {}
    assert len(sink.messages()) == 2


def _claimed_elsewhere(engine, settings, *, lease_left: timedelta, attempted: bool):
    """A live sender in another process claimed every draft; its lease ends after lease_left."""
    owner = f"send:{HOST}:{os.getppid()}:elsewhere"
    claimer = Claimer(
        settings,
        NOW,
        owner=owner,
        lease=lease_left,
        wall_clock=utc_now,
        day_zone=UTC,
        actor="sender",
    )
    with engine.begin() as conn:
        claimer.claim_batch(conn, ["email"], 50, dry_run=False, after=0)
        if attempted:
            conn.execute(update(DRAFT).values(sent_at=NOW))


def test_a_claim_whose_lease_ran_out_is_settled_by_the_next_run(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    first, second = approved_team(engine, tmp_path, email_team("c-1", "c-2"), settings)
    _claimed_elsewhere(engine, settings, lease_left=-MINUTE, attempted=False)
    with engine.begin() as conn:  # the stuck sender had started on the first
        conn.execute(update(DRAFT).where(DRAFT.c.id == first).values(sent_at=NOW))

    report = run_send(engine, settings, NOW + MINUTE)

    assert sorted((s["id"], s["outcome"]) for s in report.swept) == [
        (first, "unknown"),
        (second, "released"),
    ]
    assert statuses(engine) == {first: "unknown", second: "sent"}
    assert [r for m in sink.messages() for r in m.rcpt_tos] == [email_of("c-2")]


def test_a_live_senders_claim_within_its_lease_is_left_alone(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    ids = approved_team(engine, tmp_path, email_team("c-1"), settings)
    _claimed_elsewhere(engine, settings, lease_left=10 * MINUTE, attempted=True)

    report = run_send(engine, settings, NOW + MINUTE)

    assert report.swept == [] and statuses(engine) == {ids[0]: "sending"}


def test_a_success_after_another_host_declared_it_in_doubt_still_lands(engine, tmp_path):
    with SmtpSink(data_delay_s=3.0) as slow:
        settings = smtp_settings(slow.port)
        [draft_id] = approved_team(engine, tmp_path, email_team("c-1"), settings)
        sender = Sender(engine, settings, NOW, transports=transports_for(settings), day_zone=UTC)
        result: dict = {}
        thread = threading.Thread(target=lambda: result.update(report=sender.run()))
        thread.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                sent_at = conn.execute(select(DRAFT.c.sent_at)).scalar_one()
            if sent_at is not None:
                break  # the message is on its way
            time.sleep(0.05)
        # Another host finds the lease over (a clock jump, a stuck relay) and sweeps.
        with engine.begin() as conn:
            conn.execute(update(DRAFT).values(send_claim_expires_at=NOW - MINUTE))
        swept = sweep(engine, actor="other-host", now=NOW + MINUTE)
        thread.join(timeout=30)

    assert [s["outcome"] for s in swept] == ["unknown"]
    # The relay's late 250 is the truth: sent, once, with its touchpoint.
    draft = drafts_by_id(engine)[draft_id]
    assert draft["status"] == "sent" and draft["send_claimed_by"] is None
    assert result["report"].counts() == {"sent": 1}
    assert ("unknown", draft_id) in actions(engine) and ("send", draft_id) in actions(engine)
    with engine.connect() as conn:
        tp = models.Touchpoint.__table__
        assert conn.execute(select(tp.c.draft_id).where(tp.c.draft_id == draft_id)).all()


def _claim_as(engine, settings, owner: str, lease: timedelta = 10 * MINUTE) -> None:
    claimer = Claimer(
        settings, NOW, owner=owner, lease=lease, wall_clock=utc_now, day_zone=UTC, actor="s"
    )
    with engine.begin() as conn:
        claimer.claim_batch(conn, ["email"], 50, dry_run=False, after=0)


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


@pytest.mark.parametrize(
    ("owner", "swept"),
    [
        # An earlier run in this very process that is over (a long-lived worker).
        (lambda: f"send:{HOST}:{os.getpid()}:an-earlier-run", True),
        # A sender on this host whose process has exited.
        (lambda: f"send:{HOST}:{_dead_pid()}:gone", True),
        # An unreadable owner: nobody can finish it.
        (lambda: "someone", True),
        # A live sender elsewhere on this host, or on another host, within its lease.
        (lambda: f"send:{HOST}:{os.getppid()}:alive", False),
        (lambda: "send:another-host:1:run", False),
    ],
)
def test_the_sweep_settles_only_claims_nobody_can_finish(engine, tmp_path, sink, owner, swept):
    settings = smtp_settings(sink.port)
    [draft_id] = approved_team(engine, tmp_path, email_team("c-1"), settings)
    _claim_as(engine, settings, owner())

    settled = sweep(engine, actor="sender", now=NOW + MINUTE)

    assert [s["id"] for s in settled] == ([draft_id] if swept else [])
    assert statuses(engine) == {draft_id: "approved" if swept else "sending"}


@pytest.mark.parametrize(("attempted", "settled_as"), [(False, "approved"), (True, "unknown")])
def test_the_sweep_settles_a_claim_a_damaged_store_left_without_owner(
    engine, tmp_path, sink, attempted, settled_as
):
    """A `sending` row with no owner is nobody's to finish: the sweep must really settle it."""
    settings = smtp_settings(sink.port)
    [draft_id] = approved_team(engine, tmp_path, email_team("c-1"), settings)
    _claim_as(engine, settings, "someone")
    with engine.begin() as conn:
        conn.execute(
            DRAFT.update()
            .where(DRAFT.c.id == draft_id)
            .values(send_claimed_by=None, sent_at=NOW if attempted else None)
        )

    settled = sweep(engine, actor="sender", now=NOW + MINUTE)

    assert [s["id"] for s in settled] == [draft_id]
    assert statuses(engine) == {draft_id: settled_as}


def test_a_claim_is_leased_for_ten_minutes_or_four_relay_timeouts(engine):
    quick = smtp_settings(2525)  # a 10 s relay timeout: the 10 minute floor
    slow = smtp_settings(2525, send={"smtp": {"timeout_s": 300}})  # 4 x 300 s
    assert Sender(engine, quick, NOW, transports={}, day_zone=UTC).lease == timedelta(minutes=10)
    assert Sender(engine, slow, NOW, transports={}, day_zone=UTC).lease == timedelta(minutes=20)


def test_each_outcome_is_reported_as_it_happens(engine, tmp_path, sink):
    settings = smtp_settings(sink.port, limits={"daily_per_recruiter": 1})
    ids = approved_team(engine, tmp_path, email_team("c-1", "c-2"), settings)
    seen: list[tuple[int, str]] = []
    sender = Sender(
        engine,
        settings,
        NOW,
        transports=transports_for(settings),
        day_zone=UTC,
        on_progress=lambda item: seen.append((item["id"], item["outcome"])),
    )

    report = sender.run()

    assert sorted(seen) == sorted((i["id"], i["outcome"]) for i in report.items)
    assert sorted(seen) == [(ids[0], "sent"), (ids[1], "held")]


def test_the_sweep_only_asks_whether_a_sender_lives_it_never_signals_it(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    [draft_id] = approved_team(engine, tmp_path, email_team("c-1"), settings)
    signalled = tmp_path / "signalled"
    # Another sender on this host, alive; it notes any signal it gets.
    code = (
        "import signal, sys, time\n"
        "def note(number, frame):\n"
        "    open(sys.argv[1], 'a').write(str(number))\n"
        "for number in range(1, 16):\n"
        "    if number not in (9,):\n"
        "        signal.signal(number, note)\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    other = subprocess.Popen(
        [sys.executable, "-c", code, str(signalled)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert other.stdout.readline().strip() == "ready"
        _claim_as(engine, settings, f"send:{HOST}:{other.pid}:alive")

        assert sweep(engine, actor="sender", now=NOW + MINUTE) == []
        time.sleep(0.2)
        assert other.poll() is None and not signalled.exists()
    finally:
        other.kill()
        other.wait()
    assert statuses(engine) == {draft_id: "sending"}


def test_a_claim_with_no_lease_recorded_is_judged_by_its_owner(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    [draft_id] = approved_team(engine, tmp_path, email_team("c-1"), settings)
    _claim_as(engine, settings, f"send:{HOST}:{os.getppid()}:alive")
    with engine.begin() as conn:  # a row from before leases were recorded
        conn.execute(update(DRAFT).values(send_claim_expires_at=None))

    assert sweep(engine, actor="sender", now=NOW + MINUTE) == []
    assert statuses(engine) == {draft_id: "sending"}


def test_a_sweep_in_the_same_process_leaves_a_running_sends_claims_alone(engine, tmp_path):
    with SmtpSink(data_delay_s=2.0) as slow:
        settings = smtp_settings(slow.port)
        [draft_id] = approved_team(engine, tmp_path, email_team("c-1"), settings)
        sender = Sender(engine, settings, NOW, transports=transports_for(settings), day_zone=UTC)
        result: dict = {}
        thread = threading.Thread(target=lambda: result.update(report=sender.run()))
        thread.start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                if conn.execute(select(DRAFT.c.sent_at)).scalar_one() is not None:
                    break
            time.sleep(0.05)
        # The review app (or a second send) in this same process sweeps meanwhile.
        swept = sweep(engine, actor="other-run", now=NOW + MINUTE)
        thread.join(timeout=30)

    assert swept == []
    assert result["report"].counts() == {"sent": 1}
    assert statuses(engine) == {draft_id: "sent"}


def test_a_crashed_run_leaves_claims_the_next_sweep_in_the_process_settles(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    ids = approved_team(engine, tmp_path, email_team("c-1", "c-2"), settings)

    def crash(_item):
        raise RuntimeError("the progress display broke")

    sender = Sender(
        engine,
        settings,
        NOW,
        transports=transports_for(settings),
        day_zone=UTC,
        on_progress=crash,
    )
    with pytest.raises(RuntimeError):
        sender.run()
    left = [i for i, s in statuses(engine).items() if s == "sending"]
    assert left, statuses(engine)

    swept = sweep(engine, actor="sender", now=NOW + MINUTE)

    assert sorted(s["id"] for s in swept) == sorted(left)
    assert "sending" not in statuses(engine).values() and len(ids) == 2


def test_a_dry_run_stops_at_its_limit_across_batches(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    approved_team(engine, tmp_path, email_team("c-1", "c-2", "c-3"), settings)

    report = Sender(
        engine,
        settings,
        NOW,
        transports=transports_for(settings),
        day_zone=UTC,
        dry_run=True,
        batch=1,
        limit=2,
    ).run()

    assert [i["outcome"] for i in report.items] == ["would_send", "would_send"]
    assert all(i["transport"] == "smtp" for i in report.items)
    assert set(statuses(engine).values()) == {"approved"} and sink.messages() == []
