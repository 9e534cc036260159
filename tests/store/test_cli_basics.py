"""Command-line basics: options before or after the command, no store made by a typo."""

import subprocess
import sys

RUN = [sys.executable, "-c", "from tui.cli import main; main()"]


def run(*args, cwd):
    return subprocess.run([*RUN, *args], capture_output=True, text=True, cwd=cwd)


def test_a_mistyped_db_is_an_error_and_creates_nothing(tmp_path):
    result = run("drafts", "list", "--json", "--db", str(tmp_path / "tpyo.db"), cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert "no store at" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "tpyo.db").exists()


def test_init_honours_config_and_db_given_before_the_command(tmp_path):
    config = tmp_path / "team" / "followups.toml"
    config.parent.mkdir()
    result = run("--config", str(config), "--db", str(tmp_path / "s.db"), "init", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert config.exists() and not (tmp_path / "followups.toml").exists()
    assert (config.parent / "templates" / "inmail.j2").exists()
    listed = run("threads", "list", "--json", "--db", str(tmp_path / "s.db"), cwd=tmp_path)
    assert listed.returncode == 0 and listed.stdout.strip() == "[]"
