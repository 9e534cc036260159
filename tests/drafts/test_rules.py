"""Every rule of contract section 4, one table each, with the boundaries a user would test.

Contexts are built directly (drafts.rules.context dataclasses): a rule is a plain function of a
thread's snapshot, so the table shows exactly what the rule saw. Suppression matching
happens while the snapshot is loaded, so those cases go through the real importer.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from builders import (
    DAY,
    MINUTE,
    NOW,
    basic_team,
    context,
    drafts_of,
    make_settings,
    threads_by_id,
    touch,
)

from drafts.rules import thread_rules as rules
from drafts.rules.context import load_snapshot, thread_view
from drafts.rules.text_checks import placeholder_flag
from drafts.writing.scheduler import decide, schedule
from store import models
from store.clock import iso

AUTO_REPLY = "Automatic reply: I am out of the office until 20 November 2025."


def later(tp_id: str, days_after_initial: float, **fields) -> object:
    """A touchpoint `days_after_initial` after the default initial (10 days before NOW)."""
    return touch(tp_id, NOW - 10 * DAY + timedelta(days=days_after_initial), **fields)


def check(rule, ctx, expected: str | None) -> rules.Flag | None:
    """Run one rule; when it fires, check code, severity and that evidence is there."""
    flag = rule(ctx)
    if expected is None:
        assert flag is None, flag
        return None
    assert flag is not None, f"{rule.__name__} did not fire"
    assert flag.code == expected
    assert flag.severity == ("block" if rule in rules.BLOCKING_RULES else "warn")
    assert flag.message and flag.evidence
    return flag


def assert_points_at(flag: rules.Flag, tp, quote_part: str | None = None) -> None:
    """The evidence names the touchpoint, when it happened, and quotes it."""
    assert flag.evidence["touchpoint_id"] == tp.touchpoint_id
    assert flag.evidence["occurred_at"] == iso(tp.occurred_at)
    assert flag.evidence["quote"]
    if quote_part:
        assert quote_part in flag.evidence["quote"]


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


# --------------------------------------------------------------------------- no address

BOUNCE = models.Suppression(key="k", email="Ada.Park@gmail.com", source="bounce")


@pytest.mark.parametrize(
    ("channel", "fields", "suppressions", "blocks"),
    [
        ("inmail", {}, [], False),
        ("inmail", {"linkedin_url": None}, [], True),
        ("inmail", {"linkedin_url": ""}, [], True),
        ("inmail", {"linkedin_url": "https://example.com/ada"}, [], True),
        ("inmail", {"linkedin_url": "https://linkedin.com/"}, [], True),
        ("inmail", {"linkedin_url": "linkedin.com/in/ada-park"}, [], False),
        # An InMail needs no email address.
        ("inmail", {"email": None}, [], False),
        ("email", {}, [], False),
        ("email", {"email": None}, [], True),
        ("email", {"email": "ada.park@"}, [], True),
        ("email", {"email": "ada..park@gmail.com"}, [], True),
        # The only address bounced hard: mail cannot reach it.
        ("email", {}, [BOUNCE], True),
        # An email thread needs no LinkedIn profile.
        ("email", {"linkedin_url": None}, [], False),
        # A do-not-contact entry for the address is another rule's business, not this one's.
        ("email", {}, [models.Suppression(key="k", email="ada.park@gmail.com")], False),
    ],
)
def test_no_address(channel, fields, suppressions, blocks):
    ctx = context(channel=channel, suppressions=suppressions, **fields)
    flag = check(rules.no_address, ctx, "no_address" if blocks else None)
    if flag:
        assert flag.blocks
        assert flag.evidence["field"] == ("linkedin_url" if channel == "inmail" else "email")
    if suppressions == [BOUNCE]:
        assert "bounced" in flag.message
        assert flag.evidence["bounced"] == ["ada.park@gmail.com"]


def test_no_address_at_schedule_and_in_threads_list(engine, tmp_path):
    team = basic_team("c-1", "c-2")
    team.candidate("c-3", email="c3@example.com", linkedin_url="")
    team.touch("c-3", NOW - 10 * DAY, channel="email")
    team.files["candidates.csv"][1]["linkedin_url"] = ""
    team.load(engine, tmp_path)
    report = schedule(engine, make_settings(), NOW)
    threads = {t["candidate_id"]: t for t in threads_by_id(engine).values()}
    assert threads["c-1"]["state"] == "drafted"
    assert threads["c-2"]["state"] == "suppressed"
    assert threads["c-2"]["reasons"] == ["no_address"]
    # An email thread with a valid address is drafted although there is no profile.
    assert threads["c-3"]["state"] == "drafted"
    assert report.suppressed == {"no_address": 1}
    assert {d["candidate_id"] for d in drafts_of(engine)} == {"c-1", "c-3"}


# --------------------------------------------------------------------------- delivery, age


@pytest.mark.parametrize(
    ("delivery", "blocks"),
    [("delivered", False), ("bounced", True), ("failed", True), ("pending", True)],
)
def test_undelivered(delivery, blocks):
    ctx = context(delivery=delivery)
    flag = check(rules.undelivered, ctx, "undelivered" if blocks else None)
    if flag:
        assert_points_at(flag, ctx.initial)
        assert flag.evidence["delivery"] == delivery


@pytest.mark.parametrize(
    ("age", "blocks"),
    [
        (27 * DAY, False),
        (28 * DAY, False),  # exactly max_age_days is still allowed
        (28 * DAY + MINUTE, True),
        (60 * DAY, True),
    ],
)
def test_too_late(age, blocks):
    ctx = context(age=age)
    flag = check(rules.too_late, ctx, "too_late" if blocks else None)
    if flag:
        assert_points_at(flag, ctx.initial)
        assert flag.evidence["age_days"] == age.days


@pytest.mark.parametrize(
    ("age", "state"),
    [
        (7 * DAY - MINUTE, "waiting"),
        (7 * DAY, "due"),  # due at exactly first_followup_after_days
        (28 * DAY, "due"),
        (28 * DAY + MINUTE, "suppressed"),
    ],
)
def test_a_thread_is_due_from_exactly_seven_days(age, state):
    decided = decide(context(age=age))
    assert decided.state == state
    if state == "waiting":
        assert decided.reasons == ["not_due"]
        assert decided.hold_until == NOW - age + 7 * DAY


def test_due_follows_the_configured_delay():
    settings = make_settings(cadence={"first_followup_after_days": 3})
    assert decide(context(age=3 * DAY, settings=settings)).state == "due"
    assert decide(context(age=3 * DAY - MINUTE, settings=settings)).state == "waiting"


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


# --------------------------------------------------------------------------- recent contact


def sent_ago(days: timedelta, **fields):
    return touch(
        "tp-x",
        NOW - days,
        direction="outbound",
        channel="email",
        role_id="r-2",
        recruiter="kim",
        body="A note about another role",
        **fields,
    )


@pytest.mark.parametrize(
    ("touchpoints", "warns"),
    [
        ([sent_ago(3 * DAY)], True),
        ([sent_ago(7 * DAY)], True),  # the window includes its first minute
        ([sent_ago(7 * DAY + MINUTE)], False),
        ([sent_ago(2 * DAY, delivery="bounced")], False),  # never reached them
        ([touch("tp-x", NOW - DAY, channel="email", body="Inbound note")], False),
        ([], False),  # the thread's own initial message never counts
    ],
)
def test_recent_contact(touchpoints, warns):
    ctx = context(*touchpoints, age=5 * DAY)
    flag = check(rules.recent_contact, ctx, "recent_contact" if warns else None)
    if flag:
        assert_points_at(flag, touchpoints[0])
        assert flag.evidence["recruiter"] == "kim"


def test_recent_contact_window_follows_config():
    ctx = context(
        sent_ago(3 * DAY), settings=make_settings(cadence={"min_days_between_messages": 2})
    )
    assert rules.recent_contact(ctx) is None


def test_other_threads():
    ctx = context()
    check(rules.other_threads, ctx, None)
    ctx.other_due_threads = ["c-1:r-2:email"]
    flag = check(rules.other_threads, ctx, "other_threads")
    assert flag.evidence == {"threads": ["c-1:r-2:email"]}


# --------------------------------------------------------------------------- out of office


def test_out_of_office_holds_until_the_return_date_then_warns():
    reply = later("tp-ooo", 0.01, channel="inmail", subject="Automatic reply", body=AUTO_REPLY)
    ctx = context(reply)
    assert rules.replied(ctx) is None
    assert rules.out_of_office_until(ctx) == NOW.replace(day=20, hour=0)
    held = decide(ctx)
    assert (held.state, held.reasons) == ("waiting", ["out_of_office"])
    assert held.hold_until == NOW.replace(day=20, hour=0)

    ctx.now = NOW.replace(day=20, hour=0)
    flag = check(rules.out_of_office, ctx, "out_of_office")
    assert_points_at(flag, reply, "out of the office")
    assert flag.evidence["hold_until"] == "2025-11-20T00:00:00+00:00"
    assert decide(ctx).state == "due"


def test_out_of_office_without_a_date_holds_seven_days_after_the_reply():
    reply = later("tp-ooo", 1, body="Automatic reply: I'm out of the office with no email.")
    ctx = context(reply)
    assert rules.out_of_office_until(ctx) == reply.occurred_at + 7 * DAY
    ctx.now = reply.occurred_at + 7 * DAY - MINUTE
    assert decide(ctx).reasons == ["out_of_office"]
    ctx.now = reply.occurred_at + 7 * DAY
    assert decide(ctx).state == "due"


def test_a_real_reply_after_an_auto_reply_is_not_out_of_office():
    ctx = context(later("tp-ooo", 0.01, body=AUTO_REPLY), later("tp-r", 3, body="Yes, let's talk"))
    assert rules.out_of_office(ctx) is None
    assert decide(ctx).reasons == ["replied"]


# --------------------------------------------------------------------------- text checks


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("Hi [Name], following up.", "[Name]"),
        ("Hi {{ candidate.first_name }},", "{{ candidate.first_name }}"),
        ("Would you join <company>?", "<company>"),
        ("Hi Ada, following up on my note about the Controls Engineer role.", None),
    ],
)
def test_placeholder(body, found):
    flag = placeholder_flag(body)
    if found is None:
        assert flag is None
        return
    assert (flag.code, flag.severity) == ("placeholder", "warn")
    assert flag.evidence["placeholders"] == [found]
    assert found in flag.evidence["quote"]


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
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
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
