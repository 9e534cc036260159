"""The pipeline's typed answers: what it says about a thread, a candidate and a draft."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from builders import DAY, NOW, context, touch

from drafts.lifecycle import body_hash
from drafts.rules.answers import Reason
from drafts.rules.flags import BLOCK, WARN, Flag
from drafts.rules.pipeline import Pace, may_draft, may_review, may_send, one_draft_per_candidate


def test_a_blocked_thread_answers_with_its_blocking_flags_only():
    answer = may_draft(context(ats_status="hired"))
    assert [f.code for f in answer.blocking] == ["employee"]
    assert not answer.holds and not answer.may


def test_a_thread_not_yet_due_is_held_until_the_day_it_is():
    answer = may_draft(context(age=3 * DAY))
    (hold,) = answer.holds
    assert (hold.code, hold.not_before) == (Reason.NOT_DUE, NOW + 4 * DAY)


def test_a_due_thread_may_be_drafted():
    assert may_draft(context()).may


def _thread(thread_id: str, days_old: int):
    ctx = context(age=days_old * DAY)
    view = dataclasses.replace(ctx.thread, thread_id=thread_id)
    return dataclasses.replace(ctx, thread=view)


def test_one_draft_per_candidate_keeps_the_newest_thread_and_holds_the_rest():
    older, newer = _thread("c-1:r-1:inmail", 20), _thread("c-1:r-2:inmail", 9)
    chosen, held = one_draft_per_candidate([older, newer], {})
    assert chosen == [newer] and newer.other_due_threads == ["c-1:r-1:inmail"]
    (hold,) = held["c-1:r-1:inmail"].holds
    assert hold.code == Reason.OTHER_THREADS
    assert hold.evidence == {"drafted_thread": "c-1:r-2:inmail"}
    assert [f.code for f in held["c-1:r-1:inmail"].warnings] == ["other_threads"]


def test_threads_to_draft_come_oldest_initial_message_first_across_candidates():
    newer = _thread("c-2:r-1:inmail", 9)
    newer = dataclasses.replace(newer, thread=dataclasses.replace(newer.thread, candidate_id="c-2"))
    older = _thread("c-1:r-1:inmail", 20)
    chosen, held = one_draft_per_candidate([newer, older], {})
    assert chosen == [older, newer] and held == {}


def test_a_draft_on_its_way_holds_every_due_thread_of_the_candidate():
    due = _thread("c-1:r-1:inmail", 9)
    chosen, held = one_draft_per_candidate([due], {"c-1": ["c-1:r-9:email"]})
    assert chosen == []
    assert held["c-1:r-1:inmail"].holds[0].evidence == {"drafted_thread": "c-1:r-9:email"}


def _approved(body: str = "Hi Ada") -> dict:
    return {
        "subject": None,
        "body": body,
        "recruiter": "sam",
        "approved_body_hash": body_hash(None, "Hi Ada"),
    }


def _pace(ctx, used: int = 0) -> Pace:
    return Pace(ctx.settings, ctx.now, UTC, used, [])


def test_a_text_changed_since_approval_is_refused_with_its_own_code():
    ctx = context()
    answer = may_send(_approved("Hi Ada!"), ctx, _pace(ctx))
    assert answer.cancels and answer.cancel_codes == ["edited_after_approval"]
    assert not answer.blocking  # a send-only reason: no thread flag is stored for it


def test_a_block_found_at_send_time_cancels_with_its_evidence():
    reply = touch("tp-r", NOW - DAY, direction="inbound", body="Yes, let's talk")
    ctx = context(reply)
    answer = may_send(_approved(), ctx, _pace(ctx))
    assert answer.cancel_codes == ["replied"]
    assert answer.blocking[0].evidence["touchpoint_id"] == "tp-r"


def test_pacing_holds_an_approved_draft_with_a_time_it_may_go():
    ctx = context()
    answer = may_send(_approved(), ctx, _pace(ctx, used=100))
    (hold,) = answer.holds
    assert hold.code == Reason.DAILY_LIMIT and hold.not_before > NOW
    assert not answer.cancels


def test_review_shows_stored_warnings_and_adds_each_new_one_once():
    stored = [
        Flag("other_threads", WARN, "drafted on r-1 only", {}),
        Flag("llm_length", WARN, "long", {}),
        Flag("replied", BLOCK, "stored block from drafting time", {}),
    ]
    ctx = context(company="Globex", title=None, role_status="closed")
    answer = may_review(ctx, "Hi [Name], and again [Name]", stored)

    codes = [f.code for f in answer.warnings]
    # Stored warnings first (a stored block is not a warning), then what applies now, once.
    assert codes == ["other_threads", "llm_length", "role_closed", "competitor", "placeholder"]
    assert answer.blocking == []  # blocks are asked now, never read from storage


def test_review_does_not_repeat_a_warning_it_already_stored():
    stored = [Flag("competitor", WARN, "stored at drafting", {})]
    answer = may_review(context(company="Globex"), "Hi Ada", stored)
    assert [(f.code, f.message) for f in answer.warnings] == [("competitor", "stored at drafting")]


def test_an_out_of_office_reply_holds_until_the_return_day_and_not_after():
    auto = touch("tp-a", NOW - DAY, subject="Out of office", body="Back on 20 November.")
    ctx = context(auto)
    (hold,) = may_send(_approved(), ctx, _pace(ctx)).holds
    assert hold.code == Reason.OUT_OF_OFFICE and hold.not_before == datetime(2025, 11, 20)

    back = context(auto, now=datetime(2025, 11, 20), age=13 * DAY)  # the reply after it
    assert may_send(_approved(), back, _pace(back)).holds == []
