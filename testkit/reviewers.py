"""Starting and talking to reviewer processes (testkit/reviewer_process.py), with bounds.

Every wait here has a deadline: a stuck child fails the test instead of hanging it.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from testkit.reviewer_process import SCRIPT, ready_file

TIMEOUT_S = 150


def start(mode: str, url: str, name: str, *options: str) -> subprocess.Popen:
    """A reviewer process; its stdout carries one JSON event a line."""
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), mode, "--db", url, "--name", name, *options],
        stdin=subprocess.PIPE if mode == "session" else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def release_when_ready(go: Path, names: Iterable[str], procs: list[subprocess.Popen]) -> None:
    """Create `go` once every named reviewer is connected and waiting (or fail if one died)."""
    pending = set(names)
    deadline = time.monotonic() + TIMEOUT_S
    while pending:
        pending = {n for n in pending if not ready_file(go, n).exists()}
        dead = [p for p in procs if p.poll() is not None]
        assert not dead, [p.stderr.read() for p in dead if p.stderr]
        assert time.monotonic() < deadline, f"never ready: {sorted(pending)}"
        time.sleep(0.01)
    go.touch()


def finish(
    procs: list[subprocess.Popen], timeout_s: float = TIMEOUT_S
) -> list[tuple[int, list[dict[str, Any]], str]]:
    """Wait for each process (bounded): (exit code, its events, its stderr)."""
    results = []
    deadline = time.monotonic() + timeout_s
    for proc in procs:
        try:
            out, err = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate(timeout=30)
            err += f"\n(killed after {timeout_s} s)"
        events = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        results.append((proc.returncode, events, err))
    return results


class Session:
    """A reviewer process holding its view between commands the test sends it."""

    def __init__(self, url: str, name: str, *options: str):
        self.name = name
        self.proc = start("session", url, name, *options)
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        assert self._next() == {"ready": name}

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _next(self) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=TIMEOUT_S)
        except queue.Empty:
            raise AssertionError(f"{self.name} did not answer within {TIMEOUT_S} s") from None
        if line is None:
            raise AssertionError(f"{self.name} exited: {self.stderr()}")
        return json.loads(line)

    def send(self, op: str, **command: Any) -> None:
        """Send a command without waiting for its reply (see `reply`)."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"op": op, **command}, default=str) + "\n")
        self.proc.stdin.flush()

    def reply(self) -> dict[str, Any]:
        """The answer to the oldest command not yet answered."""
        return self._next()

    def ask(self, op: str, **command: Any) -> dict[str, Any]:
        """Send a command and wait for its answer."""
        self.send(op, **command)
        return self.reply()

    def stderr(self) -> str:
        """What the process wrote to stderr (after it ended)."""
        self.proc.wait(timeout=30)
        return self.proc.stderr.read() if self.proc.stderr else ""

    def close(self) -> tuple[int, str]:
        """Ask the process to quit; its exit code and stderr."""
        if self.proc.poll() is None:
            self.send("quit")
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)
        return self.proc.returncode, self.proc.stderr.read() if self.proc.stderr else ""
