"""Replay is the scheduler: one replayed day drafts exactly what `schedule --dry-run` drafts
that day on a store holding only what was true that day."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from drafts.writing.scheduler import schedule
from store.db import open_store
from store.importer import import_export
from tests.drafts.builders import Team, make_settings
from tests.replay.teams import EXPORTED_AT, at, drafted, run

ROLES = ("r-1", "r-2")
STATUSES = ("prospect",) * 4 + ("active", "hired", "declined")
INBOUND = ("Thanks, tell me more", "Please stop contacting me", "Automatic reply: out of office")

moment_in_range = st.builds(
    lambda day, minutes: at(1) + timedelta(days=day, minutes=minutes),
    st.integers(-12, 6),
    st.integers(0, 24 * 60 - 1),
)
touch = st.tuples(
    moment_in_range,
    st.sampled_from(ROLES),
    st.sampled_from(("inmail", "email")),
    st.sampled_from(("outbound", "outbound", "outbound", "inbound")),
    st.sampled_from(INBOUND),
    st.sampled_from(("delivered",) * 5 + ("bounced",)),
)
person = st.tuples(
    st.lists(touch, min_size=1, max_size=5),
    st.lists(st.tuples(moment_in_range, st.sampled_from(STATUSES)), max_size=3),
    st.booleans(),  # has an email address
)


def _team(people, until: datetime | None) -> Team:
    """The export as it was at `until` (None: as it is now, with its status history)."""
    team = Team().recruiter("sam").recruiter("kim").role("r-1").role("r-2")
    for n, (touches, changes, has_email) in enumerate(people):
        cid = f"c{n}"
        changes = sorted(dict(changes).items())  # one change per moment
        current = changes[-1][1] if changes else "prospect"
        if until is not None and changes:
            before = [s for m, s in changes if m <= until]
            current = before[-1] if before else changes[0][1]
        email = f"person{n}@mail.example" if has_email else None
        linkedin = f"https://www.linkedin.com/in/person-{n}"
        team.candidate(cid, ats_status=current, email=email, linkedin_url=linkedin)
        for m, status in changes if until is None else ():
            team.files["status_history.csv"].append(
                {"candidate_id": cid, "ats_status": status, "changed_at": m}
            )
        for k, (moment, role, channel, direction, body, delivery) in enumerate(touches):
            if until is not None and moment > until:
                continue
            extra = {"delivery": delivery} if direction == "outbound" else {}
            team.touch(
                cid,
                moment,
                role_id=role,
                channel=channel,
                direction=direction,
                recruiter="sam" if k % 2 else "kim",
                touchpoint_id=f"tp-{n}-{k}",
                body=body,
                **extra,
            )
    return team


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(person, min_size=1, max_size=6), st.integers(1, 7))
def test_one_replayed_day_drafts_what_the_scheduler_drafts_that_day(people, day):
    config = make_settings()
    moment = at(day)
    with tempfile.TemporaryDirectory() as folder:
        whole = open_store(f"sqlite:///{Path(folder) / 'whole.db'}")
        import_export(whole, _team(people, None).write(Path(folder) / "whole"), now=EXPORTED_AT)
        replayed = drafted(run(whole, config, moment.date(), moment.date()))
        whole.dispose()

        past = _team(people, moment)
        if not past.files["touchpoints.csv"]:  # nobody had been written to yet
            assert replayed == {}
            event("nobody written to yet")
            return
        then = open_store(f"sqlite:///{Path(folder) / 'then.db'}")
        import_export(then, past.write(Path(folder) / "then"), now=moment)
        report = schedule(then, config, moment, dry_run=True)
        then.dispose()
    event(f"drafted {min(len(replayed), 3)}+ thread(s)")
    assert set(replayed) == {d["thread_id"] for d in report.drafts}
