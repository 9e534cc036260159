"""Connecting to a mailbox: TLS verified (ssl and starttls), a wrong CA refused, a refused
login and an unreachable server each one clear line naming the mailbox, never a secret."""

from __future__ import annotations

import pytest

from drafts.mailbox.imap import MailboxError, connect
from store.config import Settings
from store.config_mailbox import MailboxSettings
from testkit.dovecot import free_port
from tests.support.mailboxes import mailbox_for


def settings_with(box: dict) -> tuple[Settings, MailboxSettings]:
    settings = Settings.model_validate({"mailbox": [box]})
    return settings, settings.mailbox[0]


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_tls_with_the_private_ca_logs_in(dovecot, monkeypatch, security):
    mailbox = mailbox_for(dovecot, monkeypatch, security=security)
    settings, box = settings_with(mailbox.table)
    client = connect(box, settings)
    try:
        assert client.select_folder("INBOX", readonly=True)[b"EXISTS"] == 0
        # The session really is encrypted, not merely offered TLS.
        assert client.socket().version() in ("TLSv1.2", "TLSv1.3")
    finally:
        client.logout()


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_a_certificate_from_another_ca_is_refused(dovecot, monkeypatch, security):
    mailbox = mailbox_for(
        dovecot, monkeypatch, security=security, ca_file=str(dovecot.wrong_ca_file)
    )
    settings, box = settings_with(mailbox.table)
    with pytest.raises(MailboxError) as caught:
        connect(box, settings)
    message = str(caught.value)
    assert message.startswith("mailbox 'mara' (127.0.0.1:")
    assert "certificate is not trusted" in message and "\n" not in message


def test_without_ca_file_the_system_cas_do_not_trust_a_private_server(dovecot, monkeypatch):
    mailbox = mailbox_for(dovecot, monkeypatch, security="ssl")
    table = {k: v for k, v in mailbox.table.items() if k != "ca_file"}
    settings, box = settings_with(table)
    with pytest.raises(MailboxError, match="certificate is not trusted"):
        connect(box, settings)


def test_a_refused_login_names_the_mailbox_and_never_the_password(dovecot, monkeypatch):
    mailbox = mailbox_for(dovecot, monkeypatch)
    monkeypatch.setenv(mailbox.table["password_env"], "Wrong-Secret-123")
    settings, box = settings_with(mailbox.table)
    with pytest.raises(MailboxError) as caught:
        connect(box, settings)
    message = str(caught.value)
    assert "mailbox 'mara'" in message and "refused the login" in message
    assert "Wrong-Secret-123" not in message and mailbox.account.password not in message


def test_an_unset_credential_variable_is_named(dovecot, monkeypatch):
    mailbox = mailbox_for(dovecot, monkeypatch)
    monkeypatch.delenv(mailbox.table["password_env"])
    settings, box = settings_with(mailbox.table)
    with pytest.raises(MailboxError, match="IMAP_PASSWORD_MARA .password_env. is not set"):
        connect(box, settings)


def test_an_unreachable_server_is_one_line(monkeypatch):
    monkeypatch.setenv("U", "x")
    monkeypatch.setenv("P", "y")
    table = {"name": "gone", "host": "127.0.0.1", "port": free_port(), "security": "none"}
    settings, box = settings_with(table | {"username_env": "U", "password_env": "P"})
    with pytest.raises(MailboxError, match=r"^mailbox 'gone' \(127.0.0.1:\d+\): cannot connect: "):
        connect(box, settings)
