"""`send` reads the mailboxes first: a reply that arrived a minute ago cancels its approved
draft, with the reply as evidence, and nothing goes to that person."""

from __future__ import annotations

import json

import pytest
from builders import MINUTE, NOW
from send_team import (
    approved_team,
    cli,
    config_toml,
    drafts_by_id,
    email_of,
    email_team,
    smtp_settings,
)
from smtp_sink import SmtpSink

from tests.support.mail_messages import reply
from tests.support.mailboxes import mailbox_for

NOW_ARGS = ("--now", NOW.isoformat())


@pytest.fixture
def sink():
    with SmtpSink() as server:
        yield server


@pytest.fixture
def approved(sqlite_engine, tmp_path, sink):
    """Approved follow-ups to c-1 and c-2, by the real scheduler and approval code."""
    ids = approved_team(sqlite_engine, tmp_path, email_team("c-1", "c-2"), smtp_settings(sink.port))
    assert len(ids) == 2
    return sqlite_engine, ("--db", str(sqlite_engine.url))


def config(tmp_path, sink, *mailboxes) -> tuple[str, str]:
    path = tmp_path / "followups.toml"
    path.write_text(config_toml(sink.port) + "".join(m.toml() for m in mailboxes), "utf-8")
    return ("--config", str(path))


def by_candidate(engine) -> dict[str, dict]:
    return {d["candidate_id"]: d for d in drafts_by_id(engine).values()}


def test_a_reply_that_just_arrived_cancels_its_draft(
    approved, tmp_path, sink, dovecot, monkeypatch
):
    engine, db = approved
    mara = mailbox_for(dovecot, monkeypatch, "mara", recruiter="sam")
    dovecot.append(
        mara.account,
        reply(email_of("c-1"), at=NOW - MINUTE, body="Not interested, thanks."),
        when=NOW - MINUTE,
    )

    result = cli("send", *db, *config(tmp_path, sink, mara), *NOW_ARGS, "--yes", "--json")

    assert result.returncode == 0, result.stderr
    drafts = by_candidate(engine)
    assert drafts["c-1"]["status"] == "cancelled" and drafts["c-2"]["status"] == "sent"
    assert drafts["c-1"]["cancel_codes"] == ["replied"]
    assert drafts["c-1"]["cancel_reason"].startswith("Replied by email on 2025-11-08")
    assert [m.rcpt_tos for m in sink.messages()] == [(email_of("c-2"),)]
    outcomes = {d["candidate_id"]: d["outcome"] for d in json.loads(result.stdout)["drafts"]}
    assert outcomes == {"c-1": "cancelled", "c-2": "sent"}


def test_no_sync_skips_the_mailboxes(approved, tmp_path, sink, dovecot, monkeypatch):
    engine, db = approved
    mara = mailbox_for(dovecot, monkeypatch, "mara", recruiter="sam")
    dovecot.append(mara.account, reply(email_of("c-1"), at=NOW - MINUTE), when=NOW - MINUTE)

    result = cli("send", *db, *config(tmp_path, sink, mara), *NOW_ARGS, "--yes", "--no-sync")

    assert result.returncode == 0, result.stderr
    assert {d["status"] for d in by_candidate(engine).values()} == {"sent"}
    assert len(sink.messages()) == 2


def test_an_unreadable_mailbox_sends_nothing(approved, tmp_path, sink, dovecot, monkeypatch):
    engine, db = approved
    mara = mailbox_for(dovecot, monkeypatch, "mara", recruiter="sam")
    monkeypatch.setenv(mara.table["password_env"], "wrong")

    result = cli("send", *db, *config(tmp_path, sink, mara), *NOW_ARGS, "--yes")

    assert result.returncode == 5
    assert "refused the login" in result.stderr and "--no-sync" in result.stderr
    assert {d["status"] for d in by_candidate(engine).values()} == {"approved"}
    assert sink.messages() == []


def test_a_dry_run_only_warns_when_a_mailbox_cannot_be_read(
    approved, tmp_path, dovecot, monkeypatch
):
    engine, db = approved
    mara = mailbox_for(dovecot, monkeypatch, "mara", recruiter="sam")
    monkeypatch.setenv(mara.table["password_env"], "wrong")
    path = tmp_path / "dry.toml"
    path.write_text(config_toml(None) + mara.toml(), "utf-8")  # no transport: a dry run

    result = cli("send", *db, "--config", str(path), *NOW_ARGS)

    assert result.returncode == 0, result.stderr
    assert "refused the login" in result.stderr
    assert "warning: a mailbox could not be read" in result.stderr
    assert "would send: 2" in result.stdout
    assert {d["status"] for d in by_candidate(engine).values()} == {"approved"}
