"""The review detail's timeline marks what came from a mailbox: which mailbox and folder,
and whether a machine or a person wrote it."""

from __future__ import annotations

from mail import ingest, load, message

from drafts.review.detail import load_detail
from drafts.writing.scheduler import schedule
from tests.drafts.builders import DAY, NOW, drafts_of, make_settings
from tui.app.widgets.detail_view import render_detail


def test_the_timeline_marks_an_automatic_reply_read_from_a_mailbox(sqlite_engine, tmp_path):
    engine = sqlite_engine
    load(engine, tmp_path)
    ingest(
        engine,
        message("Thanks for your message.", headers={"X-Autoreply": "yes"}, at=NOW - 8 * DAY),
    )
    settings = make_settings()
    schedule(engine, settings, NOW)
    [draft] = [d for d in drafts_of(engine) if d["candidate_id"] == "c-ada"]

    with engine.connect() as conn:
        detail = load_detail(conn, settings, draft["id"], NOW)
    shown = render_detail(detail, None, NOW).plain

    [line] = [line for line in shown.splitlines() if "[mail " in line]
    assert "IN " in line and "[mail sam/INBOX auto] Thanks for your message." in line
