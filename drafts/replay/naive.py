"""LinkedIn Recruiter's automated follow-up, replayed, and what it would have harmed.

The seed's automation knew one thing: whether the candidate answered the InMail itself.
Every thread whose initial message got no inbound message on that same thread within
`first_followup_after_days` was followed up on the day that wait ran out, whatever else
was true. That is not a rule of ours, so it lives here and nowhere near drafts.rules.

Each of its follow-ups is then put to our rules as at its moment (the pipeline's
`may_draft`, on the store as of that day): a follow-up a blocking rule covers is a harm.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

from drafts.replay.asof import History, ReplayThread
from drafts.replay.runs import DRAFTED, FollowUp, Run, moment_of, sent_followup
from drafts.rules.context import MissingInitialMessage, TouchpointView
from drafts.rules.pipeline import may_draft
from store.config import Settings

ONE_DAY = timedelta(days=1)


def _answered_in_time(history: History, thread: ReplayThread, wait: timedelta) -> bool:
    """Whether the thread itself (same role, same channel) got an inbound message in time."""
    view = thread.view
    deadline = thread.initial_at + wait
    return any(
        t.direction == "inbound"
        and t.role_id == view.role_id
        and t.channel == view.channel
        and thread.initial_at <= t.occurred_at <= deadline
        for t in history.snapshot.touchpoints.get(view.candidate_id, ())
    )


def replay_naive(
    history: History,
    settings: Settings,
    days: list[date],
    hour: int,
    advance: Callable[[int], None] | None = None,
) -> Run:
    """Replay the naive automation over `days`, each follow-up with its harms."""
    run = Run("naive", days)
    wait = timedelta(days=settings.cadence.first_followup_after_days)
    sent: dict[str, list[TouchpointView]] = defaultdict(list)
    for index, day in enumerate(days):
        moment = moment_of(day, hour)
        view = history.as_of(moment, settings, sent)
        fired = []
        for thread in history.threads:
            if thread.initial_at > moment:
                break
            # The day its wait runs out: the automation ran once a day, like this replay.
            if not moment - ONE_DAY < thread.initial_at + wait <= moment:
                continue
            if _answered_in_time(history, thread, wait):
                run.note(thread.view.thread_id, index, ["answered"])
                continue
            try:
                ctx = view.context(thread.view)
            except MissingInitialMessage:
                continue
            harms = tuple(may_draft(ctx).blocking)
            run.followups.append(
                FollowUp(thread.view.thread_id, ctx.thread.candidate_id, day, harms)
            )
            run.note(thread.view.thread_id, index, [DRAFTED])
            fired.append(ctx)
        # Counted as sent after the day's decisions, as the scheduled replay does.
        for ctx in fired:
            sent[ctx.thread.candidate_id].append(sent_followup(ctx, moment))
        if advance:
            advance(1)
    return run
