"""The `followups send` command: dry run until configured, asked twice, settled by a person."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import pytest
from builders import NOW
from send_team import (
    actions,
    approved_team,
    cli,
    config_toml,
    drafts_by_id,
    email_of,
    email_team,
    smtp_settings,
    statuses,
    write_config,
)
from smtp_sink import DROP, SmtpSink

NOW_ARGS = ("--now", NOW.isoformat())


@pytest.fixture
def sink():
    """A loopback SMTP server that accepts everything unless told otherwise."""
    with SmtpSink() as server:
        yield server


@pytest.fixture
def store(sqlite_engine, tmp_path, sink):
    """Two approved drafts in a SQLite store, and the --db argument naming it."""
    approved_team(sqlite_engine, tmp_path, email_team("c-1", "c-2"), smtp_settings(sink.port))
    return sqlite_engine, ("--db", str(sqlite_engine.url))


def test_without_a_transport_send_is_a_dry_run(store, tmp_path, sink):
    engine, db = store
    config = write_config(tmp_path / "f.toml", config_toml(None))

    result = cli("send", *db, "--config", str(config), *NOW_ARGS)

    assert result.returncode == 0, result.stderr
    assert "would send: 2" in result.stdout and "nothing was sent" in result.stdout
    assert set(statuses(engine).values()) == {"approved"} and sink.messages() == []


def test_without_a_terminal_or_yes_nothing_is_sent(store, tmp_path, sink):
    engine, db = store
    config = write_config(tmp_path / "f.toml", config_toml(sink.port))

    result = cli("send", *db, "--config", str(config), *NOW_ARGS, stdin="y\n")

    assert result.returncode == 1
    assert "would send: 2" in result.stdout and "not confirmed" in result.stderr
    assert set(statuses(engine).values()) == {"approved"} and sink.messages() == []


def test_unconfirmed_json_still_prints_one_document(store, tmp_path, sink):
    engine, db = store
    config = write_config(tmp_path / "f.toml", config_toml(sink.port))

    result = cli("send", *db, "--config", str(config), "--json", *NOW_ARGS)

    assert result.returncode == 1 and "not confirmed" in result.stderr
    document = json.loads(result.stdout)
    assert document["confirmed"] is False
    assert sink.messages() == [] and set(statuses(engine).values()) == {"approved"}


def test_dry_run_flag_sends_nothing_even_when_configured(store, tmp_path, sink):
    engine, db = store
    config = write_config(tmp_path / "f.toml", config_toml(sink.port))

    result = cli("send", "--dry-run", "--json", *db, "--config", str(config), *NOW_ARGS)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["counts"] == {"would_send": 2}
    assert sink.messages() == []


def test_on_a_terminal_send_asks_and_a_yes_sends(store, tmp_path, sink):
    engine, db = store
    config = write_config(tmp_path / "f.toml", config_toml(sink.port))
    controller, terminal = pty.openpty()
    os.write(controller, b"y\n")
    try:
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "from tui.cli import main; main()",
                "send",
                *db,
                "--config",
                str(config),
                *NOW_ARGS,
            ],
            stdin=terminal,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(terminal)
        os.close(controller)

    assert result.returncode == 0, result.stderr
    assert "Send 2 message(s) now?" in result.stderr
    assert "sent: 2" in result.stdout
    assert set(statuses(engine).values()) == {"sent"} and len(sink.messages()) == 2


def test_yes_json_prints_one_document_and_unknown_is_settled_by_a_person(store, tmp_path, sink):
    engine, db = store
    config = write_config(tmp_path / "f.toml", config_toml(sink.port))
    sink.on_data(email_of("c-1"), DROP)

    result = cli("send", "--yes", "--json", *db, "--config", str(config), *NOW_ARGS)

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["counts"] == {"sent": 1, "unknown": 1}
    [doubt] = document["unknown"]
    assert doubt["message_id"] in sink.message_ids()

    settle = cli(
        "send",
        "--reconcile",
        str(doubt["id"]),
        "sent",
        "--note",
        "in the relay log",
        *db,
        "--config",
        str(config),
        "--as",
        "rita",
    )

    assert settle.returncode == 0, settle.stderr
    assert drafts_by_id(engine)[doubt["id"]]["status"] == "sent"
    assert ("reconcile", doubt["id"]) in actions(engine)
    again = cli("send", "--reconcile", str(doubt["id"]), "failed", *db, "--config", str(config))
    assert again.returncode == 1 and "not unknown" in again.stderr
