"""Start-up pays only for what the command uses (issue 18).

Each check runs the real command in a fresh interpreter and reads `sys.modules` after
it: a module imported at the top of any tui/cli file would show up here, whichever
command the user typed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from store.db import open_store

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("textual", "openai", "alembic", "jinja2", "flufl", "imapclient", "mako")


def _loaded_after(code: str, cwd: Path) -> set[str]:
    """The top-level packages a fresh interpreter holds after running `code`."""
    script = f"""
import json, sys
{code}
print(json.dumps(sorted({{name.split(".")[0] for name in sys.modules}})))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def _run_cli(*args: str) -> str:
    return f"""
from tui.cli import main
try:
    main({list(args)!r})
except SystemExit as exc:
    assert not exc.code, exc.code
"""


def test_help_loads_no_store_and_no_heavy_library(tmp_path):
    loaded = _loaded_after(_run_cli("--help"), tmp_path)
    assert "typer" in loaded
    assert loaded.isdisjoint({*HEAVY, "sqlalchemy", "sqlmodel", "pydantic", "drafts", "rich"})


def test_threads_list_on_a_current_store_loads_no_alembic_and_no_mail_or_llm(tmp_path):
    db = tmp_path / "team.db"
    open_store(str(db)).dispose()
    loaded = _loaded_after(_run_cli("--db", str(db), "threads", "list", "--json"), tmp_path)
    assert "sqlalchemy" in loaded
    assert loaded.isdisjoint(HEAVY)


def test_review_app_module_and_store_load_no_alembic_jinja_or_mail(tmp_path):
    """What `followups review` imports before the first screen: the app and the store."""
    db = tmp_path / "team.db"
    open_store(str(db)).dispose()
    code = f"import tui.app.app\nfrom store.db import open_store\nopen_store({str(db)!r})"
    loaded = _loaded_after(code, tmp_path)
    assert "textual" in loaded
    assert loaded.isdisjoint(set(HEAVY) - {"textual"})


def test_a_new_store_is_migrated_with_alembic(tmp_path):
    """The fast path is for a current schema only: a new store still goes through Alembic."""
    code = f"from store.db import open_store\nopen_store({str(tmp_path / 'new.db')!r})"
    assert "alembic" in _loaded_after(code, tmp_path)
