"""`followups demo`: made-up people only, at made-up addresses, in a store of their own."""

import re
import subprocess
import sys
from datetime import UTC, datetime

from demo import write_demo_export

RUN = [sys.executable, "-c", "from tui.cli import main; main()"]
NOW = "2025-11-08T09:00:00Z"


def test_every_demo_address_is_under_a_reserved_name(tmp_path):
    write_demo_export(tmp_path, datetime(2025, 11, 8, 9, tzinfo=UTC))
    text = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.csv"))
    domains = {d.lower() for d in re.findall(r"[\w.+-]+@([\w.-]+)", text)}
    assert domains and all(d.endswith(".example") for d in domains), sorted(domains)


def test_demo_reruns_on_its_own_store_but_refuses_a_real_one(tmp_path):
    def run(*args):
        return subprocess.run([*RUN, *args], capture_output=True, text=True, cwd=tmp_path)

    assert run("demo", "--db", "demo.db", "--now", NOW).returncode == 0
    again = run("demo", "--db", "demo.db", "--now", NOW)
    assert again.returncode == 0 and "created 0 draft" in again.stdout

    export = tmp_path / "export"
    export.mkdir()
    write_demo_export(export, datetime(2025, 11, 8, 9, tzinfo=UTC))
    assert run("import", str(export), "--db", "real.db").returncode == 0
    refused = run("demo", "--db", "real.db", "--now", NOW)
    assert refused.returncode == 1
    assert "already holds 833 candidates" in refused.stderr and "Traceback" not in refused.stderr
    assert run("demo", "--db", "real.db", "--now", NOW, "--force").returncode == 0
