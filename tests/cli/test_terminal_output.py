"""Stored and remote text never reaches a terminal as control characters (issue 13).

Hostile text is written straight into the store, as an older version, a mailbox or a
server reply could have left it, then every list command is run as a user would run it.
Nothing that acts on a terminal may come out; the rest of the text must still be there;
--json must give back exactly what is stored (escaped, not dropped).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

FOLLOWUPS = Path(sys.executable).with_name("followups")
NOW = "2025-11-14T09:00:00Z"

# Clear screen, OSC 52 (set the clipboard), a CSI in its C1 form, a bell, a bidi override.
HOSTILE = "Mallory\x1b[2J\x1b]52;c;cm0gLXJmIH4=\x07\x9b31m\u202eevil"
FORBIDDEN = ("\x1b", "\x07", "\x9b", "\u202e")


def run(*args: str, cwd: Path, env_extra: dict[str, str] | None = None):
    env = {**os.environ, "NO_COLOR": "", "COLUMNS": "200", **(env_extra or {})}
    env.pop("FOLLOWUPS_DB", None)
    return subprocess.run(
        [str(FOLLOWUPS), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120
    )


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    done = run("demo", "--db", str(folder / "s.db"), "--now", NOW, cwd=folder)
    assert done.returncode == 0, done.stderr
    engine = create_engine(f"sqlite:///{folder / 's.db'}")
    with engine.begin() as conn:
        cid = conn.execute(text("SELECT candidate_id FROM candidate LIMIT 1")).scalar_one()
        conn.execute(
            text("UPDATE candidate SET full_name = :h, notes = :h WHERE candidate_id = :c"),
            {"h": HOSTILE, "c": cid},
        )
        conn.execute(text("UPDATE draft SET body = :h, subject = :h"), {"h": HOSTILE})
        conn.execute(text("UPDATE flag SET message = :h"), {"h": HOSTILE})
        conn.execute(
            text(
                "INSERT INTO decision (at, actor, action, reason, detail)"
                " VALUES ('2025-11-14 08:00:00', :h, 'reject', :h, '{}')"
            ),
            {"h": HOSTILE},
        )
    engine.dispose()
    return folder


LISTS = [
    ("threads", "list"),
    ("drafts", "list"),
    ("drafts", "list", "--status", "pending"),
    ("audit",),
    ("stats",),
    ("spotcheck", "concerns"),
    ("suppress", "list"),
]


@pytest.mark.parametrize("command", LISTS, ids=lambda c: " ".join(c))
def test_list_commands_print_no_control_characters(hostile_store, command):
    done = run(*command, "--db", "s.db", cwd=hostile_store)
    assert done.returncode == 0, done.stderr
    for stream in (done.stdout, done.stderr):
        assert not [c for c in FORBIDDEN if c in stream], stream[:2000]


def test_the_rest_of_the_hostile_text_is_still_shown(hostile_store):
    """Cleaning drops the control characters only: a lead still sees who decided what."""
    done = run("audit", "--db", "s.db", cwd=hostile_store)
    assert "Mallory[2J]52;c;cm0gLXJmIH4=31mevil" in done.stdout


@pytest.mark.parametrize(
    "command", [("drafts", "list"), ("audit",), ("threads", "list")], ids=lambda c: " ".join(c)
)
def test_json_escapes_what_acts_on_a_terminal_and_round_trips(hostile_store, command):
    done = run(*command, "--json", "--db", "s.db", cwd=hostile_store)
    assert done.returncode == 0, done.stderr
    assert not [c for c in FORBIDDEN if c in done.stdout]
    assert HOSTILE in set(_strings(json.loads(done.stdout)))


def _strings(value):
    """Every string inside a parsed JSON document."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.mark.parametrize("name", ["dana\x1b]52;c;eA==\x07", "dana\x9b2J", "dana\nroot", "x" * 101])
def test_a_reviewer_name_with_control_characters_is_refused(hostile_store, name):
    """--as and $FOLLOWUPS_USER name who decided: an escape sequence is never a name."""
    engine = create_engine(f"sqlite:///{hostile_store / 's.db'}")
    with engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM decision")).scalar_one()
        draft_id = conn.execute(
            text("SELECT id FROM draft WHERE status IN ('approved', 'sent') LIMIT 1")
        ).scalar()
    for how in ("flag", "env"):
        args = ["spotcheck", "mark", str(draft_id or 1), "ok", "--db", "s.db"]
        extra = {}
        if how == "flag":
            args += ["--as", name]
        else:
            extra["FOLLOWUPS_USER"] = name
        done = run(*args, cwd=hostile_store, env_extra=extra)
        assert done.returncode != 0
        assert "reviewer name" in done.stderr and len(done.stderr.splitlines()) == 1
        assert not [c for c in FORBIDDEN if c in done.stderr]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM decision")).scalar_one() == before
    engine.dispose()
