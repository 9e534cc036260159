"""A configuration replayed: the scheduler's decisions, day by day, as of each day.

Each day the same pipeline the scheduler asks (drafts.rules.pipeline: `may_draft` through
`decide`, then `one_draft_per_candidate`) decides every thread on the store as it was at
that moment (drafts.replay.asof). The run's caps apply as they would have: the scheduler's
`drafts_per_run`, and each recruiter's daily limit (drafts.rules.pacing), which the
sender enforces. Each follow-up drafted is counted as sent that day, so the next day's
rules see it (`followups_exhausted`, `recent_contact`, the candidate's other threads).

Not deciding again what cannot change is what keeps a month cheap: a thread waiting for
its due date (the pipeline's `not_due` hold says when) is skipped until then, and a thread
blocked by a fact that never comes undone as the clock moves forward is not asked again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, date

from drafts.replay.asof import History
from drafts.replay.runs import DRAFTED, FollowUp, Run, moment_of, sent_followup
from drafts.rules import pacing
from drafts.rules.answers import Reason
from drafts.rules.context import MissingInitialMessage, TouchpointView
from drafts.rules.pipeline import may_draft, one_draft_per_candidate
from drafts.writing.decided import DUE, decide
from store.config import Settings

# Blocks that stay once they hold, as replay's clock only moves forward: touchpoints and
# do-not-contact entries only accumulate, time only passes, and what the store holds now
# (delivery of the initial message, companies, recruiters) is the same every replayed day.
# Status-based blocks (employee by `hired`, in_process, declined) are not here: a status
# can move back.
SETTLED = frozenset(
    {
        "replied",
        "do_not_contact",
        "too_late",
        "followups_exhausted",
        "undelivered",
        "never_contact_company",
        "recruiter_inactive",
    }
)

Advance = Callable[[int], None]


def replay_scheduled(
    history: History,
    settings: Settings,
    days: list[date],
    hour: int,
    name: str = "configured",
    advance: Advance | None = None,
) -> Run:
    """Replay the scheduler under `settings` over `days`. Writes nothing."""
    run = Run(name, days)
    sent: dict[str, list[TouchpointView]] = defaultdict(list)
    settled: set[str] = set()
    wait_until = {}
    for index, day in enumerate(days):
        moment = moment_of(day, hour)
        view = history.as_of(moment, settings, sent)
        due = []
        for thread in history.threads:
            if thread.initial_at > moment:
                break  # sorted by initial message: the rest had not started yet
            thread_id = thread.view.thread_id
            if thread_id in settled or wait_until.get(thread_id, moment) > moment:
                continue
            try:
                ctx = view.context(thread.view)
            except MissingInitialMessage:
                run.note(thread_id, index, [Reason.INITIAL_MISSING.value])
                settled.add(thread_id)
                continue
            item = decide(ctx)
            if item.state == DUE:
                due.append(item)
                continue
            run.note(thread_id, index, item.reasons)
            if item.ctx is not None and SETTLED.intersection(item.reasons):
                settled.add(thread_id)
            elif item.reasons == [Reason.NOT_DUE.value] and item.hold_until is not None:
                wait_until[thread_id] = item.hold_until
        _send(run, index, day, settings, due, sent)
        if advance:
            advance(1)
    return run


def _send(run: Run, index: int, day: date, settings: Settings, due, sent) -> None:
    """The day's due threads through the candidate rule and the caps; each follow-up that
    goes is counted as sent at the day's moment."""
    # Nothing is ever left open between replayed days: every draft went out the day it was made.
    chosen, held = one_draft_per_candidate([item.ctx for item in due], {})
    for thread_id, answer in held.items():
        run.note(thread_id, index, [str(answer.holds[0].code)])
    used: Counter = Counter()
    for position, ctx in enumerate(chosen):
        thread = ctx.thread
        if position >= settings.limits.drafts_per_run:
            run.note(thread.thread_id, index, ["held_by_run_cap"])
            continue
        limit = pacing.daily_limit(ctx.recruiter, settings)
        hold = pacing.cap_hold(thread.recruiter, used[thread.recruiter], limit, ctx.now, UTC)
        if hold is not None:
            run.note(thread.thread_id, index, [str(hold.code)])
            continue
        used[thread.recruiter] += 1
        harms = tuple(may_draft(ctx).blocking)
        run.followups.append(FollowUp(thread.thread_id, thread.candidate_id, day, harms))
        sent[thread.candidate_id].append(sent_followup(ctx, ctx.now))
        run.note(thread.thread_id, index, [DRAFTED])
