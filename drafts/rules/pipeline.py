"""The one pipeline: may this thread be drafted, this draft approved, this draft sent, now?

The scheduler asks `may_draft` (then `one_draft_per_candidate` across a candidate's due
threads, and `draft_flags` once the text is written), the review app asks `may_review`,
the sender asks `may_send` for each draft and `automation_stop`/`volume_stop` for its run,
and every edit asks `check_text`. Each answer is typed (drafts.rules.answers): blocking
flags, warnings, holds and refusals, each with its evidence. The rules themselves are
plain functions elsewhere in drafts.rules; this module decides the order they are asked in
and what each answer means, and nothing outside it strings them together again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy.engine import Connection

from drafts.lifecycle import body_hash
from drafts.rules import pacing
from drafts.rules.answers import Answer, Hold, Reason, Refusal, Stop
from drafts.rules.context import ThreadContext
from drafts.rules.flags import WARN, Flag
from drafts.rules.llm_checks import OUTPUT_CODES, output_flags
from drafts.rules.text_checks import TEXT_CODES, text_flags
from drafts.rules.thread_rules import (
    blocking_flags,
    due_at,
    out_of_office_until,
    warning_flags,
)
from drafts.rules.volume import check_volume
from store import audit
from store.config import Settings

# --- drafting -------------------------------------------------------------------------


def may_draft(ctx: ThreadContext) -> Answer:
    """The thread rules, in order: blocked; not due yet; held by an out-of-office reply.

    An empty answer means due. Its warnings are asked with its text (`draft_flags`), after
    `one_draft_per_candidate` has looked at the candidate's other due threads.
    """
    blocking = blocking_flags(ctx)
    if blocking:
        return Answer(blocking=blocking)
    due = due_at(ctx)
    if ctx.now < due:
        return Answer(holds=[Hold(Reason.NOT_DUE, "not due yet", due)])
    hold = away_hold(ctx)
    if hold is not None:
        return Answer(warnings=warning_flags(ctx), holds=[hold])
    return Answer()


def one_draft_per_candidate(
    due: list[ThreadContext], open_drafts: Mapping[str, list[str]]
) -> tuple[list[ThreadContext], dict[str, Answer]]:
    """The candidate rule: one follow-up per candidate at a time.

    Of a candidate's due threads the one with the most recent initial message is drafted,
    unless the candidate already has a draft on its way (`open_drafts`: candidate id →
    thread ids); every other thread waits with `other_threads`. Returns the threads to
    draft (oldest initial message first; each knows its other due threads) and, by thread
    id, the answer for each thread that waits.
    """
    by_candidate: dict[str, list[ThreadContext]] = defaultdict(list)
    for ctx in due:
        by_candidate[ctx.thread.candidate_id].append(ctx)
    chosen: list[ThreadContext] = []
    held: dict[str, Answer] = {}
    for candidate_id, contexts in by_candidate.items():
        contexts.sort(key=lambda c: (c.initial.occurred_at, c.thread.thread_id), reverse=True)
        existing = open_drafts.get(candidate_id, [])
        keep = None if existing else contexts[0]
        drafted = existing[0] if existing else contexts[0].thread.thread_id
        for ctx in contexts:
            if ctx is keep:
                continue
            message = f"This candidate already has a draft on thread {drafted}; one at a time"
            evidence = {"drafted_thread": drafted}
            held[ctx.thread.thread_id] = Answer(
                warnings=[Flag(Reason.OTHER_THREADS, WARN, message, evidence)],
                holds=[Hold(Reason.OTHER_THREADS, message, None, evidence)],
            )
        if keep is not None:
            keep.other_due_threads = [c.thread.thread_id for c in contexts if c is not keep]
            chosen.append(keep)
    chosen.sort(key=lambda c: (c.initial.occurred_at, c.thread.thread_id))
    return chosen, held


def draft_flags(ctx: ThreadContext, body: str, writer_flags: list[Flag]) -> list[Flag]:
    """Every warning a new draft carries: the thread's, its text's, and its writer's (the
    LLM renderer's output checks, injection suspicion or fallback)."""
    return warning_flags(ctx) + text_flags(body) + list(writer_flags)


# --- reviewing and editing ------------------------------------------------------------


