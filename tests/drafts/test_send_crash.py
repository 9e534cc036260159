"""Real `followups send` processes: killed mid-batch, racing each other, racing for a cap.

"Never twice" is checked where it matters, in the SMTP server's mailbox: every Message-ID
it holds, counted.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections import Counter

import pytest
from builders import NOW
from send_team import (
    approved_team,
    config_toml,
    drafts_by_id,
    email_team,
    run_send,
    smtp_settings,
    spawn,
    write_config,
)
from smtp_sink import SmtpSink

SEND = ("send", "--yes", "--now", NOW.isoformat())


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _wait_for(predicate, *, seconds: float = 60.0) -> None:
    """Poll until `predicate()` holds (bounded); a synchronisation point, not a timing check."""
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.02)


def _finish(*procs) -> None:
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err


def test_kill_9_mid_batch_then_restart_sends_each_message_at_most_once(engine, tmp_path):
    candidates = [f"c-{n:02d}" for n in range(30)]
    with SmtpSink(data_delay_s=0.2) as sink:
        settings = smtp_settings(sink.port)
        ids = approved_team(engine, tmp_path, email_team(*candidates), settings)
        config = write_config(tmp_path / "followups.toml", config_toml(sink.port))
        proc = spawn(*SEND, "--db", _url(engine), "--config", str(config))
        _wait_for(lambda: len(sink.messages()) >= 3)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)  # reaped: its pid is gone, as after a real crash

        sink.data_delay_s = 0
        restart = spawn(*SEND, "--db", _url(engine), "--config", str(config), "--json")
        out, err = restart.communicate(timeout=300)
        assert restart.returncode == 0, err
        swept = json.loads(out)["swept"]
        # The killed sender's last message may still land after its death: wait for quiet.
        time.sleep(0.5)
        received = Counter(sink.message_ids())

    drafts = drafts_by_id(engine)
    assert set(drafts) == set(ids)
    assert max(received.values()) == 1, received.most_common(3)
    by_status = Counter(d["status"] for d in drafts.values())
    assert set(by_status) <= {"sent", "unknown"}
    # The killed run had claimed the whole batch: the restart settled its drafts first,
    # releasing those never attempted and marking the one in flight (if any) unknown.
    assert swept and {i["outcome"] for i in swept} <= {"released", "unknown"}
    assert by_status["unknown"] == sum(1 for i in swept if i["outcome"] == "unknown") <= 1
    for draft in drafts.values():
        if draft["status"] == "sent":
            assert received[draft["message_id"]] == 1
        else:
            assert draft["sent_at"] is not None and received[draft["message_id"]] <= 1


def test_two_senders_at_once_over_200_drafts_deliver_each_message_once(engine, tmp_path):
    candidates = [f"c-{n:03d}" for n in range(200)]
    with SmtpSink() as sink:
        settings = smtp_settings(sink.port)
        ids = approved_team(engine, tmp_path, email_team(*candidates), settings)
        assert len(ids) == 200
        config = write_config(tmp_path / "followups.toml", config_toml(sink.port, daily=1000))
        args = (*SEND, "--db", _url(engine), "--config", str(config), "--json")
        first, second = spawn(*args), spawn(*args)
        _finish(first, second)
        received = Counter(sink.message_ids())

    drafts = drafts_by_id(engine)
    assert {d["status"] for d in drafts.values()} == {"sent"}
    assert sorted(received) == sorted(d["message_id"] for d in drafts.values())
    assert set(received.values()) == {1}


def test_daily_cap_at_cap_minus_one_with_two_senders_lets_exactly_one_more_go(engine, tmp_path):
    candidates = [f"c-{n}" for n in range(6)]
    with SmtpSink() as sink:
        settings = smtp_settings(sink.port, limits={"daily_per_recruiter": 3})
        approved_team(engine, tmp_path, email_team(*candidates), settings)
        assert run_send(engine, settings, limit=2).counts() == {"sent": 2}
        config = write_config(tmp_path / "followups.toml", config_toml(sink.port, daily=3))
        args = (*SEND, "--db", _url(engine), "--config", str(config))
        first, second = spawn(*args), spawn(*args)
        _finish(first, second)
        received = sink.message_ids()

    drafts = drafts_by_id(engine).values()
    assert Counter(d["status"] for d in drafts) == {"sent": 3, "approved": 3}
    assert len(received) == 3
    assert all("daily_limit" in d["hold_reason"] for d in drafts if d["status"] == "approved")


@pytest.fixture(autouse=True)
def _no_proxy_env(monkeypatch):
    """Subprocesses inherit the environment: keep the SMTP credentials variables unset."""
    monkeypatch.delenv("FOLLOWUPS_SMTP_USER", raising=False)
    monkeypatch.delenv("FOLLOWUPS_SMTP_PASSWORD", raising=False)
