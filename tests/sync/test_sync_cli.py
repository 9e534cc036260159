"""`followups sync` as cron runs it: JSON as the contract says, one line per mailbox, a
refused login named while the other mailbox is still read, and kill -9 losing nothing."""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import time

import pytest
from builders import NOW
from send_team import cli, email_of, email_team, spawn
from sqlalchemy import func, select

from store import models
from tests.support.mail_messages import reply
from tests.support.mailboxes import mailbox_for

NOW_ARGS = ("--now", NOW.isoformat())
CONFIG_HEAD = '[company]\nname = "Acme Robotics"\ndomains = ["acme-robotics.com"]\n'
TOUCHPOINT = models.Touchpoint.__table__


@pytest.fixture
def store(sqlite_engine, tmp_path):
    """c-1 and c-2 with an initial email each; the --db arguments naming the store."""
    email_team("c-1", "c-2").load(sqlite_engine, tmp_path / "export")
    return sqlite_engine, ("--db", str(sqlite_engine.url))


def write_config(tmp_path, *mailboxes) -> tuple[str, str]:
    path = tmp_path / "followups.toml"
    path.write_text(CONFIG_HEAD + "".join(m.toml() for m in mailboxes), encoding="utf-8")
    return ("--config", str(path))


def mail_count(engine) -> int:
    with engine.connect() as conn:
        query = select(func.count()).select_from(TOUCHPOINT).where(TOUCHPOINT.c.source == "mailbox")
        return conn.execute(query).scalar_one()


def test_json_has_the_contracts_counts_for_each_mailbox(store, tmp_path, dovecot, monkeypatch):
    engine, db = store
    mara = mailbox_for(dovecot, monkeypatch, "mara")
    dovecot.append(mara.account, reply(email_of("c-1"), at=NOW), when=NOW)
    config = write_config(tmp_path, mara)

    result = cli("sync", *db, *config, *NOW_ARGS, "--json")

    assert result.returncode == 0, result.stderr
    (box,) = json.loads(result.stdout)["mailboxes"]
    keys = ("name", "fetched", "replies", "auto_replies", "opt_outs", "bounces", "outbound")
    assert {k: box[k] for k in (*keys, "ignored")} == {
        "name": "mara",
        "fetched": 1,
        "replies": 1,
        "auto_replies": 0,
        "opt_outs": 0,
        "bounces": 0,
        "outbound": 0,
        "ignored": 0,
    }
    human = cli("sync", *db, *config, *NOW_ARGS)
    assert human.returncode == 0 and human.stdout == "mara: 0 read\n"


def test_a_refused_login_is_named_and_the_other_mailbox_is_still_read(
    store, tmp_path, dovecot, monkeypatch
):
    engine, db = store
    mara = mailbox_for(dovecot, monkeypatch, "mara")
    team = mailbox_for(dovecot, monkeypatch, "team", recruiter=None)
    dovecot.append(team.account, reply(email_of("c-2"), at=NOW), when=NOW)
    monkeypatch.setenv(mara.table["password_env"], "not-the-password")
    config = write_config(tmp_path, mara, team)

    result = cli("sync", *db, *config, *NOW_ARGS)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: mailbox 'mara' (127.0.0.1:{dovecot.port}): the server refused the login"
    ]
    assert "team: 1 read: 1 replies" in result.stdout
    assert "not-the-password" not in result.stdout + result.stderr
    assert mail_count(engine) == 1
    as_json = cli("sync", *db, *config, *NOW_ARGS, "--json")
    boxes = {b["name"]: b for b in json.loads(as_json.stdout)["mailboxes"]}
    assert as_json.returncode == 1 and "refused the login" in boxes["mara"]["error"]
    assert boxes["team"]["error"] is None


def test_mailbox_option_reads_only_that_one_and_an_unknown_name_is_an_error(
    store, tmp_path, dovecot, monkeypatch
):
    engine, db = store
    mara = mailbox_for(dovecot, monkeypatch, "mara")
    team = mailbox_for(dovecot, monkeypatch, "team", recruiter=None)
    dovecot.append(team.account, reply(email_of("c-2"), at=NOW), when=NOW)
    config = write_config(tmp_path, mara, team)

    only = cli("sync", *db, *config, *NOW_ARGS, "--mailbox", "mara")
    assert only.returncode == 0 and only.stdout == "mara: 0 read\n"
    unknown = cli("sync", *db, *config, *NOW_ARGS, "--mailbox", "nobody")
    assert unknown.returncode == 1
    assert (
        unknown.stderr
        == "error: --mailbox: no [[mailbox]] named 'nobody' (known: 'mara', 'team')\n"
    )


