"""Bad configs, cause by cause (issue 13): one clear line naming the file and the key, and
never a value from a `*_env` key or a credential from a URL, whatever command was run."""

from __future__ import annotations

import pytest
from faults import assert_clear_error, dump, run_cli

SECRET = "Hunter2-s3cr3t-9f8e7d"

# name -> (config text, key the error must name). {secret} is replaced by SECRET.
SECRET_CASES = {
    "password typed into password_env": (
        '[send.smtp]\npassword_env = "{secret}"\n',
        "send.smtp.password_env",
    ),
    "username typed into username_env": (
        '[send.smtp]\nusername_env = "{secret}"\n',
        "send.smtp.username_env",
    ),
    "API key typed into api_key_env": ('[llm]\napi_key_env = "sk-{secret}"\n', "llm.api_key_env"),
    "a PIN as a number": ("[send.smtp]\npassword_env = 73519246\n", "send.smtp.password_env"),
    "a secret in a list": ('[llm]\napi_key_env = ["{secret}"]\n', "llm.api_key_env"),
    "spaces in the name": ('[llm]\napi_key_env = "my key {secret}"\n', "llm.api_key_env"),
    "password in base_url": (
        '[llm]\nbase_url = "http://bot:{secret}@127.0.0.1:8000/v1"\n',
        "llm.base_url",
    ),
    "user in base_url": (
        '[llm]\nbase_url = "https://{secret}@llm.example.com/v1"\n',
        "llm.base_url",
    ),
    "key in base_url's query": (
        '[llm]\nbase_url = "https://llm.example.com/v1?api_key={secret}"\n',
        "llm.base_url",
    ),
}

PLAIN_CASES = {
    "base_url without a scheme": ('[llm]\nbase_url = "127.0.0.1:8000/v1"\n', "llm.base_url"),
    "base_url on ftp": ('[llm]\nbase_url = "ftp://llm.example.com/v1"\n', "llm.base_url"),
    "base_url without a host": ('[llm]\nbase_url = "http:///v1"\n', "llm.base_url"),
    "base_url with a bad port": ('[llm]\nbase_url = "http://127.0.0.1:99999/v1"\n', "llm.base_url"),
    "base_url with spaces": ('[llm]\nbase_url = "http://llm example/v1"\n', "llm.base_url"),
    "from without a domain": ('[send]\nfrom = "nobody"\n', "send.from"),
    "from with a dotless domain": ('[send]\nfrom = "Talent <talent@acme>"\n', "send.from"),
    "from with two addresses": ('[send]\nfrom = "a@acme.test, b@acme.test"\n', "send.from"),
    "from with a bad address": ('[send]\nfrom = "Talent <t..x@acme.test>"\n', "send.from"),
    "from with a header injected": (
        '[send]\nfrom = "t@acme.test\\r\\nBcc: all@example.org"\n',
        "send.from",
    ),
    "list_unsubscribe as a web address": (
        '[send]\nlist_unsubscribe = "https://acme.test/stop"\n',
        "send.list_unsubscribe",
    ),
    "list_unsubscribe without a domain": (
        '[send]\nlist_unsubscribe = "mailto:stop"\n',
        "send.list_unsubscribe",
    ),
    "list_unsubscribe with a header injected": (
        '[send]\nlist_unsubscribe = "mailto:stop@acme.test\\r\\nBcc: all@example.org"\n',
        "send.list_unsubscribe",
    ),
    "opt_out_line with an escape": (
        '[send]\nopt_out_line = "Reply stop\\u001b[2J"\n',
        "send.opt_out_line",
    ),
    "unknown key id": ('[review.keys]\naprove = "y"\n', "review.keys.aprove"),
    "a made-up key id": ('[review.keys]\nlaunch_missiles = "m"\n', "review.keys.launch_missiles"),
    "two actions on one key": (
        '[review.keys]\napprove = "y"\nreject = "y"\n',
        "review.keys.approve",
    ),
    "a remap onto another action's key": ('[review.keys]\napprove = "r"\n', "review.keys.approve"),
    "an empty key": ('[review.keys]\napprove = ""\n', "review.keys.approve"),
    "a missing templates_dir": (
        '[drafting]\ntemplates_dir = "no-such-folder"\n',
        "drafting.templates_dir",
    ),
    "an outbox_dir that is a file": (
        '[send]\nemail_transport = "outbox"\noutbox_dir = "a-file"\n',
        "send.outbox_dir",
    ),
    "a domain with a space": ('[company]\ndomains = ["acme robotics.com"]\n', "company.domains[0]"),
    "an empty domain": ('[company]\ndomains = ["acme.test", ""]\n', "company.domains[1]"),
    "1 MB of a bad value": ('[drafting]\nengine = "' + "x" * 1_000_000 + '"\n', "drafting.engine"),
    "escapes in a bad value": (
        '[drafting]\nengine = "\\u001b]52;c;aGk=\\u0007"\n',
        "drafting.engine",
    ),
}


