"""The demo's status_history.csv: how each person's ATS status moved during the month.

Told from what the export already says, with no random choice of its own (so adding it
changed nobody else in the demo): everyone whose status is not `prospect` was a prospect
when the team first wrote to them, and moved on because of something in their story.

- replied on another channel and now interviewing: `active` an hour after that reply;
- declined, withdrew or was rejected: so from an hour after their answer;
- accepted an offer: `active`, then `offer`, then (when hired) `hired`, at a quarter, a half
  and three quarters of the way from the first message to the export. People hired in the
  middle of the month were prospects, then in process, before.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from demo.builder import Person, iso_utc

HOUR = timedelta(hours=1)
# Sourced a day before the first message: the ATS knew them as prospects by then.
SOURCED_BEFORE = timedelta(days=1)


def _first_inbound(person: Person) -> datetime | None:
    moments = [tp["occurred_at"] for tp in person.touchpoints if tp["direction"] == "inbound"]
    return min(moments) if moments else None


def status_changes(person: Person, now: datetime) -> list[tuple[datetime, str]]:
    """(moment, status) for one person, oldest first; empty for a prospect all along."""
    final = person.row["ats_status"]
    if final == "prospect" or not person.touchpoints:
        return []
    first = min(tp["occurred_at"] for tp in person.touchpoints)
    latest = now - HOUR
    changes = [(first - SOURCED_BEFORE, "prospect")]
    answered = _first_inbound(person)
    if person.category == "accepted_offer":
        span = now - first
        steps = ["active", "offer"] + (["hired"] if final == "hired" else [])
        for n, status in enumerate(steps, start=1):
            changes.append((min(first + span * n / 4, latest), status))
    elif answered is not None:
        changes.append((min(answered + HOUR, latest), final))
    else:
        changes.append((min(first + HOUR, latest), final))
    return changes


def status_rows(candidate_id: str, person: Person, now: datetime) -> list[dict[str, str]]:
    """The status_history.csv rows of one person."""
    return [
        {"candidate_id": candidate_id, "ats_status": status, "changed_at": iso_utc(moment)}
        for moment, status in status_changes(person, now)
    ]
