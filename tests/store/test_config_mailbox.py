"""[[mailbox]] tables: every bad key one line naming the mailbox and the key, no secret shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import FollowupsError
from store.config import load_settings
from store.config_mailbox import is_loopback

GOOD = """
[[mailbox]]
name = "mara"
recruiter = "mara"
host = "imap.example.com"
port = 993
security = "ssl"
username_env = "FOLLOWUPS_IMAP_USER"
password_env = "FOLLOWUPS_IMAP_PASSWORD"
folders = ["INBOX"]
sent_folders = ["Sent"]
since_days = 90
"""


@pytest.fixture(autouse=True)
def no_ambient_config(monkeypatch, tmp_path):
    monkeypatch.delenv("FOLLOWUPS_CONFIG", raising=False)
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)


def load(tmp_path: Path, text: str):
    path = tmp_path / "followups.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(str(path))


def problem(tmp_path: Path, text: str) -> str:
    with pytest.raises(FollowupsError) as caught:
        load(tmp_path, text)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_the_contract_example_loads(tmp_path):
    settings = load(tmp_path, GOOD)
    (box,) = settings.mailbox
    assert (box.name, box.recruiter, box.host, box.effective_port) == (
        "mara",
        "mara",
        "imap.example.com",
        993,
    )
    assert box.folders == ["INBOX"] and box.sent_folders == ["Sent"]
    assert box.since_days == 90


def test_no_mailbox_by_default(tmp_path):
    assert load(tmp_path, "").mailbox == []


def test_defaults_tls_on_and_the_usual_port(tmp_path):
    (box,) = load(tmp_path, '[[mailbox]]\nname = "team"\nhost = "imap.example.com"\n').mailbox
    assert box.security == "ssl" and box.effective_port == 993
    assert box.folders == ["INBOX"] and box.sent_folders == []
    (box,) = load(
        tmp_path, '[[mailbox]]\nname = "t"\nhost = "imap.example.com"\nsecurity = "starttls"\n'
    ).mailbox
    assert box.effective_port == 143


def test_several_mailboxes_and_unique_names(tmp_path):
    two = GOOD + GOOD.replace('"mara"', '"sam"')
    assert [b.name for b in load(tmp_path, two).mailbox] == ["mara", "sam"]
    message = problem(tmp_path, GOOD + GOOD)
    assert "mailbox 'mara': name:" in message and "unique" in message


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "127.0.0.53"])
def test_none_is_allowed_on_loopback(tmp_path, host):
    text = f'[[mailbox]]\nname = "local"\nhost = "{host}"\nsecurity = "none"\nport = 1143\n'
    assert load(tmp_path, text).mailbox[0].security == "none"


@pytest.mark.parametrize("host", ["imap.example.com", "10.0.0.5", "localhost.evil.com"])
def test_none_is_refused_off_loopback(tmp_path, host):
    message = problem(tmp_path, f'[[mailbox]]\nname = "x"\nhost = "{host}"\nsecurity = "none"\n')
    assert "mailbox 'x': security:" in message and "loopback" in message
    assert not is_loopback(host)


def test_unknown_security_and_keys_name_the_mailbox(tmp_path):
    message = problem(tmp_path, GOOD.replace('"ssl"', '"tls"'))
    assert "mailbox 'mara': security:" in message
    message = problem(tmp_path, GOOD + "sincedays = 3\n")
    assert "mailbox 'mara': unknown key 'sincedays'" in message


def test_a_table_without_a_name_is_named_by_position(tmp_path):
    message = problem(tmp_path, GOOD + '\n[[mailbox]]\nhost = "imap.example.com"\n')
    assert "mailbox #2: name:" in message


def test_secret_pasted_as_an_env_name_is_never_printed(tmp_path):
    message = problem(tmp_path, GOOD.replace('"FOLLOWUPS_IMAP_PASSWORD"', '"Hunter2 secret!"'))
    assert "mailbox 'mara': password_env:" in message
    assert "Hunter2" not in message
    message = problem(tmp_path, GOOD.replace('"FOLLOWUPS_IMAP_USER"', '"mara@example.com"'))
    assert "username_env" in message and "mara@example.com" not in message


@pytest.mark.parametrize("days", ["0", "-3", "2.5"])
def test_since_days_must_be_a_positive_whole_number(tmp_path, days):
    message = problem(tmp_path, GOOD.replace("since_days = 90", f"since_days = {days}"))
    assert "mailbox 'mara': since_days:" in message


def test_ca_file_must_exist_relative_to_the_config(tmp_path):
    text = GOOD + 'ca_file = "certs/team-ca.pem"\n'
    message = problem(tmp_path, text)
    assert "mailbox 'mara': ca_file: no file 'certs/team-ca.pem'" in message
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "team-ca.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    assert load(tmp_path, text).mailbox[0].ca_file == "certs/team-ca.pem"


def test_folders_must_be_a_list_of_names(tmp_path):
    assert "folders:" in problem(tmp_path, GOOD.replace('folders = ["INBOX"]', 'folders = "INBOX"'))
    assert "folders:" in problem(tmp_path, GOOD.replace('folders = ["INBOX"]', "folders = []"))
    message = problem(tmp_path, GOOD.replace('["Sent"]', '["Sent", "INBOX"]'))
    assert "sent_folders:" in message


def test_host_with_control_characters_is_refused_without_echoing_them(tmp_path):
    message = problem(tmp_path, GOOD.replace("imap.example.com", "imap\\u001b[31m.example.com"))
    assert "mailbox 'mara': host:" in message and "\x1b" not in message


def test_a_single_mailbox_table_instead_of_an_array(tmp_path):
    message = problem(tmp_path, '[mailbox]\nname = "x"\nhost = "imap.example.com"\n')
    assert message.count("mailbox") >= 1 and "[[mailbox]]" in message


def test_the_example_config_shows_a_mailbox_that_loads_once_uncommented(tmp_path):
    from importlib import resources

    example = resources.files("store").joinpath("followups.example.toml").read_text("utf-8")
    block = example[example.index("# [[mailbox]]") :]
    uncommented = "\n".join(line.removeprefix("# ") for line in block.splitlines())
    (box,) = load(tmp_path, uncommented).mailbox
    assert box.name == "mara" and box.security == "ssl" and box.ca_file == ""


@pytest.mark.parametrize("size", ["0", "11", "true"])
def test_max_message_mb_is_a_number_up_to_ten(tmp_path, size):
    assert "max_message_mb:" in problem(tmp_path, GOOD + f"max_message_mb = {size}\n")
