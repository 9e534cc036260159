"""Which threads a `schedule` run decides: every one, or only those whose answer can have changed.

A thread's answer is a function of its candidate (the ATS record, its addresses, every
touchpoint, the drafts on its threads), the suppressions and bounces that match them, the
thread's role and recruiter, the config, and the moment. So a run decides again:

- every thread of a candidate named by a mark (store.models.ScheduleMark): triggers on
  each table the rules read write one whenever a row is added, removed or really changed,
  whoever writes it (a suppression or bounce marks the people with that address or
  profile, a role's or recruiter's change the people of their threads);
- every thread whose answer can change by time alone since the last run's moment: it
  became due (initial message + first_followup_after_days), too late (+ max_age_days), or
  a hold ended (hold_until: not due, out of office). The window is closed at both ends, so
  a bound that flips just after a run's moment is looked at again by the next run;
- every thread the last run held for its own reasons (sample, limit, per-run cap, a text
  that changed while drafting, a template error, a missing initial message, another due
  thread of the same candidate).

The recent-contact window also moves with time, but it only adds a warning: warnings are
worked out again whenever a draft is written, and never change a thread's state.

A candidate is the unit: the candidate rule (one draft at a time) looks across a
candidate's threads, so all of them are decided together. A first run, `--full`, a
changed config, a moment earlier than the last run's, or more candidates than deciding
everything would cost, decide everything.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Text, and_, cast, delete, func, or_, select, text
from sqlalchemy.engine import Connection

from drafts.writing.decided import ScheduleReport
from store import models
from store.config import Settings
from store.enums import ThreadState
from store.upsert import upsert

STATE = "schedule"
# Reasons a waiting thread is looked at again on every run (see the module doc).
ALWAYS = (
    "held_by_sample",
    "held_by_limit",
    "held_by_run_cap",
    "changed_while_drafting",
    "template_error",
    "initial_missing",
    "other_threads",
)
# Past this share of the store's candidates, one full pass is cheaper than many lookups.
FULL_SHARE = 0.25
MAX_CANDIDATES = 20_000


@dataclass(frozen=True)
class Scope:
    """The candidates a run decides (None: every thread), and why.

    It also says what the store looked like when it was taken: the marks waiting (id and
    candidate), the last run's state and the newest audit entry. A run's write step that
    finds all three as its read step did knows nothing changed in between (every writer of
    the rules' inputs marks, and forget, review and send are audited), so the decisions it
    made then still hold and need not be made again.
    """

    candidates: frozenset[str] | None
    why: str
    marks: frozenset[tuple[int, str]] = frozenset()
    basis: tuple = ()

    @property
    def full(self) -> bool:
        """Whether every thread is decided."""
        return self.candidates is None


def config_hash(settings: Settings) -> str:
    """A digest of the whole config: any change to it decides every thread again."""
    text = settings.model_dump_json()
    return hashlib.sha256(text.encode()).hexdigest()


def scope(
    conn: Connection, settings: Settings, now: datetime, *, full: bool, consume: bool
) -> Scope:
    """What this run decides. With `consume`, the marks it reads are deleted (in the run's
    transaction: a run that fails leaves them for the next)."""
    m = models.ScheduleMark.__table__
    d = models.Decision.__table__
    basis = (_state(conn), conn.execute(select(func.max(d.c.id))).scalar())
    columns = (m.c.id, m.c.candidate_id)
    if consume:
        rows = conn.execute(delete(m).returning(*columns)).all()
    else:
        rows = conn.execute(select(*columns)).all()
    marks = frozenset((row[0], row[1]) for row in rows)
    why = _full_reason(conn, settings, now, full)
    if why is not None:
        return Scope(None, why, marks, basis)
    decided_at = _state(conn)[0]
    ids = {cid for _id, cid in marks} | _timed(conn, settings, decided_at, now)
    total = conn.execute(select(func.count()).select_from(models.Candidate.__table__)).scalar()
    if len(ids) > MAX_CANDIDATES or len(ids) > FULL_SHARE * (total or 0) + 100:
        return Scope(None, "many changes", marks, basis)
    return Scope(frozenset(ids), "changed", marks, basis)


def record(conn: Connection, settings: Settings, now: datetime) -> None:
    """Remember this run's moment and config: the next run starts from them."""
    row = {"name": STATE, "decided_at": now, "config_hash": config_hash(settings)}
    upsert(
        conn, models.ScheduleState, [row], ["name"], update_columns=["decided_at", "config_hash"]
    )


def forget_own_marks(conn: Connection) -> None:
    """Drop the marks this run's own writes made (its drafts, its cancellations).

    It has just decided those candidates with those drafts in place; deciding them again
    next time would only find the same. Only this transaction's marks go: on SQLite the
    run took every mark and has held the write lock since, so any mark left is its own;
    on PostgreSQL other writers go on meanwhile, and the row's inserting transaction says.
    """
    m = models.ScheduleMark.__table__
    if conn.dialect.name == "postgresql":
        own = text("xmin::text::bigint = txid_current() % 4294967296")
        conn.execute(delete(m).where(own))
    else:
        conn.execute(delete(m))


def _state(conn: Connection) -> tuple[datetime, str] | tuple[None, None]:
    s = models.ScheduleState.__table__
    row = conn.execute(select(s.c.decided_at, s.c.config_hash).where(s.c.name == STATE)).first()
    return (row[0], row[1]) if row else (None, None)


def _full_reason(conn, settings, now, full: bool) -> str | None:
    if full:
        return "--full"
    decided_at, digest = _state(conn)
    if decided_at is None:
        return "first run"
    if digest != config_hash(settings):
        return "config changed"
    if now < decided_at:
        return "earlier than the last run"
    return None


def _timed(conn: Connection, settings: Settings, since: datetime, now: datetime) -> set[str]:
    """Candidates with a thread whose answer can have changed by time alone since `since`."""
    t = models.Thread.__table__
    cadence = settings.cadence
    bounds = [timedelta(days=cadence.first_followup_after_days)]
    bounds.append(timedelta(days=cadence.max_age_days))
    held = [json.dumps([reason]) for reason in ALWAYS]
    where = or_(
        *(t.c.initial_at.between(since - d, now - d) for d in bounds),
        t.c.hold_until.between(since, now),
        and_(t.c.state == ThreadState.WAITING.value, cast(t.c.reasons, Text).in_(held)),
    )
    return set(conn.execute(select(t.c.candidate_id).where(where).distinct()).scalars())


def count_unchanged(conn: Connection, before: dict[str, tuple], report: ScheduleReport) -> None:
    """Count the threads a run did not decide into its report, as they stand.

    `before` holds the decided threads' stored (state, reasons, ...): they are taken out of
    the store's totals, and counted by the run from what it decided.
    """
    t = models.Thread.__table__
    reasons = cast(t.c.reasons, Text)
    totals: Counter = Counter()
    for state, stored, n in conn.execute(
        select(t.c.state, reasons, func.count()).group_by(t.c.state, reasons)
    ):
        totals[(state, tuple(json.loads(stored) if stored else ()))] += n
    for stored in before.values():
        totals[(stored[0], tuple(stored[1] or ()))] -= 1
    for (state, codes), n in totals.items():
        if n <= 0:
            continue
        if state == ThreadState.SUPPRESSED:
            report.suppressed.update({code: n for code in codes})
        elif state == ThreadState.FOLLOWED_UP:
            report.followed_up += n
        elif state == ThreadState.WAITING and codes == ("not_due",):
            report.not_due += n
        elif state == ThreadState.WAITING:
            report.waiting.update({code: n for code in codes})
        elif state == ThreadState.DRAFTED:
            # Its step has a draft and nothing new blocks it: a full run says the same.
            report.already_drafted += n