@dataclass(frozen=True)
class LlmText:
    """What the LLM output checks measure a text against: the prompt and its bounds."""

    context_text: str
    min_chars: int
    max_chars: int


# The findings that come from a draft's text: replaced whenever the text changes.
TEXT_FLAG_CODES = TEXT_CODES + OUTPUT_CODES


def check_text(body: str, ctx: ThreadContext | None, llm: LlmText | None = None) -> list[Flag]:
    """Every check on a text, run again after any edit: the placeholder check on every
    draft, and for an LLM draft (`llm` given) every LLM output check too."""
    flags = text_flags(body)
    if llm is not None and ctx is not None:
        flags += output_flags(
            body,
            ctx,
            context_text=llm.context_text,
            min_chars=llm.min_chars,
            max_chars=llm.max_chars,
        )
    return flags


def may_review(ctx: ThreadContext, body: str, stored: list[Flag]) -> Answer:
    """Blocking now, and the warnings a reviewer acknowledges by approving.

    Stored warnings include those only the scheduler or the writer could see
    (other_threads, the LLM checks); the rules and the text checks asked now add whatever
    has appeared since.
    """
    warnings = [f for f in stored if not f.blocks]
    seen = {f.code for f in warnings}
    for flag in warning_flags(ctx) + text_flags(body):
        if flag.code not in seen:
            warnings.append(flag)
            seen.add(flag.code)
    return Answer(blocking=blocking_flags(ctx), warnings=warnings)


# --- sending --------------------------------------------------------------------------


@dataclass(frozen=True)
class Pace:
    """What pacing needs to know about the moment of sending one draft."""

    settings: Settings
    now: datetime
    day_zone: tzinfo
    # Messages this draft's recruiter has sent, is sending, or this run will send, today.
    used_today: int
    # When this candidate was last written to by drafts on their way or sent recently.
    in_flight: list[datetime]


def refuse(code: Reason, reason: str) -> Answer:
    """A send-only refusal: the draft is cancelled with this code, no thread flag stored."""
    return Answer(refusals=[Refusal(code, reason)])


def away_hold(ctx: ThreadContext) -> Hold | None:
    """An out-of-office reply that names a later return holds an approved draft until then.

    With mailbox sync the auto-reply often lands after the draft was written, or even
    approved: the person is still away, so the message waits for them (§4 out_of_office).
    """
    away = out_of_office_until(ctx)
    if away is None or ctx.now >= away:
        return None
    return Hold(Reason.OUT_OF_OFFICE, f"away until {away:%Y-%m-%d} (an out-of-office reply)", away)


def may_send(draft: Mapping[str, Any], ctx: ThreadContext, pace: Pace) -> Answer:
    """The approved text unchanged, every thread rule still holding, then pacing.

    Refusals and blocks cancel the draft; holds keep it approved until `not_before`.
    """
    if draft["approved_body_hash"] != body_hash(draft["subject"], draft["body"]):
        return refuse(
            Reason.EDITED_AFTER_APPROVAL, "the text differs from the text that was approved"
        )
    blocking = blocking_flags(ctx)
    if blocking:
        return Answer(blocking=blocking)
    handle = draft["recruiter"]
    limit = pacing.daily_limit(ctx.recruiter, pace.settings)
    hold = pacing.combine(
        [
            away_hold(ctx),
            pacing.cap_hold(handle, pace.used_today, limit, pace.now, pace.day_zone),
            pacing.spacing_hold(ctx, pace.in_flight),
            pacing.window_hold(ctx.candidate.timezone, pace.settings, pace.now, pace.day_zone),
        ]
    )
    return Answer(holds=[hold] if hold is not None else [])


def automation_stop(conn: Connection) -> Stop | None:
    """The admin switch: off stops schedule and send before they do anything."""
    if audit.automation_enabled(conn):
        return None
    return Stop(Reason.AUTOMATION_OFF, "automation is off")


def volume_stop(
    conn: Connection, settings: Settings, now: datetime, planned: int, day_zone: tzinfo
) -> Stop | None:
    """The volume alarm: stop when today, with `planned` more, passes the usual day's limit."""
    start, _end = pacing.day_bounds(now, day_zone)
    check = check_volume(conn, settings, now, planned, start)
    if not check.exceeded:
        return None
    return Stop(Reason.VOLUME_ALARM, check.message(), check.as_json())
