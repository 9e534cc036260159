"""Mutation testing for one module at a time: would a test notice if this line broke?

    python devtools/mutate.py drafts/rules/detect.py --tests tests/drafts/test_detect.py

The project (its tracked and untracked files, not .venv or .git) is copied once to a
scratch directory. Each mutant (see devtools/mutants.py) is written into the copy's
module, one at a time, and the test selection runs there with `pytest -x` under
`nice -n 15` and a timeout: PYTHONPATH points at the copy, so the `followups`
subprocesses the tests start run the mutant too. A mutant is killed when a test fails,
survived when every test passes, timeout when the run outlives 3x the clean run (+10 s).

Known equivalent mutants are listed in devtools/equivalent_mutants.txt (with why); they
are reported as `equivalent` and left out of the score. Not part of .ci/run: it takes
minutes per module.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutants import Mutant, find_mutants  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = ROOT / "devtools" / "equivalent_mutants.txt"


def equivalent_keys() -> dict[str, str]:
    """The key of each mutant named equivalent (path, line text, description), with why."""
    keys: dict[str, str] = {}
    if not EQUIVALENT.exists():
        return keys
    lines = EQUIVALENT.read_text(encoding="utf-8").splitlines()
    for number, raw in enumerate(lines, start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        parts = raw.split("\t")
        if len(parts) != 4:
            sys.exit(f"{EQUIVALENT.name}:{number}: want path, line, mutant and why, tab-separated")
        path, code, description, why = (p.strip() for p in parts)
        keys[f"{path}\t{code}\t{description}"] = why
    return keys


def key_of(path: str, source: str, mutant: Mutant) -> str:
    """How equivalent_mutants.txt names a mutant: stable while its line's text is."""
    code = source.splitlines()[mutant.line - 1].strip()
    return f"{path}\t{code}\t{mutant.description}"