@pytest.fixture
def store(sqlite_url, tmp_path, monkeypatch, capsys) -> str:
    """An empty, migrated store and a clean working folder."""
    monkeypatch.chdir(tmp_path)
    for name in ("FOLLOWUPS_DB", "FOLLOWUPS_CONFIG", "FOLLOWUPS_USER"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "a-file").write_text("not a folder\n")
    assert run_cli(capsys, "automation", "on", "--db", sqlite_url).code == 0
    return sqlite_url


def _config(tmp_path, text: str):
    path = tmp_path / "followups.toml"
    path.write_text(text.replace("{secret}", SECRET), encoding="utf-8")
    return str(path)


COMMANDS = {
    "automation off": ["automation", "off"],
    "send": ["send", "--dry-run"],
    "drafts list": ["drafts", "list", "--json"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("case", list(SECRET_CASES))
def test_a_secret_in_the_wrong_place_is_never_printed(case, command, store, tmp_path, capsys):
    text, key = SECRET_CASES[case]
    before = dump(store)
    result = run_cli(capsys, *COMMANDS[command], "--config", _config(tmp_path, text), "--db", store)
    assert_clear_error(result, "followups.toml", key, secret=SECRET)
    assert "73519246" not in result.text
    assert dump(store) == before


@pytest.mark.parametrize("case", list(PLAIN_CASES))
def test_a_bad_key_is_one_clear_line(case, store, tmp_path, capsys):
    text, key = PLAIN_CASES[case]
    before = dump(store)
    config = _config(tmp_path, text)
    result = run_cli(capsys, "automation", "off", "--config", config, "--db", store)
    assert_clear_error(result, "followups.toml", key)
    assert len(result.err.strip().splitlines()) == 1
    assert dump(store) == before


def test_init_creates_the_templates_dir_its_config_names(tmp_path, capsys, monkeypatch):
    """templates_dir must exist once set, but `init` is what creates it."""
    monkeypatch.chdir(tmp_path)
    result = run_cli(capsys, "init", "--db", str(tmp_path / "s.db"))
    assert result.code == 0, result.err
    assert (tmp_path / "templates").is_dir()
    again = run_cli(capsys, "drafts", "list", "--db", str(tmp_path / "s.db"))
    assert again.code == 0, again.err


def test_good_values_still_load(tmp_path, store, capsys):
    text = (
        '[company]\ndomains = ["@ACME-Robotics.com.", "bücher.de"]\n'
        '[llm]\nbase_url = "https://llm.example.com:8443/v1?api-version=2024-06-01"\n'
        'api_key_env = "OPENAI_API_KEY"\n'
        '[send]\nfrom = "Acme Talent <talent@acme-robotics.com>"\n'
        '[review.keys]\napprove = "y"\nreject = "x"\nhelp = "?,h"\n'
    )
    result = run_cli(capsys, "drafts", "list", "--config", _config(tmp_path, text), "--db", store)
    assert result.code == 0, result.err
