"""At the moment of sending, every rule is asked again: the world moved since approval."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from builders import DAY, MINUTE, NOW
from send_team import (
    actions,
    approved_team,
    drafts_by_id,
    email_of,
    email_team,
    run_send,
    smtp_settings,
    statuses,
)
from smtp_sink import SmtpSink
from sqlalchemy import select, update

from drafts.sending.sender import Sender
from store import audit, models
from store.mailbox import block_address

DRAFT = models.FollowUpDraft.__table__


@pytest.fixture
def sink():
    """A loopback SMTP server that accepts everything."""
    with SmtpSink() as server:
        yield server


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("reply", "replied"),
        ("opt_out", "do_not_contact"),
        ("hire", "employee"),
    ],
)
def test_news_imported_after_approval_cancels_with_the_reason(engine, tmp_path, sink, change, code):
    settings = smtp_settings(sink.port)
    [draft_id] = approved_team(engine, tmp_path / "day1", email_team("c-1", "c-2"), settings)[:1]
    news = email_team("c-1", "c-2")
    if change == "reply":
        news.touch("c-1", NOW - DAY, direction="inbound", channel="phone", body="Call me Monday")
    elif change == "opt_out":
        news.touch("c-1", NOW - DAY, direction="inbound", body="Please stop contacting me.")
    else:
        news.files["candidates.csv"][0]["ats_status"] = "hired"
    news.load(engine, tmp_path / "day2")

    report = run_send(engine, settings)

    cancelled = [i for i in report.items if i["outcome"] == "cancelled"]
    # An opt-out is also a reply: both codes, each with its evidence.
    assert [i["id"] for i in cancelled] == [draft_id] and code in cancelled[0]["codes"]
    draft = drafts_by_id(engine)[draft_id]
    assert draft["status"] == "cancelled" and draft["cancel_codes"] == cancelled[0]["codes"]
    assert draft["cancel_reason"] and draft["message_id"] is None
    f = models.Flag.__table__
    with engine.connect() as conn:
        flags = conn.execute(
            select(f.c.code, f.c.severity, f.c.evidence).where(f.c.draft_id == draft_id)
        ).all()
    assert (code, "block") in [(c, s) for c, s, _e in flags]
    assert all(e for _c, _s, e in flags)
    assert ("cancel", draft_id) in actions(engine)
    assert len(sink.messages()) == 1 and "c-2@" in sink.messages()[0].rcpt_tos[0]


def test_an_address_that_bounced_after_approval_cancels_with_no_address(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    [draft_id, other_id] = approved_team(engine, tmp_path, email_team("c-1", "c-2"), settings)
    with engine.begin() as conn:
        # What the sender records when a relay says the mailbox does not exist.
        block_address(conn, email_of("c-1"), at=NOW, source="smtp", reason="550 5.1.1 no such user")

    report = run_send(engine, settings)

    outcomes = {i["id"]: (i["outcome"], i.get("codes") or []) for i in report.items}
    assert outcomes[draft_id][0] == "cancelled" and "no_address" in outcomes[draft_id][1]
    assert outcomes[other_id][0] == "sent"
    assert statuses(engine) == {draft_id: "cancelled", other_id: "sent"}
    assert [list(m.rcpt_tos) for m in sink.messages()] == [[email_of("c-2")]]


def test_edited_after_approval_is_not_sent(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    [draft_id] = approved_team(engine, tmp_path, email_team("c-1"), settings)
    with engine.begin() as conn:
        conn.execute(
            update(DRAFT).where(DRAFT.c.id == draft_id).values(body="Sneaky new text, unreviewed")
        )

    report = run_send(engine, settings)

    assert [(i["outcome"], i["codes"]) for i in report.items] == [
        ("cancelled", ["edited_after_approval"])
    ]
    assert statuses(engine) == {draft_id: "cancelled"}
    assert sink.messages() == []


def test_recruiter_paused_or_automation_off_sends_nothing(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    [draft_id] = approved_team(engine, tmp_path, email_team("c-1"), settings)
    with engine.begin() as conn:
        audit.set_automation(conn, enabled=False, actor="lead")
    off = run_send(engine, settings)
    assert not off.automation_on and off.items == [] and statuses(engine)[draft_id] == "approved"

    with engine.begin() as conn:
        audit.set_automation(conn, enabled=True, actor="lead")
        r = models.Recruiter.__table__
        conn.execute(update(r).where(r.c.recruiter == "sam").values(status="paused"))
    report = run_send(engine, settings)

    assert [i["codes"] for i in report.items] == [["recruiter_inactive"]]
    assert sink.messages() == []


def test_daily_cap_holds_the_rest_until_tomorrow_visibly(engine, tmp_path, sink):
    settings = smtp_settings(sink.port, limits={"daily_per_recruiter": 2})
    ids = approved_team(engine, tmp_path, email_team("c-1", "c-2", "c-3", "c-4"), settings)

    report = run_send(engine, settings)

    assert report.counts() == {"sent": 2, "held": 2}
    tomorrow = datetime(NOW.year, NOW.month, NOW.day) + DAY
    held = [d for d in drafts_by_id(engine).values() if d["status"] == "approved"]
    assert [d["id"] for d in held] == ids[2:]
    assert all(d["not_before"] == tomorrow and "daily_limit" in d["hold_reason"] for d in held)
    assert run_send(engine, settings, NOW + 10 * MINUTE).counts() == {}

    assert run_send(engine, settings, tomorrow + MINUTE).counts() == {"sent": 2}
    assert len(sink.messages()) == 4


def test_spacing_per_candidate_counts_other_recruiters_messages(engine, tmp_path, sink):
    settings = smtp_settings(sink.port)
    [draft_id] = approved_team(engine, tmp_path / "a", email_team("c-1"), settings)
    # After approval, a colleague writes to the same candidate about another role.
    news = email_team("c-1").recruiter("kim").role("r-2")
    news.touch("c-1", NOW - 2 * DAY, channel="email", role_id="r-2", recruiter="kim")
    news.load(engine, tmp_path / "b")

    report = run_send(engine, settings)

    [item] = report.items
    assert item["outcome"] == "held" and item["codes"] == ["recent_contact"]
    assert drafts_by_id(engine)[draft_id]["not_before"] == NOW + 5 * DAY
    assert sink.messages() == []


def test_send_window_holds_until_business_hours_in_the_candidates_zone(engine, tmp_path, sink):
    settings = smtp_settings(sink.port, send={"window_hours": [9, 17]})
    [draft_id] = approved_team(engine, tmp_path, email_team("c-1"), settings)
    # 06:00 UTC is 07:00 in Berlin (November): two hours before the window opens.
    early = datetime(2025, 11, 8, 6, 0)

    report = run_send(engine, settings, early)

    assert [i["codes"] for i in report.items] == [["send_window"]]
    assert drafts_by_id(engine)[draft_id]["not_before"] == datetime(2025, 11, 8, 8, 0)
    assert run_send(engine, settings, datetime(2025, 11, 8, 8, 1)).counts() == {"sent": 1}


def test_outbox_writes_one_eml_per_message_and_an_index(engine, tmp_path):
    outbox = tmp_path / "outbox"
    settings = smtp_settings(None, outbox=outbox)
    team = email_team("c-1", "c-2", channel="inmail")
    ids = approved_team(engine, tmp_path / "export", team, settings)

    report = run_send(engine, settings)

    assert report.counts() == {"sent": 2}
    drafts = drafts_by_id(engine)
    files = sorted(p.name for p in outbox.iterdir())
    assert files == sorted([f"inmail-{i:06d}.eml" for i in ids] + ["index.jsonl"])
    index = [json.loads(line) for line in (outbox / "index.jsonl").read_text().splitlines()]
    assert sorted(e["message_id"] for e in index) == sorted(drafts[i]["message_id"] for i in ids)
    for entry in index:
        text = (outbox / entry["file"]).read_text()
        assert f"Message-ID: {entry['message_id']}" in text
        assert entry["linkedin_url"].startswith("https://www.linkedin.com/in/")


def test_dry_run_changes_nothing(engine, tmp_path, sink):
    settings = smtp_settings(sink.port, limits={"daily_per_recruiter": 1})
    approved_team(engine, tmp_path, email_team("c-1", "c-2"), settings)
    before = drafts_by_id(engine)

    plan = Sender(engine, settings, NOW, transports={}, dry_run=True, day_zone=UTC).run()

    assert plan.counts() == {"would_send": 1, "held": 1}
    assert drafts_by_id(engine) == before and sink.messages() == []


def test_a_draft_whose_initial_message_moved_is_cancelled_and_the_run_goes_on(
    engine, tmp_path, sink
):
    settings = smtp_settings(sink.port)
    ids = approved_team(engine, tmp_path / "day1", email_team("c-1", "c-2"), settings)
    news = email_team("c-1", "c-2")
    news.candidate("c-3", email="c-3@example.test")
    # A later export gives c-1's initial message id to another candidate.
    first = next(t for t in news.files["touchpoints.csv"] if t["candidate_id"] == "c-1")
    first["candidate_id"] = "c-3"
    news.load(engine, tmp_path / "day2")

    report = run_send(engine, settings)

    outcomes = {i["candidate_id"]: (i["outcome"], i.get("codes")) for i in report.items}
    assert outcomes["c-1"] == ("cancelled", ["initial_missing"])
    assert outcomes["c-2"][0] == "sent"
    assert sorted(statuses(engine).values()) == ["cancelled", "sent"] and len(ids) == 2
    assert len(sink.messages()) == 1


def test_an_out_of_office_after_approval_holds_the_draft_until_the_return(engine, tmp_path, sink):
    """The auto-reply often lands after approval (mailbox sync): the message waits for them."""
    settings = smtp_settings(sink.port)
    [draft_id, other_id] = approved_team(
        engine, tmp_path / "day1", email_team("c-1", "c-2"), settings
    )
    back = NOW + 10 * DAY
    news = email_team("c-1", "c-2")
    news.touch(
        "c-1",
        NOW - DAY,
        direction="inbound",
        body=f"I am out of the office until {back:%d %B %Y} with limited access to email.",
    )
    news.load(engine, tmp_path / "day2")

    report = run_send(engine, settings)

    assert statuses(engine) == {draft_id: "approved", other_id: "sent"}
    held = drafts_by_id(engine)[draft_id]
    assert "out_of_office" in held["hold_reason"]
    assert held["not_before"] is not None and held["not_before"] >= back.replace(hour=0)
    assert [r for m in sink.messages() for r in m.rcpt_tos] == [email_of("c-2")]
    assert report.counts() == {"held": 1, "sent": 1}

    later = run_send(engine, settings, now=back + DAY)

    assert later.counts() == {"sent": 1}
    assert statuses(engine)[draft_id] == "sent"
