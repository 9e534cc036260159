"""The selected draft, as one rich Text: flags first, then the text, the person, the history.

Built only with Text.append, so every untrusted value is shown literally.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rich.text import Text

from drafts.review.detail import DraftDetail
from drafts.review.queue import QueueRow
from drafts.rules.flags import Flag
from tui.safe_text import one_line, safe

BLOCK_STYLE = "bold white on dark_red"
WARN_STYLE = "bold black on dark_orange"
HEAD_STYLE = "bold underline"
DIM = "dim"


def mail_mark(tp) -> str:
    """Where a touchpoint read from a mailbox came from, and whether a machine wrote it:
    "[mail sam/INBOX auto, back 2025-11-20] " (appended as plain text, never markup)."""
    kind = "auto" if tp.automatic else "human"
    if tp.automatic and tp.returns_at is not None:
        kind += f", back {tp.returns_at:%Y-%m-%d}"
    return f"[mail {one_line(tp.mailbox, 30)}/{one_line(tp.folder, 40)} {kind}] "


def age(then: datetime | None, now: datetime) -> str:
    """A short age: 3d, 5h, 12m."""
    if then is None:
        return "-"
    seconds = max(0, int((now - then).total_seconds()))
    if seconds >= 86400:
        return f"{seconds // 86400}d"
    if seconds >= 3600:
        return f"{seconds // 3600}h"
    return f"{seconds // 60}m"


def stamp(moment: datetime | None) -> str:
    """A stored (naive UTC) time, shown to the minute."""
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


def local_time(timezone: str | None, now: datetime) -> str:
    """The candidate's local time now, when their time zone is known and valid."""
    if not timezone:
        return "time zone unknown"
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {one_line(timezone, 40)}"
    return now.replace(tzinfo=UTC).astimezone(zone).strftime("%a %H:%M") + f" ({safe(timezone)})"


def _evidence(text: Text, evidence: dict[str, Any]) -> None:
    parts = [f"{safe(k)}={one_line(v, 80)}" for k, v in evidence.items() if v not in (None, "", [])]
    if parts:
        text.append("      evidence: " + "; ".join(parts) + "\n", style=DIM)


def _flag(text: Text, flag: Flag) -> None:
    blocks = flag.severity == "block"
    text.append(" BLOCK " if blocks else " WARN  ", style=BLOCK_STYLE if blocks else WARN_STYLE)
    text.append(f" {safe(flag.code)}: ", style="bold red" if blocks else "bold yellow")
    text.append(safe(flag.message) + "\n")
    _evidence(text, flag.evidence)


def _field(text: Text, label: str, value: Any) -> None:
    text.append(f"{label:<11}", style=DIM)
    text.append(one_line(value) if value not in (None, "") else "-")
    text.append("\n")


def render_detail(detail: DraftDetail, row: QueueRow | None, now: datetime) -> Text:
    """Everything needed to decide, in the order a reviewer reads it."""
    draft, cand = detail.draft, detail.candidate
    text = Text()
    text.append(f"Draft #{draft['id']}", style="bold")
    text.append(f"  {draft['status']}  v{draft['version']}  {draft['channel']} to ")
    text.append(one_line(detail.recipient) or "NO ADDRESS", style="bold cyan")
    text.append("\n")
    if detail.blocking:
        # A decided draft is not up for approval: say what the rules say now, not "cannot".
        heading = "Cannot be approved now:" if draft["status"] == "pending" else "Rules now say:"
        text.append(heading + "\n", style="bold red")
    for flag in detail.blocking + detail.warnings:
        _flag(text, flag)
    if not detail.blocking and not detail.warnings:
        text.append("No flags.\n", style="green")
    if draft.get("decided_by"):
        text.append(
            f"Decided by {safe(draft['decided_by'])} at {stamp(draft['decided_at'])}"
            + (f" ({safe(draft['reject_reason'])})" if draft.get("reject_reason") else "")
            + "\n",
            style="italic",
        )
    if draft.get("unsaved_edit"):
        text.append(
            "You have an unsaved edit of this draft: press e to continue it.\n",
            style="bold magenta",
        )

    text.append("\nMessage\n", style=HEAD_STYLE)
    if draft.get("subject"):
        _field(text, "Subject", draft["subject"])
    text.append(safe(draft["body"]) + "\n")
    if draft["body"] != draft["original_body"]:
        text.append("(edited; the original is kept for the audit)\n", style=DIM)

    text.append("\nCandidate\n", style=HEAD_STYLE)
    _field(text, "Name", cand.full_name)
    _field(text, "Title", " at ".join(one_line(v) for v in (cand.title, cand.company) if v))
    _field(
        text, "ATS status", cand.ats_status + ("  DO NOT CONTACT" if cand.do_not_contact else "")
    )
    _field(text, "Location", cand.location)
    _field(text, "Local time", local_time(cand.timezone, now))
    _field(text, "Email", cand.email)
    _field(text, "LinkedIn", cand.linkedin_url)
    if cand.notes:
        text.append(f"{'Notes':<11}", style=DIM)
        text.append(safe(cand.notes) + "\n")

    text.append("\nRole\n", style=HEAD_STYLE)
    if detail.role is not None:
        role = detail.role
        _field(text, "Title", f"{one_line(role.title)} ({one_line(role.role_id)})")
        text.append(f"{'Status':<11}", style=DIM)
        text.append(role.status + "\n", style="bold red" if role.status != "open" else "")
        _field(text, "Manager", role.hiring_manager)
    else:
        text.append("no role\n", style=DIM)
    rec = detail.recruiter
    _field(
        text,
        "Recruiter",
        f"{one_line(rec.recruiter)} ({rec.status})" if rec else draft["recruiter"],
    )

    init = detail.initial
    text.append("\nInitial message\n", style=HEAD_STYLE)
    _field(
        text,
        "Sent",
        f"{stamp(init.occurred_at)} {init.channel} by {one_line(init.recruiter) or '-'}"
        f" ({init.delivery or 'delivered'})",
    )
    if init.subject:
        _field(text, "Subject", init.subject)
    text.append(safe(init.body or "(no text)") + "\n")

    text.append(f"\nTimeline, newest first ({len(detail.timeline)})\n", style=HEAD_STYLE)
    for tp in detail.timeline:
        inbound = tp.direction == "inbound"
        text.append(f"{stamp(tp.occurred_at)} ", style=DIM)
        text.append("IN  " if inbound else "out ", style="bold green" if inbound else DIM)
        text.append(
            f"{tp.channel:<7} {one_line(tp.role_id) or '-':<10} {one_line(tp.recruiter) or '-':<8} "
        )
        if tp.delivery and tp.delivery != "delivered":
            text.append(f"[{tp.delivery}] ", style="red")
        if tp.source == "mailbox":
            text.append(mail_mark(tp), style="cyan")
        text.append(one_line(tp.body or tp.subject, 90) + "\n")

    if detail.history:
        text.append("\nDecisions\n", style=HEAD_STYLE)
        for item in detail.history:
            text.append(f"{stamp(item['at'])} {one_line(item['actor'])} {item['action']}")
            if item.get("reason"):
                text.append(f": {one_line(item['reason'], 80)}")
            if item.get("on_screen_ms") is not None and item["action"] == "approve":
                # A lead reads this to tell a considered approval from a rubber stamp.
                text.append(f" after {item['on_screen_ms'] / 1000:.1f} s on screen", style=DIM)
            text.append("\n")
    return text
