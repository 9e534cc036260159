"""The floors of the house, checked where import-linter cannot look.

import-linter (`lint-imports`, in CI) checks the package graph statically. These tests
check what actually happens at run time, and the folders it does not analyse: tests/ and
bench/.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ("store", "drafts", "demo", "tui.cli", "testkit")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


def test_every_core_module_imports_without_loading_textual():
    """Import every module of the core and the CLI in a fresh interpreter: no Textual."""
    script = f"""
import importlib, json, pkgutil, sys
names = []
for root in {CORE!r}:
    pkg = importlib.import_module(root)
    names.append(root)
    for info in pkgutil.walk_packages(pkg.__path__, root + "."):
        if ".migrations" in info.name:  # run by Alembic, not imported
            continue
        importlib.import_module(info.name)
        names.append(info.name)
print(json.dumps({{"modules": names, "textual": sorted(m for m in sys.modules
      if m == "textual" or m.startswith("textual."))}}))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    assert "drafts.rules.pipeline" in result["modules"]
    assert "tui.cli.review" in result["modules"]
    assert result["textual"] == []


def test_bench_imports_nothing_from_tests():
    """Benchmarks share helpers through testkit/, never through a test module."""
    offenders = {
        str(path.relative_to(ROOT)): name
        for path in sorted((ROOT / "bench").glob("*.py"))
        for name in _imports(path)
        if name == "tests" or name.startswith("tests.")
    }
    assert offenders == {}


def test_no_test_imports_another_test_module_or_a_conftest():
    """Shared helpers live in tests/support/ (or testkit/), not in a test file or conftest."""
    offenders = {}
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for name in _imports(path):
            leaf = name.rsplit(".", 1)[-1]
            # A bare `from conftest import` picks whichever conftest pytest imported last
            # under that name: it works in one folder's run and breaks the whole suite's.
            bare_conftest = name == "conftest"
            if bare_conftest or (
                name.startswith("tests.") and (leaf.startswith("test_") or leaf == "conftest")
            ):
                offenders[str(path.relative_to(ROOT))] = name
    assert offenders == {}


def test_test_files_have_unique_names():
    """pytest imports test files by basename (no __init__.py): two alike stop collection."""
    seen: dict[str, list[str]] = {}
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        seen.setdefault(path.name, []).append(str(path.relative_to(ROOT)))
    assert {name: paths for name, paths in seen.items() if len(paths) > 1} == {}
