"""A team with approved follow-ups, built the way users build one: an export imported
through the real importer, drafts from the real scheduler, approval as review records it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from builders import DAY, NOW, Team, make_settings
from sqlalchemy import Engine, select

from drafts.review.service import ReviewService
from drafts.sending.sender import Sender
from drafts.sending.transports import transports_for
from drafts.writing.scheduler import schedule
from store import models
from store.config import Settings

DRAFT = models.FollowUpDraft.__table__
SENDER = "Acme Talent <talent@acme-robotics.com>"


def email_of(candidate_id: str) -> str:
    """The candidate's address at a loopback-only test domain."""
    return f"{candidate_id}@example.test"


def email_team(*candidates: str, recruiter: str = "sam", channel: str = "email") -> Team:
    """One recruiter, role r-1, and an initial message 10 days before NOW to each candidate."""
    team = Team().recruiter(recruiter, name="Sam Carter").role("r-1")
    for candidate_id in candidates:
        team.candidate(
            candidate_id,
            email=email_of(candidate_id),
            linkedin_url=f"https://www.linkedin.com/in/{candidate_id}",
            timezone="Europe/Berlin",
        )
        team.touch(candidate_id, NOW - 10 * DAY, channel=channel, recruiter=recruiter)
    return team


def smtp_settings(port: int | None, *, outbox: Path | None = None, **sections) -> Settings:
    """The test company, sending email to the loopback sink on `port` (None: no transport)."""
    send: dict[str, Any] = {"from": SENDER}
    if port is not None:
        send |= {
            "email_transport": "smtp",
            "smtp": {"host": "127.0.0.1", "port": port, "security": "none", "timeout_s": 10},
        }
    if outbox is not None:
        send |= {"inmail_transport": "outbox", "outbox_dir": str(outbox)}
        if port is None:
            send["email_transport"] = "outbox"
    send |= sections.pop("send", {})
    return make_settings(send=send, **sections)


def approve_all(
    engine: Engine, settings: Settings, *, actor: str = "rita", at: datetime = NOW
) -> list[int]:
    """Approve every pending draft through the review app's own service, as a reviewer does:
    open the draft (its lease), read its warnings, approve what was shown. Nothing here
    re-implements the approval write, so the send tests see what review really stores."""
    with engine.connect() as conn:
        pending = conn.execute(
            select(DRAFT.c.id).where(DRAFT.c.status == "pending").order_by(DRAFT.c.id)
        ).scalars()
        ids = list(pending)
    desk = ReviewService(engine, settings, actor, now=at, lead=True)
    for draft_id in ids:
        held_by, detail = desk.fetch_detail(draft_id)
        assert held_by is None and detail is not None, draft_id
        desk.decide_approve(draft_id, detail.draft["version"], 4000, detail.warning_codes)
    desk.release_claims()
    return ids


def approved_team(engine: Engine, folder: Path, team: Team, settings: Settings) -> list[int]:
    """Import, schedule at NOW, approve: the drafts' ids."""
    team.load(engine, folder)
    report = schedule(engine, settings, NOW)
    assert report.created, report.as_json()
    return approve_all(engine, settings)


def run_send(engine: Engine, settings: Settings, now: datetime = NOW, **options):
    """One real send run with the config's transports, as `followups send --yes` does."""
    return Sender(
        engine, settings, now, transports=transports_for(settings), day_zone=UTC, **options
    ).run()


def drafts_by_id(engine: Engine) -> dict[int, dict[str, Any]]:
    """Every draft row, by id."""
    with engine.connect() as conn:
        return {r["id"]: dict(r) for r in conn.execute(select(DRAFT)).mappings()}


def statuses(engine: Engine) -> dict[int, str]:
    """Each draft's status, by id."""
    return {i: d["status"] for i, d in drafts_by_id(engine).items()}


def actions(engine: Engine) -> list[tuple[str, int | None]]:
    """The audit log as (action, draft id), oldest first."""
    d = models.Decision.__table__
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(d.c.action, d.c.draft_id).order_by(d.c.id))]


def write_config(path: Path, settings_toml: str) -> Path:
    """A followups.toml for the CLI's subprocesses."""
    path.write_text(settings_toml, encoding="utf-8")
    return path


def config_toml(port: int | None, *, daily: int = 100, outbox: Path | None = None) -> str:
    """The TOML the CLI reads: the test company, the sink on `port`."""
    lines = [
        "[company]",
        'name = "Acme Robotics"',
        'domains = ["acme-robotics.com"]',
        "[limits]",
        f"daily_per_recruiter = {daily}",
        "[send]",
        f'from = "{SENDER}"',
    ]
    if port is not None:
        lines += ['email_transport = "smtp"']
    if outbox is not None:
        lines += ['inmail_transport = "outbox"', f'outbox_dir = "{outbox}"']
    if port is not None:
        lines += ["[send.smtp]", 'host = "127.0.0.1"', f"port = {port}", 'security = "none"']
    return "\n".join(lines) + "\n"


def cli(*args: str, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real `followups` console script in a subprocess."""
    return subprocess.run(
        [sys.executable, "-c", "from tui.cli import main; main()", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=os.environ | {"FOLLOWUPS_USER": "cron"},
        check=False,
    )


def spawn(*args: str) -> subprocess.Popen:
    """Start the real `followups` in the background (for races and kills)."""
    return subprocess.Popen(
        [sys.executable, "-c", "from tui.cli import main; main()", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ | {"FOLLOWUPS_USER": "cron"},
    )
