"""Shared by the bad-input corpora: run the real command line, dump the store, judge an error.

Every corpus case asserts the same four things (issue 13): the exit code, a message that
names the file/line/key, a bounded length, and a store left exactly as it was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlmodel import SQLModel

from tui.cli import main

# A line a person can read at once; the 1 MB values of the corpus must never get through.
MAX_LINE = 300


@dataclass
class Run:
    """What one command did: its exit code and everything it printed."""

    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        """stdout and stderr together."""
        return self.out + self.err


def run_cli(capsys, *args: str) -> Run:
    """Run `followups ARGS` in this process through the console script's own main()."""
    capsys.readouterr()
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def dump(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order: what "the store" holds."""
    engine = create_engine(url)
    tables: dict[str, list[tuple]] = {}
    try:
        with engine.connect() as conn:
            for table in SQLModel.metadata.sorted_tables:
                order = list(table.primary_key.columns) or list(table.columns)
                rows = conn.execute(select(table).order_by(*order))
                tables[table.name] = [tuple(r) for r in rows]
    finally:
        engine.dispose()
    return tables


def file_digest(path: Path) -> str | None:
    """The bytes of a file, as a digest (None when it does not exist)."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def assert_clear_error(run: Run, *names: str, secret: str | None = None) -> None:
    """Exit 1, an `error:` line naming every one of `names`, every line bounded, no
    traceback, no "unexpected", no escape character, and `secret` nowhere in the output."""
    assert run.code == 1, (run.code, run.text[:2000])
    assert "error:" in run.err, run.err[:2000]
    for name in names:
        assert name in run.err, (name, run.err[:2000])
    assert "Traceback" not in run.text and "unexpected" not in run.text, run.err[:2000]
    assert "\x1b" not in run.text and "\x07" not in run.text
    longest = max((len(line) for line in run.text.splitlines()), default=0)
    assert longest < MAX_LINE, run.text[:2000]
    if secret is not None:
        assert secret not in run.text
