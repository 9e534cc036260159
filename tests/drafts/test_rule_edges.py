"""The thread rules at the edges a mutation run found untested: a message dated after now,
an opt-out written only in a subject, a person's answer with away wording, the headers'
own verdict on an automatic reply, and the out-of-office hold's sources.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from builders import DAY, NOW, context, make_settings, touch

from drafts.rules import thread_rules
from drafts.rules.thread_rules import (
    do_not_contact,
    out_of_office,
    out_of_office_until,
    recent_contact,
    replied,
)
from store import models


def _sent(at: datetime, **fields):
    return touch("tp-kim", at, direction="outbound", recruiter="kim", channel="email", **fields)


def test_a_message_dated_after_now_is_not_recent_contact():
    # Scheduling or replaying as of an earlier moment: later mail has not happened yet.
    assert recent_contact(context(_sent(NOW + DAY))) is None
    assert recent_contact(context(_sent(NOW))) is not None


def test_recent_contact_counts_delivered_messages_only():
    assert recent_contact(context(_sent(NOW - DAY, delivery="bounced"))) is None
    flag = recent_contact(context(_sent(NOW - DAY)))
    assert flag.message.startswith("kim sent a email on 2025-11-07, within 7 days")


def test_recent_contact_names_the_latest_and_someone_when_nobody_is_known():
    earlier = touch("tp-a", NOW - 3 * DAY, direction="outbound", recruiter="kim")
    later = touch("tp-b", NOW - DAY, direction="outbound", recruiter=None)
    flag = recent_contact(context(earlier, later))
    assert flag.evidence["touchpoint_id"] == "tp-b" and flag.message.startswith("someone")


def test_an_opt_out_written_only_in_the_subject_blocks():
    answer = touch("tp-r", NOW - DAY, subject="Unsubscribe", body="Thanks.")
    flag = do_not_contact(context(answer))
    assert flag is not None and "Unsubscribe" in flag.message


def test_an_opt_out_in_our_own_outbound_message_is_not_theirs():
    ours = touch("tp-o", NOW - DAY, direction="outbound", subject="Unsubscribe", body="x")
    assert do_not_contact(context(ours)) is None


def test_a_person_answering_with_away_wording_has_replied():
    body = "I'm on vacation this week, but yes, let's talk"
    answer = touch("tp-r", NOW - DAY, subject="Re: Robotics at Acme", body=body)
    ctx = context(answer)
    assert replied(ctx) is not None
    assert out_of_office(ctx) is None and out_of_office_until(ctx) is None


def test_the_headers_say_automatic_even_when_the_words_do_not():
    answer = replace(touch("tp-r", NOW - DAY, body="Thanks for your message."), automatic=True)
    ctx = context(answer)
    assert replied(ctx) is None
    assert out_of_office_until(ctx) == NOW - DAY + thread_rules.OUT_OF_OFFICE_DEFAULT_HOLD


def test_a_return_date_from_the_headers_wins_over_the_words():
    answer = replace(
        touch("tp-r", NOW - DAY, subject="Out of office", body="Back on 20 November."),
        automatic=True,
        returns_at=datetime(2025, 11, 25),
    )
    assert out_of_office_until(context(answer)) == datetime(2025, 11, 25)


def test_the_return_date_in_the_subject_counts():
    answer = touch("tp-r", NOW - DAY, subject="Out of office until 20 November", body="Thanks.")
    assert out_of_office_until(context(answer)) == datetime(2025, 11, 20)


def test_an_auto_reply_among_several_answers_is_not_out_of_office():
    auto = touch("tp-a", NOW - 2 * DAY, subject="Automatic reply", body="Away.")
    real = touch("tp-r", NOW - DAY, subject="Re: Robotics", body="Sure, call me.")
    ctx = context(auto, real)
    assert thread_rules.out_of_office_reply(ctx) is None and replied(ctx) is not None


def test_the_max_age_is_counted_to_the_day():
    settings = make_settings(cadence={"max_age_days": 14})
    assert thread_rules.too_late(context(age=14 * DAY, settings=settings)) is None
    flag = thread_rules.too_late(context(age=14 * DAY + timedelta(seconds=1), settings=settings))
    assert flag is not None and flag.evidence["age_days"] == 14


def test_replied_cites_the_first_answer():
    first = touch("tp-1", NOW - 3 * DAY, body="Sounds good.")
    second = touch("tp-2", NOW - DAY, body="Any news?")
    flag = replied(context(first, second))
    assert flag.evidence["touchpoint_id"] == "tp-1"
    assert "on 2025-11-05" in flag.message


def _entry(key: str, **fields) -> models.Suppression:
    return models.Suppression(key=key, **fields)


def test_the_first_matching_do_not_contact_entry_is_cited_with_who_added_it():
    added = datetime(2025, 11, 1, 12)
    entries = [
        _entry(
            "s-1", candidate_id="c-1", reason="asked by phone", created_by="rita", created_at=added
        ),
        _entry("s-2", email="ada.park@gmail.com", reason="old list"),
    ]
    flag = do_not_contact(context(suppressions=entries))
    assert flag.message == "On the suppression list (matched by candidate id)"
    assert flag.evidence["reason"] == "asked by phone"
    assert flag.evidence["added_by"] == "rita"
    assert flag.evidence["added_at"] == added.isoformat()


def test_an_imported_entry_says_nothing_of_who_added_it():
    flag = do_not_contact(context(suppressions=[_entry("s-2", email="ada.park@gmail.com")]))
    assert flag.message.endswith("(matched by email)")
    assert "added_by" not in flag.evidence and "added_at" not in flag.evidence


def test_do_not_contact_in_the_ats_quotes_notes_only_when_there_are_some():
    assert do_not_contact(context(do_not_contact=True)).evidence["notes"] is None
    flag = do_not_contact(context(do_not_contact=True, notes="Asked twice not to be contacted"))
    assert flag.evidence["notes"] == "Asked twice not to be contacted"


def test_in_process_says_which_stage():
    assert thread_rules.in_process(context(ats_status="active")).message == (
        "Interviewing (ATS status active)"
    )
    assert thread_rules.in_process(context(ats_status="offer")).message == (
        "Holding an offer (ATS status offer)"
    )


def _followup(touchpoint_id: str, at: datetime, role_id: str = "r-1"):
    return touch(touchpoint_id, at, direction="outbound", role_id=role_id)


def test_a_message_about_another_role_is_not_this_threads_follow_up():
    other_role = _followup("tp-r2", NOW - DAY, role_id="r-2")
    assert thread_rules.followups_exhausted(context(other_role)) is None
    assert thread_rules.followups_exhausted(context(_followup("tp-f", NOW - DAY))) is not None


def test_followups_exhausted_cites_the_latest_follow_up():
    settings = make_settings(cadence={"max_followups": 2})
    ctx = context(
        _followup("tp-f1", NOW - 3 * DAY), _followup("tp-f2", NOW - DAY), settings=settings
    )
    flag = thread_rules.followups_exhausted(ctx)
    assert flag.evidence["touchpoint_id"] == "tp-f2" and flag.evidence["followups"] == 2


def test_a_thread_without_a_recruiter_is_not_held_for_one():
    ctx = context()
    ctx.recruiter = None
    assert thread_rules.recruiter_inactive(ctx) is None


def test_a_thread_without_a_role_is_not_closed():
    ctx = context()
    ctx.role = None
    assert thread_rules.role_closed(ctx) is None


def test_a_competitor_warning_names_the_title_when_there_is_one():
    flag = thread_rules.competitor(context(company="Globex", title="Robotics Engineer"))
    assert flag.message == "Works at a competitor: Globex (Robotics Engineer)"
    flag = thread_rules.competitor(context(company="Globex", title=None))
    assert flag.message == "Works at a competitor: Globex"


def test_a_message_with_no_delivery_status_counts_as_delivered():
    unknown = replace(_sent(NOW - DAY), delivery=None)
    assert recent_contact(context(unknown)) is not None


def test_of_several_auto_replies_the_latest_sets_the_hold():
    early = touch("tp-a1", NOW - 3 * DAY, subject="Out of office", body="Back on 12 November.")
    late = touch("tp-a2", NOW - DAY, subject="Out of office", body="Back on 20 November.")
    ctx = context(early, late)
    assert thread_rules.out_of_office_reply(ctx).touchpoint_id == "tp-a2"
    assert out_of_office_until(ctx) == datetime(2025, 11, 20)


def test_the_out_of_office_warning_says_until_when_it_held():
    auto = touch("tp-a", NOW - 10 * DAY, subject="Out of office", body="Back on 5 November.")
    flag = out_of_office(context(auto, age=12 * DAY))
    assert flag.message == (
        "Only an automatic out-of-office reply (2025-10-29); held until 2025-11-05"
    )
    assert flag.evidence["hold_until"].startswith("2025-11-05")
