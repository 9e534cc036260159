"""`followups sync` against a real Dovecot: incremental, idempotent, bounded, never marks read.

Each test builds a team through the real importer, puts mail into its own Dovecot user by
IMAP APPEND, syncs, and checks what the store holds.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from builders import DAY, NOW, make_settings
from send_team import email_of, email_team
from sqlalchemy import select

from drafts.mailbox.sync import sync_mailboxes
from store import models
from store.config_mailbox import MailboxSettings
from store.mailbox import folder_state
from tests.support.mail_messages import reply
from tests.support.mailboxes import Mailbox, mailbox_for

TOUCHPOINT = models.Touchpoint.__table__
HOUR = timedelta(hours=1)


@pytest.fixture
def team_store(sqlite_engine, tmp_path):
    """c-1 and c-2, each sent an initial email by sam ten days before NOW."""
    email_team("c-1", "c-2").load(sqlite_engine, tmp_path / "export")
    return sqlite_engine


@pytest.fixture
def any_store(engine, tmp_path):
    """The same team on SQLite, then on PostgreSQL (when FOLLOWUPS_TEST_PG is set)."""
    email_team("c-1", "c-2").load(engine, tmp_path / "export")
    return engine


def settings_for(*mailboxes: Mailbox):
    settings = make_settings()
    boxes = [MailboxSettings.model_validate(m.table) for m in mailboxes]
    return settings.model_copy(update={"mailbox": boxes})


def mail_touchpoints(engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(TOUCHPOINT)
            .where(TOUCHPOINT.c.source == "mailbox")
            .order_by(TOUCHPOINT.c.occurred_at)
        )
        return [dict(r._mapping) for r in rows]


def sync(engine, *mailboxes: Mailbox, now=NOW):
    reports = sync_mailboxes(engine, settings_for(*mailboxes), now=now)
    assert all(r.error is None for r in reports), [r.error for r in reports]
    return reports[0] if len(reports) == 1 else reports


def test_a_reply_is_stored_once_across_syncs_and_stays_unread(any_store, dovecot, monkeypatch):
    team_store = any_store
    mailbox = mailbox_for(dovecot, monkeypatch)
    dovecot.append(
        mailbox.account,
        [
            reply(email_of("c-1"), at=NOW - 2 * HOUR),
            reply("stranger@example.org", at=NOW - HOUR, subject="Lunch?"),
        ],
        when=NOW - HOUR,
    )

    first = sync(team_store, mailbox)
    again = sync(team_store, mailbox)

    assert (first.fetched, first.counts["replies"], first.counts["ignored"]) == (2, 1, 1)
    assert again.fetched == 0
    with team_store.connect() as conn:
        state = folder_state(conn, "mara", "INBOX")
    assert state.last_uid == 2 and state.highest_modseq  # Dovecot has CONDSTORE
    (stored,) = mail_touchpoints(team_store)
    assert (stored["candidate_id"], stored["direction"], stored["channel"]) == (
        "c-1",
        "inbound",
        "email",
    )
    assert (stored["mailbox"], stored["folder"]) == ("mara", "INBOX")
    assert stored["message_id"]
    with dovecot.client(mailbox.account) as imap:
        imap.select_folder("INBOX", readonly=True)
        flags = imap.get_flags(imap.search("ALL"))
    assert all(b"\\Seen" not in f for f in flags.values())  # BODY.PEEK: still unread

    dovecot.append(mailbox.account, reply(email_of("c-2"), at=NOW), when=NOW)
    third = sync(team_store, mailbox, now=NOW + HOUR)
    assert (third.fetched, third.counts["replies"]) == (1, 1)
    assert [t["candidate_id"] for t in mail_touchpoints(team_store)] == ["c-1", "c-2"]


def test_a_changed_uidvalidity_rereads_without_duplicating(any_store, dovecot, monkeypatch):
    team_store = any_store
    mailbox = mailbox_for(dovecot, monkeypatch, folders=["Replies"])
    with dovecot.client(mailbox.account) as imap:
        imap.create_folder("Replies")
    first_reply = reply(email_of("c-1"), at=NOW - 3 * HOUR)
    dovecot.append(mailbox.account, first_reply, folder="Replies", when=NOW - 3 * HOUR)
    assert sync(team_store, mailbox).counts["replies"] == 1
    with team_store.connect() as conn:
        before = folder_state(conn, "mara", "Replies").uidvalidity

    dovecot.recreate_folder(mailbox.account, "Replies")
    dovecot.append(
        mailbox.account,
        [first_reply, reply(email_of("c-2"), at=NOW - HOUR)],
        folder="Replies",
        when=NOW - HOUR,
    )
    report = sync(team_store, mailbox)

    assert report.reread_folders == ["Replies"] and report.fetched == 2
    assert report.counts["replies"] == 1  # the re-read copy of the first reply is known
    assert sorted(t["candidate_id"] for t in mail_touchpoints(team_store)) == ["c-1", "c-2"]
    with team_store.connect() as conn:
        assert folder_state(conn, "mara", "Replies").uidvalidity != before


def test_of_a_20_mb_message_only_the_head_is_read_so_a_reply_with_a_cv_still_counts(
    team_store, dovecot, monkeypatch
):
    mailbox = mailbox_for(dovecot, monkeypatch)
    big = 20 * 1024 * 1024
    dovecot.append(
        mailbox.account,
        [
            reply(email_of("c-1"), at=NOW - 2 * HOUR, body="My CV is attached.", size=big),
            reply("stranger@example.org", at=NOW - 2 * HOUR, size=big),
            reply(email_of("c-2"), at=NOW - HOUR),
        ],
        when=NOW - HOUR,
    )
    appended = len(dovecot.bytes_sent_to(mailbox.account, sessions=2))

    report = sync(team_store, mailbox)

    assert report.fetched == 3 and report.too_large == 2
    assert (report.counts["replies"], report.counts["ignored"]) == (2, 1)
    stored = mail_touchpoints(team_store)
    assert [t["candidate_id"] for t in stored] == ["c-1", "c-2"]
    assert "My CV is attached." in stored[0]["body"]
    # The sync's session received well under a megabyte: the attachments stayed on the server.
    sent = dovecot.bytes_sent_to(mailbox.account, sessions=appended + 1)
    assert len(sent) == appended + 1 and sent[-1] < 1_000_000
    assert sync(team_store, mailbox).fetched == 0  # settled: not looked at again


def test_the_first_sync_reads_since_days_back(team_store, dovecot, monkeypatch):
    mailbox = mailbox_for(dovecot, monkeypatch, since_days=5)
    dovecot.append(mailbox.account, reply(email_of("c-1"), at=NOW - 8 * DAY), when=NOW - 8 * DAY)
    dovecot.append(mailbox.account, reply(email_of("c-2"), at=NOW - 2 * DAY), when=NOW - 2 * DAY)

    report = sync(team_store, mailbox)

    assert report.fetched == 1
    assert [t["candidate_id"] for t in mail_touchpoints(team_store)] == ["c-2"]


def test_sent_folder_mail_is_the_recruiters_outbound(team_store, dovecot, monkeypatch):
    mailbox = mailbox_for(dovecot, monkeypatch, recruiter="sam")
    sent = reply("sam@acme-robotics.com", to=email_of("c-2"), at=NOW - HOUR, subject="Call?")
    dovecot.append(mailbox.account, sent, folder="Sent", when=NOW - HOUR)

    report = sync(team_store, mailbox)

    assert report.counts["outbound"] == 1
    (stored,) = mail_touchpoints(team_store)
    assert (stored["candidate_id"], stored["direction"], stored["recruiter"]) == (
        "c-2",
        "outbound",
        "sam",
    )
    assert stored["folder"] == "Sent"


def test_a_missing_folder_is_named_and_the_others_are_still_read(team_store, dovecot, monkeypatch):
    mailbox = mailbox_for(dovecot, monkeypatch, folders=["Gone", "INBOX"])
    dovecot.append(mailbox.account, reply(email_of("c-1"), at=NOW - HOUR), when=NOW - HOUR)

    (report,) = sync_mailboxes(team_store, settings_for(mailbox), now=NOW)

    assert report.error.startswith("mailbox 'mara': folder 'Gone': ")
    assert "b'" not in report.error and "\n" not in report.error
    assert report.counts["replies"] == 1


def test_folder_names_beyond_ascii_are_read(team_store, dovecot, monkeypatch):
    """Outlook in French keeps sent mail in "Éléments envoyés" (modified UTF-7 on the wire)."""
    mailbox = mailbox_for(dovecot, monkeypatch, sent_folders=["Éléments envoyés"])
    with dovecot.client(mailbox.account) as imap:
        imap.create_folder("Éléments envoyés")
    sent = reply("sam@acme-robotics.com", to=email_of("c-1"), at=NOW - HOUR, subject="Appel ?")
    dovecot.append(mailbox.account, sent, folder="Éléments envoyés", when=NOW - HOUR)

    report = sync(team_store, mailbox)

    assert report.counts["outbound"] == 1
    assert [t["folder"] for t in mail_touchpoints(team_store)] == ["Éléments envoyés"]


def test_a_reply_without_message_id_is_stored_once_even_when_its_folder_is_reread(
    team_store, dovecot, monkeypatch
):
    mailbox = mailbox_for(dovecot, monkeypatch, folders=["Replies"])
    with dovecot.client(mailbox.account) as imap:
        imap.create_folder("Replies")
    anonymous = reply(email_of("c-1"), at=NOW - HOUR).replace(b"Message-ID:", b"X-Old-Id:")
    dovecot.append(mailbox.account, anonymous, folder="Replies", when=NOW - HOUR)
    assert sync(team_store, mailbox).counts["replies"] == 1

    dovecot.recreate_folder(mailbox.account, "Replies")
    dovecot.append(mailbox.account, anonymous, folder="Replies", when=NOW - HOUR)
    again = sync(team_store, mailbox)

    assert again.reread_folders == ["Replies"] and again.fetched == 1
    assert again.counts["replies"] == 0
    assert len(mail_touchpoints(team_store)) == 1
