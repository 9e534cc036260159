"""Random small teams: no draft ever exists for a thread an independent oracle says is blocked.

The oracle below is written from contract section 4 alone and never calls drafts.rules.thread_rules:
every message text comes from a labelled pool, so the oracle knows what each one means
(an opt-out, an automatic reply, an ordinary answer) without reading it. Each example
imports its team through the real importer into a fresh SQLite file and runs `schedule`.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from builders import NOW, Team, make_settings
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from drafts.writing.scheduler import schedule
from store import models
from store.db import open_store
from store.importer import thread_key

SETTINGS = make_settings(limits={"drafts_per_run": 1000})
BLOCKING = "replied do_not_contact employee in_process declined undelivered too_late"
BLOCKING_CODES = {*BLOCKING.split(), "followups_exhausted", "never_contact_company"}
BLOCKING_CODES |= {"recruiter_inactive", "no_address"}

# What each text means, decided by whoever wrote the pool, not by a regular expression.
ANSWERS = ["Thanks for the note.", "Not interested right now.", "I'd love to stop by sometime."]
# People mention being away in real answers; these are replies, not auto-replies.
ANSWERS += ["Very interested! I am out of office until Friday, can we talk Monday?"]
OPT_OUTS = ["Please stop contacting me.", "unsubscribe", "Remove me from your lists."]
AUTO_REPLIES = [
    "Automatic reply: I am out of the office until 1 December 2025.",
    "Out of office: back on Monday.",
]
OUR_TEXTS = ["Hello from Acme Robotics.", "To unsubscribe from these updates, reply STOP."]
# (company, blocking code it implies)
COMPANIES = [
    *[("Northwind Automation", None)] * 16,
    ("Globex", None),  # a competitor: a warning only
    ("Acme Robotics, Inc.", "employee"),
    ("ACME", "employee"),  # our alias
    ("acme robotics gmbh", "employee"),
    ("Initech LLC", "never_contact_company"),
    ("", None),
]
STATUS_CODES = {"active": "in_process", "offer": "in_process", "hired": "employee"}
STATUS_CODES |= {"declined": "declined", "withdrawn": "declined", "rejected": "declined"}

minutes = st.integers(min_value=0, max_value=32 * 24 * 60)


@st.composite
def touchpoint(draw, roles: list[str], recruiters: list[str]) -> dict:
    direction = draw(st.sampled_from(["outbound", "outbound", "inbound"]))
    pool = OUR_TEXTS if direction == "outbound" else ANSWERS + OPT_OUTS + AUTO_REPLIES
    return {
        "at": NOW - timedelta(minutes=draw(minutes)),
        "direction": direction,
        # Thread channels more often, so there are threads to decide about.
        "channel": draw(st.sampled_from(["inmail", "inmail", "email", "phone", "sms", "other"])),
        "role_id": draw(st.sampled_from([*roles, None])),
        "recruiter": draw(st.sampled_from([*recruiters, None])),
        "delivery": draw(st.sampled_from(["delivered"] * 5 + ["bounced", "failed", "pending"]))
        if direction == "outbound"
        else None,
        "body": draw(st.sampled_from(pool)),
    }


@st.composite
def first_message(draw, roles: list[str], recruiters: list[str]) -> dict:
    message = draw(touchpoint(roles, recruiters))
    due = st.integers(min_value=7 * 24 * 60, max_value=28 * 24 * 60)  # mostly due now
    return message | {
        "at": NOW - timedelta(minutes=draw(st.one_of(due, due, minutes))),
        "direction": "outbound",
        "channel": draw(st.sampled_from(["inmail", "email"])),
        "role_id": draw(st.sampled_from(roles)),
        "body": OUR_TEXTS[0],
        "delivery": draw(st.sampled_from(["delivered"] * 12 + ["bounced", "failed", "pending"])),
    }


@st.composite
def teams(draw) -> dict:
    recruiters = {
        f"rec-{i}": draw(st.sampled_from(["active"] * 8 + ["paused", "flagged"]))
        for i in range(draw(st.integers(1, 3)))
    }
    roles = {
        f"r-{i}": draw(st.sampled_from(["open", "filled", "closed", "on_hold"]))
        for i in range(draw(st.integers(1, 3)))
    }
    candidates = []
    for n in range(draw(st.integers(1, 4))):
        cid = f"c-{n}"
        company, company_code = draw(st.sampled_from(COMPANIES))
        email = draw(st.sampled_from([None, *[f"{cid}@gmail.com"] * 6, f"{cid}@Acme-Robotics.com"]))
        candidates.append(
            {
                "candidate_id": cid,
                "company": company,
                "company_code": company_code,
                "email": email,
                "linkedin_url": f"https://www.linkedin.com/in/{cid}",
                "ats_status": draw(
                    st.sampled_from(sorted(models.ATS_STATUSES) + ["prospect"] * 24)
                ),
                "do_not_contact": draw(st.sampled_from([False] * 15 + [True])),
                "suppressed_by": draw(st.sampled_from([None] * 18 + ["id", "email", "linkedin"])),
                # An InMail or email about a role first, so most candidates have a thread.
                "touchpoints": [
                    draw(first_message(list(roles), list(recruiters))),
                    *draw(st.lists(touchpoint(list(roles), list(recruiters)), max_size=3)),
                ],
            }
        )
    return {"recruiters": recruiters, "roles": roles, "candidates": candidates}


def export(team: dict) -> tuple[Team, dict[str, dict]]:
    """The team as CSV rows; returns it and each touchpoint's description by id."""
    out = Team()
    for handle, status in team["recruiters"].items():
        out.recruiter(handle, status)
    for role_id, status in team["roles"].items():
        out.role(role_id, status)
    by_id = {}
    for c in team["candidates"]:
        cid = c["candidate_id"]
        out.candidate(
            cid,
            **{k: c[k] for k in ("company", "email", "linkedin_url", "ats_status")},
            do_not_contact=c["do_not_contact"],
        )
        match c["suppressed_by"]:
            case "id":
                out.suppress(candidate_id=cid)
            case "email" if c["email"]:
                out.suppress(email=c["email"].upper())
            case "linkedin":
                out.suppress(linkedin_url=f"http://LinkedIn.com/in/{cid}/")
        for tp in c["touchpoints"]:
            fields = {k: tp[k] for k in ("direction", "channel", "role_id", "recruiter", "body")}
            tid = out.touch(cid, tp["at"], delivery=tp["delivery"], **fields)
            by_id[tid] = tp | {"candidate_id": cid, "touchpoint_id": tid}
    return out, by_id


