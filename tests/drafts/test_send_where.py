"""`send` ends by saying where things went: the outbox folder, the relay, counts per channel."""

from __future__ import annotations

import json

from builders import DAY, NOW
from send_team import approved_team, cli, config_toml, email_team, smtp_settings
from smtp_sink import SmtpSink


def test_send_says_where_each_channel_went(sqlite_engine, tmp_path):
    outbox = tmp_path / "outbox"
    with SmtpSink() as sink:
        team = email_team("c-1", "c-2")
        team.candidate("c-3", email="c-3@example.test", linkedin_url="https://linkedin.com/in/c3")
        team.touch("c-3", NOW - 10 * DAY, channel="inmail")
        approved_team(sqlite_engine, tmp_path / "export", team, smtp_settings(sink.port))
        config = tmp_path / "followups.toml"
        config.write_text(config_toml(sink.port, outbox=outbox), encoding="utf-8")
        args = ("--db", str(sqlite_engine.url), "--config", str(config), "--now", NOW.isoformat())

        sent = cli("send", *args, "--yes")

    assert sent.returncode == 0, sent.stderr
    assert f"email: 2 via smtp 127.0.0.1:{sink.port}" in sent.stdout
    assert f"inmail: 1 via outbox {outbox.resolve()}" in sent.stdout
    plan = json.loads(cli("send", *args, "--dry-run", "--json").stdout)
    assert plan["destinations"] == {"inmail": None, "email": None}  # a dry run goes nowhere
