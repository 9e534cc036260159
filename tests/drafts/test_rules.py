"""Every rule of contract section 4, one table each, with the boundaries a user would test.

Contexts are built directly (drafts.rules.context dataclasses): a rule is a plain function of a
thread's snapshot, so the table shows exactly what the rule saw. Suppression matching
happens while the snapshot is loaded, so those cases go through the real importer.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from builders import (
    NOW,
    basic_team,
    context,
    make_settings,
)
from rule_checks import AUTO_REPLY, assert_points_at, check, later

from drafts.rules import thread_rules as rules
from drafts.rules.context import load_snapshot, thread_view
from store import models

# --------------------------------------------------------------------------- replied

REPLY = later("tp-r", 2, body="Sounds great, call me Tuesday.")
REPLY_CASES = {
    "same channel": ([REPLY], "tp-r"),
    "email about another role to another recruiter": (
        [later("tp-r", 1, channel="email", role_id="r-9", recruiter="kim", body="Yes please")],
        "tp-r",
    ),
    "a logged phone call": ([later("tp-r", 3, channel="phone", body="Called back")], "tp-r"),
    "no role at all": ([later("tp-r", 3, channel="sms", role_id=None, body="ok")], "tp-r"),
    "at the very second of the initial": ([later("tp-r", 0, body="Hi!")], "tp-r"),
    "a real answer after an auto-reply": (
        [later("tp-ooo", 0.01, body=AUTO_REPLY), later("tp-r", 4, body="Back now, interested")],
        "tp-r",
    ),
    "only before the initial message": ([later("tp-old", -30, body="Not now")], None),
    "only an out-of-office reply": ([later("tp-ooo", 0.01, body=AUTO_REPLY)], None),
    "only our own messages": ([later("tp-f", 8, direction="outbound", body="Ping")], None),
}


@pytest.mark.parametrize("name", REPLY_CASES)
def test_replied(name):
    touchpoints, expected = REPLY_CASES[name]
    flag = check(rules.replied, context(*touchpoints), "replied" if expected else None)
    if flag:
        assert_points_at(flag, next(t for t in touchpoints if t.touchpoint_id == expected))


# --------------------------------------------------------------------------- do_not_contact


@pytest.mark.parametrize(
    ("text", "when", "blocks"),
    [
        ("Please remove me from your recruiting lists.", 2, True),
        ("Stop contacting me", 2, True),
        ("unsubscribe", 1, True),
        ("STOP", 1, True),
        # Asked before this thread began, on an older thread: still a standing request.
        ("Please don't contact me again.", -60, True),
        ("Thanks, but I'm not interested.", 2, False),
        ("I'd love to stop by the office next week.", 2, False),
    ],
)
def test_do_not_contact_in_any_inbound_text(text, when, blocks):
    tp = later("tp-in", when, channel="email", role_id="r-7", body=text)
    flag = check(rules.do_not_contact, context(tp), "do_not_contact" if blocks else None)
    if flag:
        assert_points_at(flag, tp, text.rstrip(".")[:10])


def test_do_not_contact_ignores_our_own_unsubscribe_footer():
    ours = later("tp-out", 8, direction="outbound", body="To unsubscribe, reply STOP.")
    check(rules.do_not_contact, context(ours), None)


def test_do_not_contact_marked_in_the_ats():
    flag = check(rules.do_not_contact, context(do_not_contact=True, notes="DNC"), "do_not_contact")
    assert flag.evidence == {"field": "do_not_contact", "value": True, "notes": "DNC"}


SUPPRESSION_CASES = {
    "email in another case": ({"email": "Ada.Park@GMAIL.com"}, "email"),
    "linkedin written loosely": (
        {"linkedin_url": "http://LinkedIn.com/in/ada-park/"},
        "linkedin_url",
    ),
    "linkedin with a query": (
        {"linkedin_url": "https://de.linkedin.com/in/Ada-Park?trk=x"},
        "linkedin_url",
    ),
    "candidate id": ({"candidate_id": "c-1"}, "candidate_id"),
    "someone else": ({"email": "ada.park@gmail.co"}, None),
}


@pytest.mark.parametrize("name", SUPPRESSION_CASES)
def test_do_not_contact_on_the_suppression_list(engine, tmp_path, name):
    entry, matched = SUPPRESSION_CASES[name]
    team = basic_team("c-1")
    team.files["candidates.csv"][0].update(
        email="ada.park@gmail.com", linkedin_url="https://www.linkedin.com/in/ada-park"
    )
    team.suppress(**entry, reason="asked by phone").load(engine, tmp_path)
    with engine.connect() as conn:
        snapshot = load_snapshot(conn, make_settings(), NOW)
        thread = conn.execute(models.Thread.__table__.select()).mappings().one()
    flag = check(
        rules.do_not_contact,
        snapshot.context(thread_view(dict(thread))),
        "do_not_contact" if matched else None,
    )
    if flag:
        assert matched.replace("_", " ") in flag.message
        assert flag.evidence["field"] == "suppression"
        assert flag.evidence["reason"] == "asked by phone"


# --------------------------------------------------------------------------- employee


@pytest.mark.parametrize(
    ("fields", "blocks"),
    [
        ({"ats_status": "hired"}, True),
        ({"company": "Acme Robotics, Inc."}, True),
        ({"company": "ACME robotics"}, True),
        ({"company": "Acme Robotics GmbH"}, True),
        ({"company": "acme"}, True),  # an alias
        ({"email": "ada@Acme-Robotics.com"}, True),
        ({"email": "ada@eu.acme-robotics.com"}, True),  # a subdomain of ours
        ({"company": "Acme Robotics Foundation"}, False),
        ({"company": "Globex"}, False),
        ({"email": "ada@acme-robotics.com.example.org"}, False),
        ({"email": "ada@notacme-robotics.com"}, False),
        ({"company": None, "email": None}, False),
    ],
)
def test_employee(fields, blocks):
    flag = check(rules.employee, context(**fields), "employee" if blocks else None)
    if flag:
        key = next(iter(fields))
        assert flag.evidence["field"] == key
        assert flag.evidence["value"] == fields[key]


# --------------------------------------------------------------------------- ATS status

STATUS_CASES = [
    ("prospect", None),
    ("active", "in_process"),
    ("offer", "in_process"),
    ("declined", "declined"),
    ("withdrawn", "declined"),
    ("rejected", "declined"),
    ("hired", None),  # that one is `employee`'s
]


@pytest.mark.parametrize(("status", "code"), STATUS_CASES)
def test_in_process_and_declined(status, code):
    ctx = context(ats_status=status)
    for rule in (rules.in_process, rules.declined):
        flag = check(rule, ctx, code if code == rule.__name__ else None)
        if flag:
            assert flag.evidence == {"field": "ats_status", "value": status}


# --------------------------------------------------------------------------- follow-ups

FOLLOW_UP = later("tp-f", 7, direction="outbound", body="Just checking in")


@pytest.mark.parametrize(
    ("touchpoints", "max_followups", "blocks"),
    [
        ([], 1, False),
        ([FOLLOW_UP], 1, True),
        ([FOLLOW_UP], 2, False),
        ([], 0, True),
        # The same role by email is another thread; a phone call is no follow-up.
        ([later("tp-e", 7, direction="outbound", channel="email")], 1, False),
        ([later("tp-p", 7, direction="outbound", channel="phone")], 1, False),
    ],
)
def test_followups_exhausted(touchpoints, max_followups, blocks):
    settings = make_settings(cadence={"max_followups": max_followups})
    ctx = context(*touchpoints, settings=settings)
    flag = check(rules.followups_exhausted, ctx, "followups_exhausted" if blocks else None)
    if flag:
        assert_points_at(flag, touchpoints[-1] if touchpoints else ctx.initial)
        assert flag.evidence["followups"] == len(touchpoints)


# --------------------------------------------------------------------------- companies


@pytest.mark.parametrize(
    ("company", "code"),
    [
        ("Initech LLC", "never_contact_company"),
        ("INITECH", "never_contact_company"),
        ("Initechnology", None),
        ("Globex Corporation", "competitor"),
        ("globex, inc.", "competitor"),
        ("Globex Labs", None),
        ("Northwind Automation", None),
    ],
)
def test_never_contact_company_and_competitor(company, code):
    ctx = context(company=company, title="CEO")
    for rule in (rules.never_contact_company, rules.competitor):
        flag = check(rule, ctx, code if code == rule.__name__ else None)
        if flag:
            assert flag.evidence["field"] == "company"
            assert flag.evidence["value"] == company


def test_no_company_list_matches_an_empty_name():
    settings = make_settings(company={"never_contact_companies": ["", "  "], "competitors": [""]})
    ctx = context(company="", settings=settings)
    assert rules.never_contact_company(ctx) is None
    assert rules.competitor(ctx) is None


# --------------------------------------------------------------------------- people, roles


@pytest.mark.parametrize(
    ("status", "blocks"), [("active", False), ("paused", True), ("flagged", True)]
)
def test_recruiter_inactive(status, blocks):
    flag = check(
        rules.recruiter_inactive,
        context(recruiter_status=status),
        "recruiter_inactive" if blocks else None,
    )
    if flag:
        assert flag.evidence == {"field": "recruiter.status", "value": status, "recruiter": "sam"}


@pytest.mark.parametrize(
    ("status", "warns"),
    [("open", False), ("filled", True), ("closed", True), ("on_hold", True)],
)
def test_role_closed(status, warns):
    flag = check(rules.role_closed, context(role_status=status), "role_closed" if warns else None)
    if flag:
        assert flag.evidence["value"] == status
        assert flag.evidence["role_id"] == "r-1"


# --------------------------------------------------------------------------- the whole set


def test_every_contract_code_has_a_rule_and_a_table_here():
    blocking = {r.__name__ for r in rules.BLOCKING_RULES}
    warning = {r.__name__ for r in rules.WARNING_RULES} | {"placeholder"}
    assert blocking == {
        "replied",
        "do_not_contact",
        "employee",
        "in_process",
        "declined",
        "undelivered",
        "too_late",
        "followups_exhausted",
        "never_contact_company",
        "recruiter_inactive",
        "no_address",
    }
    assert warning == {
        "role_closed",
        "competitor",
        "recent_contact",
        "other_threads",
        "placeholder",
        "out_of_office",
    }
    tested = {
        name.removeprefix("test_")
        for path in Path(__file__).parent.glob("test_rules*.py")
        for name in re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.M)
    }
    for code in blocking | warning:
        assert any(code in name for name in tested), f"no table for {code}"


def test_blocking_flags_lists_every_reason_blocking_first():
    ctx = context(
        later("tp-r", 2, body="Please stop contacting me"),
        ats_status="declined",
        role_status="closed",
        company="Globex",
    )
    found = [f.code for f in rules.evaluate(ctx)]
    assert found == ["replied", "do_not_contact", "declined", "role_closed", "competitor"]
    assert [f.code for f in rules.blocking_flags(ctx)] == found[:3]


def test_a_clean_thread_has_no_flags():
    assert rules.evaluate(context()) == []
