"""The volume alarm: `send` stops before the first message on a day far above the usual."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from builders import NOW
from send_team import (
    approved_team,
    cli,
    config_toml,
    email_team,
    run_send,
    smtp_settings,
    statuses,
)
from smtp_sink import SmtpSink
from sqlalchemy import insert

from drafts.rules.volume import NO_HISTORY_USUAL, check_volume
from store import models
from store.config import load_settings

NOW_ARGS = ("--now", NOW.isoformat())
DAY_START = NOW.replace(hour=0, minute=0)


@pytest.fixture
def sink():
    with SmtpSink() as server:
        yield server


def _send_outside_the_queue(engine, minutes_ago: int = 1) -> None:
    """Someone messaged a person who is not in the queue today (counts toward the day)."""
    with engine.begin() as conn:
        conn.execute(
            insert(models.Candidate).values(
                candidate_id="c-outside",
                full_name="Out Side",
                first_name="Out",
                ats_status="prospect",
                do_not_contact=False,
            )
        )
        conn.execute(
            insert(models.Touchpoint).values(
                touchpoint_id="tp-today",
                candidate_id="c-outside",
                channel="email",
                direction="outbound",
                delivery="delivered",
                occurred_at=NOW - timedelta(minutes=minutes_ago),
            )
        )


def _config(tmp_path, port: int) -> str:
    # A usual day of 4 (the team's four initial messages went out on one day) and a
    # multiple of 1: the limit is exactly 4 messages today.
    text = config_toml(port).replace("[limits]\n", "[limits]\nvolume_alarm_multiple = 1.0\n")
    path = tmp_path / "followups.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_at_the_limit_send_goes_and_one_more_stops_everything(sqlite_engine, tmp_path, sink):
    approved_team(
        sqlite_engine, tmp_path, email_team("c-1", "c-2", "c-3", "c-4"), smtp_settings(sink.port)
    )
    db = ("--db", str(sqlite_engine.url))
    config = _config(tmp_path, sink.port)
    _send_outside_the_queue(sqlite_engine)  # today: 1 sent + 4 planned = 5 > 4

    stopped = cli("send", *db, "--config", config, "--yes", *NOW_ARGS)

    assert stopped.returncode == 4, stopped.stderr
    assert "volume alarm" in stopped.stderr and "--allow-spike" in stopped.stderr
    assert sink.messages() == []
    assert set(statuses(sqlite_engine).values()) == {"approved"}

    allowed = cli("send", *db, "--config", config, "--yes", "--allow-spike", *NOW_ARGS)
    assert allowed.returncode == 0, allowed.stderr
    assert len(sink.messages()) == 4


def test_exactly_at_the_limit_is_not_a_spike(sqlite_engine, tmp_path, sink):
    approved_team(
        sqlite_engine, tmp_path, email_team("c-1", "c-2", "c-3", "c-4"), smtp_settings(sink.port)
    )
    result = cli(
        "send",
        "--db",
        str(sqlite_engine.url),
        "--config",
        _config(tmp_path, sink.port),
        "--yes",
        *NOW_ARGS,
    )
    assert result.returncode == 0, result.stderr  # 0 today + 4 planned = 4, not above 4
    assert len(sink.messages()) == 4


def test_usual_day_is_the_median_of_busy_days_and_has_a_floor(sqlite_engine, tmp_path):
    settings = load_settings(None)
    with sqlite_engine.connect() as conn:
        empty = check_volume(conn, settings, NOW, planned=31, day_start=DAY_START)
    assert empty.usual == NO_HISTORY_USUAL and empty.limit == 30 and empty.exceeded
    _send_outside_the_queue(sqlite_engine, minutes_ago=60 * 24 * 3)  # one busy day, 1 message
    with sqlite_engine.connect() as conn:
        quiet = check_volume(conn, settings, NOW, planned=3, day_start=DAY_START)
        over = check_volume(conn, settings, NOW, planned=4, day_start=DAY_START)
    assert (quiet.usual, quiet.limit, quiet.exceeded) == (1.0, 3.0, False)
    assert over.exceeded


def test_the_sender_itself_stops_before_the_first_message_past_the_line(
    sqlite_engine, tmp_path, sink
):
    """Not only the CLI: a Sender run, however started, refuses to pass the alarm."""
    settings = smtp_settings(sink.port, limits={"volume_alarm_multiple": 1.0})
    approved_team(sqlite_engine, tmp_path, email_team("c-1", "c-2", "c-3", "c-4"), settings)
    _send_outside_the_queue(sqlite_engine)  # today: 1 sent + 4 to go = 5 > 4

    report = run_send(sqlite_engine, settings)

    assert report.volume_alarm is not None
    assert report.volume_alarm.code == "volume_alarm"
    assert report.as_json()["volume_alarm"]["exceeded"] is True
    assert "volume alarm" in report.volume_alarm.message
    assert sink.messages() == []
    assert set(statuses(sqlite_engine).values()) == {"approved"}

    allowed = run_send(sqlite_engine, settings, allow_spike=True)
    assert allowed.volume_alarm is None
    assert len(sink.messages()) == 4


def _history(engine, per_day: dict[int, int]) -> None:
    """Outbound messages to someone outside the queue: {days before NOW: how many}."""
    rows = [
        {
            "touchpoint_id": f"tp-h{ago}-{i}",
            "candidate_id": "c-outside",
            "channel": "inmail",
            "direction": "outbound",
            "delivery": "delivered",
            "occurred_at": NOW - timedelta(days=ago, minutes=i),
        }
        for ago, n in per_day.items()
        for i in range(n)
    ]
    with engine.begin() as conn:
        conn.execute(insert(models.Touchpoint), rows)


def test_the_usual_day_is_the_one_the_figures_show(sqlite_engine, tmp_path):
    from store.figures import team_figures

    _send_outside_the_queue(sqlite_engine, minutes_ago=60 * 24 * 60)
    # Two months of a message now and then, then three busy weeks (the demo's shape).
    _history(sqlite_engine, {ago: 1 for ago in range(30, 88, 2)} | dict.fromkeys(range(1, 22), 50))
    settings = load_settings(None)
    with sqlite_engine.connect() as conn:
        check = check_volume(conn, settings, NOW, planned=100, day_start=DAY_START)
        figures = team_figures(conn, now=NOW)
    assert check.usual == 50.0 == figures["usual_daily_sends"]
    assert not check.exceeded  # 100 on a day of usually 50 is under 3x


def test_nothing_to_send_is_never_an_alarm(sqlite_engine, tmp_path, sink):
    approved_team(sqlite_engine, tmp_path, email_team("c-1"), smtp_settings(sink.port))
    db = ("--db", str(sqlite_engine.url))
    config = _config(tmp_path, sink.port)
    assert cli("send", *db, "--config", config, "--yes", *NOW_ARGS).returncode == 0
    _send_outside_the_queue(sqlite_engine)
    _history(sqlite_engine, {0: 30})  # the team sent 30 by hand today: far above the usual day

    quiet = cli("send", *db, "--config", config, "--yes", "--json", *NOW_ARGS)

    assert quiet.returncode == 0, quiet.stderr
    assert "volume alarm" not in quiet.stderr
    assert "volume_alarm" not in json.loads(quiet.stdout)


def test_the_alarm_is_one_line_and_json_says_nothing_was_sent(sqlite_engine, tmp_path, sink):
    approved_team(
        sqlite_engine, tmp_path, email_team("c-1", "c-2", "c-3", "c-4"), smtp_settings(sink.port)
    )
    _send_outside_the_queue(sqlite_engine)  # today: 1 sent + 4 planned = 5 > 4
    args = ("--db", str(sqlite_engine.url), "--config", _config(tmp_path, sink.port), "--yes")

    stopped = cli("send", *args, "--json", *NOW_ARGS)

    assert stopped.returncode == 4
    [line] = stopped.stderr.strip().splitlines()
    assert line.startswith("volume alarm:") and "--allow-spike" in line and len(line) < 200
    document = json.loads(stopped.stdout)
    assert document["dry_run"] is False and document["sent"] == 0
    assert document["stopped"] == "volume_alarm" and document["volume_alarm"]["exceeded"]
    assert sink.messages() == [] and set(statuses(sqlite_engine).values()) == {"approved"}
