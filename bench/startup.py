"""How long a person waits for the command line to answer, measured against Typer itself.

    python bench/startup.py [--runs 15]

In one run, alternating so that a busy machine slows both alike:

  - `followups --help` against a Typer app with the same command names and groups and no
    imports of its own (written to a temporary file; goal <= 1.5x);
  - `followups threads list --db demo.db` on the demo store (made here, not timed),
    against the same bare app: what reading a store adds to start-up.

Each figure is the median wall time of a fresh interpreter, in milliseconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import typer.main

from tui.cli import app as followups_app


def bare_app_source() -> str:
    """A Typer program with followups' command tree, whose commands do nothing."""
    lines = [
        "import typer",
        "",
        "app = typer.Typer(no_args_is_help=True, add_completion=False, rich_markup_mode=None)",
    ]
    root = typer.main.get_command(followups_app)
    counter = 0

    def add(group, parent: str) -> None:
        nonlocal counter
        for name, command in sorted(group.commands.items()):
            counter += 1
            help_text = (command.help or "").split("\n")[0]
            if hasattr(command, "commands"):
                child = f"group{counter}"
                lines.append(f"{child} = typer.Typer(help={help_text!r}, no_args_is_help=True)")
                lines.append(f"{parent}.add_typer({child}, name={name!r})")
                add(command, child)
            else:
                lines.extend(
                    [
                        f"@{parent}.command({name!r})",
                        f"def command{counter}() -> None:",
                        f"    {help_text!r}",
                    ]
                )

    add(root, "app")
    lines += ["", "app(prog_name='followups')"]
    return "\n".join(lines) + "\n"


def wall_ms(argv: list[str], cwd: Path) -> float:
    """Milliseconds from starting a process to its exit (output discarded)."""
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = (time.perf_counter() - started) * 1000
    if done.returncode != 0:
        raise SystemExit(f"{argv[1:]} failed: {done.stderr.decode(errors='replace')[-400:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    followups = shutil.which("followups") or str(Path(sys.executable).parent / "followups")
    env_python = sys.executable
    with tempfile.TemporaryDirectory(prefix="followups-startup-") as tmp:
        folder = Path(tmp)
        # A tiny script importing a module, as the `followups` script does: both then load
        # cached bytecode, so neither pays for compiling its source on every run.
        (folder / "bare_typer_app.py").write_text(bare_app_source(), encoding="utf-8")
        bare = folder / "bare_typer.py"
        bare.write_text("import bare_typer_app  # noqa: F401\n", encoding="utf-8")
        db = folder / "demo.db"
        subprocess.run(
            [env_python, followups, "--db", str(db), "demo"],
            cwd=folder,
            check=True,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "FOLLOWUPS_CONFIG": ""},
        )
        commands = {
            "bare Typer --help": [env_python, str(bare), "--help"],
            "followups --help": [env_python, followups, "--help"],
            "followups threads list": [env_python, followups, "--db", str(db), "threads", "list"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for argv in commands.values():  # warm the file cache and .pyc files
            wall_ms(argv, folder)
        for _ in range(args.runs):
            for name, argv in commands.items():
                times[name].append(wall_ms(argv, folder))
    medians = {name: statistics.median(values) for name, values in times.items()}
    base = medians["bare Typer --help"]
    print(f"median of {args.runs} runs each, interleaved; ratio against the bare Typer app")
    for name, value in medians.items():
        print(f"  {name:<24} {value:7.0f} ms  {value / base:5.2f}x")
    print(f"goal: followups --help <= 1.5x (now {medians['followups --help'] / base:.2f}x)")


if __name__ == "__main__":
    main()