def test_kill_9_mid_sync_loses_nothing_and_duplicates_nothing(
    store, tmp_path, dovecot, monkeypatch
):
    engine, db = store
    mara = mailbox_for(dovecot, monkeypatch, "mara")
    total = 300
    dovecot.append(
        mara.account,
        [reply(email_of(f"c-{1 + i % 2}"), at=NOW, body=f"Answer {i}") for i in range(total)],
        when=NOW,
    )
    config = write_config(tmp_path, mara)
    monkeypatch.setenv("FOLLOWUPS_SYNC_BATCH", "1")  # one transaction per message

    process = spawn("sync", *db, *config, *NOW_ARGS)
    deadline = time.monotonic() + 60
    while mail_count(engine) < 10 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    assert process.poll() is None, "the sync ended before it could be killed; add messages"
    process.send_signal(signal.SIGKILL)
    process.wait()
    stored_before = mail_count(engine)
    assert 0 < stored_before < total

    result = cli("sync", *db, *config, *NOW_ARGS, "--json")

    assert result.returncode == 0, result.stderr
    (box,) = json.loads(result.stdout)["mailboxes"]
    assert box["fetched"] == total - stored_before and box["replies"] == total - stored_before
    assert mail_count(engine) == total
    with engine.connect() as conn:
        ids = conn.execute(select(TOUCHPOINT.c.message_id).where(TOUCHPOINT.c.source == "mailbox"))
        ids = [row[0] for row in ids]
    assert len(set(ids)) == total


def test_without_mailboxes_sync_says_so(store, tmp_path):
    engine, db = store
    result = cli("sync", *db, *write_config(tmp_path), *NOW_ARGS, "--json")
    assert result.returncode == 0 and json.loads(result.stdout) == {"mailboxes": []}


def test_a_recruiter_the_store_does_not_know_is_a_warning(store, tmp_path, dovecot, monkeypatch):
    engine, db = store
    mailbox = mailbox_for(dovecot, monkeypatch, "mara", recruiter="mara")  # the team has sam only
    result = cli("sync", *db, *write_config(tmp_path, mailbox), *NOW_ARGS)
    assert result.returncode == 0
    assert result.stderr == (
        "warning: mailbox 'mara': recruiter 'mara' is not in the store; "
        "its sent mail is stored under that name anyway\n"
    )


def test_on_a_terminal_a_sync_shows_progress_and_still_ends_with_its_line(
    store, tmp_path, dovecot, monkeypatch
):
    engine, db = store
    mailbox = mailbox_for(dovecot, monkeypatch, "mara")
    dovecot.append(mailbox.account, [reply(email_of("c-1"), at=NOW)] * 3, when=NOW)
    controller, terminal = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-c", "from tui.cli import main; main()", "sync", *db]
            + [*write_config(tmp_path, mailbox), *NOW_ARGS],
            stderr=terminal,
            stdout=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(terminal)
        os.close(controller)
    assert done.returncode == 0
    assert done.stdout == "mara: 3 read: 1 replies, 2 ignored\n"


def test_two_syncs_at_once_store_everything_once(engine, tmp_path, dovecot, monkeypatch):
    """cron's `sync` and the one `send` starts may overlap: both finish, nothing twice."""
    email_team("c-1", "c-2").load(engine, tmp_path / "export")
    db = ("--db", engine.url.render_as_string(hide_password=False))
    mara = mailbox_for(dovecot, monkeypatch, "mara")
    total = 120
    dovecot.append(
        mara.account,
        [reply(email_of(f"c-{1 + i % 2}"), at=NOW, body=f"Answer {i}") for i in range(total)],
        when=NOW,
    )
    config = write_config(tmp_path, mara)
    monkeypatch.setenv("FOLLOWUPS_SYNC_BATCH", "3")

    runs = [spawn("sync", *db, *config, *NOW_ARGS, "--json") for _ in range(2)]
    outputs = [run.communicate(timeout=180) for run in runs]

    assert [run.returncode for run in runs] == [0, 0], [err for _, err in outputs]
    replies = sum(json.loads(out)["mailboxes"][0]["replies"] for out, _ in outputs)
    assert replies == total  # each message stored by exactly one of the two
    assert mail_count(engine) == total
    with engine.connect() as conn:
        last_uid = conn.execute(
            select(models.MailboxFolder.__table__.c.last_uid).where(
                models.MailboxFolder.__table__.c.folder == "INBOX"
            )
        ).scalar_one()
    assert last_uid == total


def test_a_connection_lost_mid_sync_keeps_what_was_stored_and_the_next_sync_resumes(
    store, tmp_path, dovecot, monkeypatch
):
    engine, db = store
    mara = mailbox_for(dovecot, monkeypatch, "mara")
    total = 300
    dovecot.append(
        mara.account,
        [reply(email_of(f"c-{1 + i % 2}"), at=NOW, body=f"Answer {i}") for i in range(total)],
        when=NOW,
    )
    config = write_config(tmp_path, mara)
    monkeypatch.setenv("FOLLOWUPS_SYNC_BATCH", "1")

    process = spawn("sync", *db, *config, *NOW_ARGS, "--json")
    deadline = time.monotonic() + 60
    while mail_count(engine) < 10 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    assert dovecot.drop_connections(mara.account) == 1, "the sync ended before the cut"
    out, err = process.communicate(timeout=60)

    assert process.returncode == 1
    assert err.startswith("error: mailbox 'mara': connection lost: ") and err.count("\n") == 1
    (box,) = json.loads(out)["mailboxes"]
    stored_before = mail_count(engine)
    assert 0 < stored_before < total and box["replies"] == stored_before  # committed = counted
    again = cli("sync", *db, *config, *NOW_ARGS, "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["mailboxes"][0]["replies"] == total - stored_before
    assert mail_count(engine) == total