def oracle(team: dict, touchpoints: dict[str, dict]) -> dict[str, set[str]]:
    """Every thread (contract section 1) and the blocking codes section 4 gives it."""
    blocked: dict[str, set[str]] = {}
    for c in team["candidates"]:
        cid = c["candidate_id"]
        mine = sorted(
            (t for t in touchpoints.values() if t["candidate_id"] == cid),
            key=lambda t: (t["at"], t["touchpoint_id"]),
        )
        initials: dict[tuple, dict] = {}
        for t in mine:
            if (
                t["direction"] == "outbound"
                and t["role_id"]
                and t["channel"] in ("inmail", "email")
            ):
                initials.setdefault((t["role_id"], t["channel"]), t)
        for (role_id, channel), first in initials.items():
            codes: set[str] = set()
            after = [t for t in mine if t["at"] >= first["at"] and t is not first]
            inbound_after = [t for t in after if t["direction"] == "inbound"]
            if any(t["body"] not in AUTO_REPLIES for t in inbound_after):
                codes.add("replied")
            opted_out = any(t["direction"] == "inbound" and t["body"] in OPT_OUTS for t in mine)
            suppressed = c["suppressed_by"] in ("id", "linkedin") or (
                c["suppressed_by"] == "email" and c["email"]
            )
            if c["do_not_contact"] or suppressed or opted_out:
                codes.add("do_not_contact")
            if c["company_code"]:
                codes.add(c["company_code"])
            if c["email"] and c["email"].endswith("@Acme-Robotics.com"):
                codes.add("employee")
            if c["ats_status"] in STATUS_CODES:
                codes.add(STATUS_CODES[c["ats_status"]])
            if first["delivery"] != "delivered":
                codes.add("undelivered")
            if NOW - first["at"] > timedelta(days=28):
                codes.add("too_late")
            if any(
                t["direction"] == "outbound" and (t["role_id"], t["channel"]) == (role_id, channel)
                for t in after
            ):
                codes.add("followups_exhausted")
            if first["recruiter"] and team["recruiters"][first["recruiter"]] != "active":
                codes.add("recruiter_inactive")
            if channel == "email" and not c["email"]:
                codes.add("no_address")  # every candidate here has a LinkedIn profile
            blocked[thread_key(cid, role_id, channel)] = codes
    return blocked


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory) -> Path:
    """One migrated, empty SQLite file; each example starts from a copy of it."""
    path = tmp_path_factory.mktemp("template") / "empty.db"
    open_store(str(path)).dispose()
    return path


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(team=teams())
def test_no_draft_for_a_blocked_thread(empty_store, team):
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "store.db"
        shutil.copyfile(empty_store, db)
        engine = open_store(str(db))
        try:
            csv_team, touchpoints = export(team)
            csv_team.load(engine, Path(tmp) / "export")
            expected = oracle(team, touchpoints)
            first = schedule(engine, SETTINGS, NOW)
            again = schedule(engine, SETTINGS, NOW)
            with engine.connect() as conn:
                threads = {
                    t.thread_id: t for t in conn.execute(select(models.Thread.__table__)).all()
                }
                drafted = set(conn.execute(select(models.FollowUpDraft.thread_id)).scalars())
                pending_per_candidate = conn.execute(
                    select(func.count())
                    .select_from(models.FollowUpDraft)
                    .where(models.FollowUpDraft.status == "pending")
                    .group_by(models.FollowUpDraft.candidate_id)
                ).scalars()
                assert max(pending_per_candidate, default=0) <= 1
        finally:
            engine.dispose()

    assert set(threads) == set(expected)
    # Shown by --hypothesis-show-statistics: the examples do reach each kind of thread.
    for codes in expected.values():
        event("a blocked thread" if codes else "a thread nothing blocks")
        for code in codes:
            event(code)
    event("some drafts" if drafted else "no drafts")
    for thread_id, codes in expected.items():
        thread = threads[thread_id]
        if codes:
            assert thread_id not in drafted, (thread_id, codes)
            assert set(thread.reasons) == codes, (thread_id, thread.reasons, codes)
            assert thread.state in ("suppressed", "followed_up")
        else:
            assert not set(thread.reasons) & BLOCKING_CODES, (thread_id, thread.reasons)
    assert again.created == 0
    assert first.created == len(drafted)
