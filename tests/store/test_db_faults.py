"""`--db` that is not a followups store (issue 13): one clear line, no "unexpected", no
password, and the file it names left byte for byte as it was."""

from __future__ import annotations

import sqlite3

import pytest
from faults import assert_clear_error, file_digest, run_cli

PASSWORD = "pg-s3cret-771"

# name -> (--db value, made from tmp_path; words the message must hold)
URLS = {
    "an uninstalled driver": (f"mysql://bot:{PASSWORD}@127.0.0.1/x", "driver is not installed"),
    "another uninstalled driver": ("oracle://bot@127.0.0.1/x", "driver is not installed"),
    "an unknown kind": ("foo://x", "not a kind of database"),
    "a web address": ("https://example.org/db", "not a kind of database"),
    "no scheme at all": ("://", "not a database URL"),
    "a broken host": (f"postgresql://bot:{PASSWORD}@[::1/x", "not a database URL"),
    "a closed port": (f"postgresql+psycopg://bot:{PASSWORD}@127.0.0.1:1/x", "cannot open database"),
}

FILES = {
    "a text file": b"hello, I am a shopping list\n",
    "random bytes": bytes(range(256)) * 40,
    "a truncated SQLite header": b"SQLite format 3\x00" + b"\x00" * 50,
}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in ("FOLLOWUPS_DB", "FOLLOWUPS_CONFIG"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("command", [["drafts", "list"], ["import", "."], ["init"]])
@pytest.mark.parametrize("case", list(URLS))
def test_a_bad_url_is_one_clear_line(case, command, capsys):
    url, words = URLS[case]
    result = run_cli(capsys, *command, "--db", url)
    assert_clear_error(result, words, secret=PASSWORD)
    assert len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize("command", [["drafts", "list"], ["automation", "off"], ["init"]])
@pytest.mark.parametrize("case", list(FILES))
def test_a_file_that_is_not_a_database_is_left_alone(case, command, tmp_path, capsys):
    path = tmp_path / "notes.db"
    path.write_bytes(FILES[case])
    before = file_digest(path)
    result = run_cli(capsys, *command, "--db", str(path))
    assert_clear_error(result, "notes.db", "not a SQLite database")
    assert file_digest(path) == before


def test_another_applications_database_is_never_migrated(tmp_path, capsys):
    path = tmp_path / "crm.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        conn.execute("INSERT INTO customers (name) VALUES ('Initech')")
    before = file_digest(path)
    result = run_cli(capsys, "automation", "off", "--db", str(path))
    assert_clear_error(result, "crm.db", "not a followups store", "customers")
    assert file_digest(path) == before


def test_a_folder_as_the_store_is_one_line(tmp_path, capsys):
    (tmp_path / "store.db").mkdir()
    result = run_cli(capsys, "automation", "off", "--db", str(tmp_path / "store.db"))
    assert_clear_error(result, "store.db")
