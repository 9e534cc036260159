"""Connecting to a mailbox: TLS verified (ssl and starttls), a wrong CA refused, a refused
login and an unreachable server each one clear line naming the mailbox, never a secret."""

from __future__ import annotations

import socketserver
import threading

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


class _NoStartTls(socketserver.StreamRequestHandler):
    """An IMAP server that never offers STARTTLS, and remembers every command it was sent."""

    commands: list[bytes] = []

    def handle(self):
        self.wfile.write(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] plain only\r\n")
        for line in self.rfile:
            self.commands.append(line)
            tag, _, rest = line.partition(b" ")
            verb = rest.split(b" ", 1)[0].strip().upper()
            if verb == b"CAPABILITY":
                self.wfile.write(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n")
            if verb == b"LOGOUT":
                self.wfile.write(b"* BYE\r\n" + tag + b" OK bye\r\n")
                return
            self.wfile.write(tag + b" OK done\r\n")


def test_starttls_that_is_not_offered_is_refused_before_the_password_is_sent(monkeypatch):
    monkeypatch.setenv("U", "mara")
    monkeypatch.setenv("P", "Secret-Password-1")
    _NoStartTls.commands = []
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), _NoStartTls) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        table = {"name": "plain", "host": "127.0.0.1", "port": server.server_address[1]}
        settings, box = settings_with(
            table | {"security": "starttls", "username_env": "U", "password_env": "P"}
        )
        try:
            with pytest.raises(MailboxError, match="does not offer STARTTLS"):
                connect(box, settings)
        finally:
            server.shutdown()
    assert not any(b"Secret-Password-1" in line for line in _NoStartTls.commands)
    assert not any(b"LOGIN" in line.upper() for line in _NoStartTls.commands)
