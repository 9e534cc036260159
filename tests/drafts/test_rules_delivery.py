"""The rules about reaching a person at all: no usable address, an undelivered initial
message, too late, and when a thread becomes due."""

from __future__ import annotations

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
)
from rule_checks import AUTO_REPLY, assert_points_at, check, later

from drafts.rules import thread_rules as rules
from drafts.writing.scheduler import decide, schedule
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
