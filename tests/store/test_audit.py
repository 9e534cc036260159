"""The audit log only grows: no store API path edits or removes an entry."""

import subprocess
import sys

import pytest
from sqlmodel import select

from store import audit, models
from store.audit import AuditLogIsAppendOnly
from store.db import session


def _one_entry(engine):
    with engine.begin() as conn:
        audit.record(conn, actor="sam", action="approve", reason="looks right")
    with session(engine) as s:
        return s.exec(select(models.Decision)).one()


def test_changing_an_entry_through_the_orm_is_refused(engine):
    _one_entry(engine)
    with session(engine) as s:
        entry = s.exec(select(models.Decision)).one()
        entry.actor = "mallory"
        with pytest.raises(AuditLogIsAppendOnly):
            s.commit()
    with session(engine) as s:
        assert s.exec(select(models.Decision)).one().actor == "sam"


def test_deleting_an_entry_through_the_orm_is_refused(engine):
    _one_entry(engine)
    with session(engine) as s:
        s.delete(s.exec(select(models.Decision)).one())
        with pytest.raises(AuditLogIsAppendOnly):
            s.commit()
    with session(engine) as s:
        assert len(s.exec(select(models.Decision)).all()) == 1


def test_automation_switch_is_recorded_and_idempotent(engine):
    with engine.begin() as conn:
        assert audit.automation_enabled(conn)
        assert audit.set_automation(conn, enabled=False, actor="lead")
        assert not audit.set_automation(conn, enabled=False, actor="lead")
        assert not audit.automation_enabled(conn)
        assert audit.set_automation(conn, enabled=True, actor="lead")
    with session(engine) as s:
        actions = [d.action for d in s.exec(select(models.Decision).order_by(models.Decision.id))]
    assert actions == ["automation_off", "automation_on"]


def test_automation_command_switches_and_schedule_obeys(tmp_path):
    db = str(tmp_path / "store.db")
    run = [sys.executable, "-c", "from tui.cli import main; main()"]
    off = subprocess.run(
        [*run, "automation", "off", "--as", "lead", "--db", db],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert off.returncode == 0 and "automation is off" in off.stdout
    scheduled = subprocess.run(
        [*run, "schedule", "--db", db], capture_output=True, text=True, cwd=tmp_path
    )
    assert scheduled.returncode == 3
    assert "automation is off" in scheduled.stdout
    log = subprocess.run(
        [*run, "audit", "--db", db, "--json"], capture_output=True, text=True, cwd=tmp_path
    )
    assert '"action": "automation_off"' in log.stdout and '"actor": "lead"' in log.stdout
