"""The warning rules of contract section 4 (recent contact, other threads, out of office,
placeholder), one table each, with the boundaries a user would test."""

from __future__ import annotations

from datetime import timedelta

import pytest
from builders import (
    DAY,
    MINUTE,
    NOW,
    context,
    make_settings,
    touch,
)
from rule_checks import AUTO_REPLY, assert_points_at, check, later

from drafts.rules import thread_rules as rules
from drafts.rules.text_checks import placeholder_flag
from drafts.writing.scheduler import decide

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