def copy_project(scratch: Path) -> None:
    """The files git knows of (tracked or not ignored), into scratch."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
        text=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if not source.is_file():
            continue
        target = scratch / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def run_tests(
    scratch: Path, tests: list[str], timeout: float | None, plugins: str | None
) -> tuple[str, float, str]:
    """Run the selection in scratch: ('passed' | 'failed' | 'timeout', seconds, output tail)."""
    env = os.environ | {"PYTHONPATH": str(scratch), "PYTHONDONTWRITEBYTECODE": "1"}
    command = ["nice", "-n", "15", sys.executable, "-m", "pytest", "-x", "-q"]
    if plugins is not None:
        # Loading every installed plugin (textual's snapshot plugin imports Textual) costs
        # more than a pure module's whole test file.
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        for name in filter(None, plugins.split(",")):
            command += ["-p", name]
    command += ["-p", "no:cacheprovider", "--no-header", *tests]
    began = time.monotonic()
    proc = subprocess.Popen(
        command,
        cwd=scratch,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the tests' own subprocesses go too
        proc.communicate()
        return "timeout", time.monotonic() - began, ""
    took = time.monotonic() - began
    tail = "\n".join(out.strip().splitlines()[-3:])
    return ("passed" if proc.returncode == 0 else "failed"), took, tail


def parse_ids(text: str | None) -> set[int] | None:
    """'3,7-9' -> {3, 7, 8, 9}."""
    if not text:
        return None
    found: set[int] = set()
    for part in text.split(","):
        low, _, high = part.partition("-")
        found.update(range(int(low), int(high or low) + 1))
    return found


def main(argv: list[str] | None = None) -> int:
    """Mutate one module and report what the tests noticed; exit 1 when a mutant survived."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("module", help="path of the module, e.g. drafts/rules/detect.py")
    parser.add_argument("--tests", nargs="+", required=True, help="test files; -k/-m pass on")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--only", help="mutant numbers to run, e.g. 3,7-9")
    parser.add_argument("--lines", help="only mutants on these lines, e.g. 40-80")
    parser.add_argument("--kinds", help="only these kinds, comma-separated")
    parser.add_argument("--report", type=Path, help="write every result as JSON here")
    parser.add_argument(
        "--plugins",
        help="only these pytest plugins (comma-separated, '' for none): faster on pure modules",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch copy")
    # Options after --tests that are pytest's own (-k EXPR, -m MARK) go to pytest too.
    args, pytest_options = parser.parse_known_args(argv)
    args.tests = [*args.tests, *pytest_options]

    path = Path(args.module).as_posix()
    source = (ROOT / path).read_text(encoding="utf-8")
    everything = list(enumerate(find_mutants(source), start=1))
    chosen = parse_ids(args.only)
    lines = parse_ids(args.lines)
    kinds = set(args.kinds.split(",")) if args.kinds else None
    selected = [
        (n, m)
        for n, m in everything
        if (chosen is None or n in chosen)
        and (lines is None or m.line in lines)
        and (kinds is None or m.kind in kinds)
    ]
    equivalent = equivalent_keys()
    if args.list:
        for n, m in selected:
            mark = "  (equivalent)" if key_of(path, source, m) in equivalent else ""
            print(f"{n:4} {path}:{m.line} {m.kind}: {m.description}{mark}")
        return 0

    scratch = Path(tempfile.mkdtemp(prefix="mutate-"))
    results = []
    try:
        copy_project(scratch)
        target = scratch / path
        outcome, clean_took, tail = run_tests(scratch, args.tests, None, args.plugins)
        if outcome != "passed":
            print(f"the tests fail without any mutant; fix that first:\n{tail}")
            return 2
        timeout = clean_took * 3 + 10
        print(
            f"{len(selected)} mutants of {path};"
            f" clean run {clean_took:.1f}s, timeout {timeout:.0f}s"
        )
        for n, mutant in selected:
            key = key_of(path, source, mutant)
            mutated = mutant.apply(source)
            diff = "".join(
                difflib.unified_diff(
                    source.splitlines(keepends=True),
                    mutated.splitlines(keepends=True),
                    f"a/{path}",
                    f"b/{path}",
                    n=0,
                )
            )
            if key in equivalent:
                status, took = "equivalent", 0.0
            else:
                target.write_text(mutated, encoding="utf-8")
                try:
                    outcome, took, _ = run_tests(scratch, args.tests, timeout, args.plugins)
                finally:
                    target.write_text(source, encoding="utf-8")
                status = {"passed": "SURVIVED", "failed": "killed", "timeout": "timeout"}[outcome]
            where = f"{path}:{mutant.line}"
            print(f"[{n}] {status:10} {where} {mutant.kind}: {mutant.description} ({took:.1f}s)")
            if status == "SURVIVED":
                print(diff, end="")
            sys.stdout.flush()
            results.append(
                {
                    "id": n,
                    "status": status.lower(),
                    "where": where,
                    "kind": mutant.kind,
                    "description": mutant.description,
                    "key": key,
                    "diff": diff,
                }
            )
    finally:
        if args.keep:
            print(f"scratch copy kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)

    counts = {
        s: sum(r["status"] == s for r in results)
        for s in ("killed", "timeout", "survived", "equivalent")
    }
    scored = counts["killed"] + counts["timeout"] + counts["survived"]
    score = 100 * (counts["killed"] + counts["timeout"]) / scored if scored else 100.0
    print(
        f"{path}: {counts['killed']} killed, {counts['timeout']} timeout,"
        f" {counts['survived']} survived, {counts['equivalent']} equivalent;"
        f" score {score:.0f}% of {scored} non-equivalent"
    )
    if args.report:
        args.report.write_text(
            json.dumps({"module": path, "counts": counts, "results": results}, indent=2)
        )
    return 1 if counts["survived"] else 0


if __name__ == "__main__":
    sys.exit(main())
