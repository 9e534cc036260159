"""Spot-checks: a fair, repeatable sample per recruiter; verdicts kept in the audit log."""

from datetime import datetime

import pytest
from sqlalchemy import insert, select

from drafts.review import spotcheck
from store import FollowupsError, models

AT = datetime(2025, 11, 10, 9, 0)


def _drafts(conn, spec: dict[str, dict[str, int]]) -> None:
    """spec: recruiter -> {status: count}."""
    conn.execute(insert(models.Recruiter), [{"recruiter": r, "status": "active"} for r in spec])
    rows, n = [], 0
    for recruiter, statuses in spec.items():
        for status, count in statuses.items():
            for _ in range(count):
                n += 1
                rows.append(
                    {
                        "id": n,
                        "thread_id": f"t{n}",
                        "step": 1,
                        "candidate_id": f"c{n}",
                        "recruiter": recruiter,
                        "channel": "inmail",
                        "status": status,
                        "body": f"Hi {n}",
                        "original_body": f"Hi {n}",
                        "created_at": AT,
                        "version": 1,
                        "cancel_codes": [],
                        "attempts": 0,
                        "engine": "jinja",
                    }
                )
    conn.execute(
        insert(models.Candidate),
        [
            {
                "candidate_id": r["candidate_id"],
                "full_name": "P",
                "first_name": "P",
                "ats_status": "prospect",
                "do_not_contact": False,
            }
            for r in rows
        ],
    )
    conn.execute(
        insert(models.Thread),
        [
            {
                "thread_id": r["thread_id"],
                "candidate_id": r["candidate_id"],
                "channel": "inmail",
                "recruiter": r["recruiter"],
                "initial_touchpoint_id": "x",
                "initial_at": AT,
                "state": "drafted",
                "reasons": [],
            }
            for r in rows
        ],
    )
    conn.execute(insert(models.FollowUpDraft), rows)


def test_sample_is_stratified_per_recruiter_and_repeatable(engine):
    with engine.begin() as conn:
        _drafts(
            conn,
            {"sam": {"sent": 20, "approved": 2, "pending": 5}, "priya": {"sent": 1, "rejected": 4}},
        )
    with engine.connect() as conn:
        first = spotcheck.sample(conn, per_recruiter=4, seed=7)
        again = spotcheck.sample(conn, per_recruiter=4, seed=7)
        other = spotcheck.sample(conn, per_recruiter=4, seed=8)
    sam = [i for i in first if i.recruiter == "sam"]
    assert sorted(i.status for i in sam) == ["approved", "approved", "sent", "sent"]
    assert [i.draft_id for i in first if i.recruiter == "priya"] == [28]  # only one to check
    assert all(i.status in ("approved", "sent") for i in first)  # never pending or rejected
    assert [i.draft_id for i in first] == [i.draft_id for i in again]
    assert [i.draft_id for i in first] != [i.draft_id for i in other]


def test_verdicts_are_logged_latest_wins_and_concerns_export(engine):
    with engine.begin() as conn:
        _drafts(conn, {"sam": {"sent": 3}})
        spotcheck.mark(conn, draft_id=1, verdict="concern", lead="lee", note="too pushy", at=AT)
        spotcheck.mark(conn, draft_id=2, verdict="concern", lead="lee", note="wrong role", at=AT)
        spotcheck.mark(conn, draft_id=2, verdict="ok", lead="lee", at=AT.replace(hour=10))
    with engine.connect() as conn:
        rows = spotcheck.concerns(conn)
        log = conn.execute(select(models.Decision.__table__.c.action)).scalars().all()
    assert [(r["draft_id"], r["note"], r["lead"]) for r in rows] == [(1, "too pushy", "lee")]
    assert sorted(log) == ["spot_concern", "spot_concern", "spot_ok"]  # nothing overwritten


def test_a_concern_needs_a_note_and_a_real_draft(engine):
    with engine.begin() as conn:
        _drafts(conn, {"sam": {"sent": 1}})
    with engine.begin() as conn, pytest.raises(FollowupsError, match="needs a note"):
        spotcheck.mark(conn, draft_id=1, verdict="concern", lead="lee")
    with engine.begin() as conn, pytest.raises(FollowupsError, match="no draft"):
        spotcheck.mark(conn, draft_id=99, verdict="ok", lead="lee")


def test_the_sample_names_the_owner_and_who_approved(engine):
    from tui.app.screens.spotcheck import verdict_banner

    with engine.begin() as conn:
        _drafts(conn, {"alex": {"approved": 1}})
        d = models.FollowUpDraft.__table__
        conn.execute(d.update().values(decided_by="root"))
    with engine.connect() as conn:
        (item,) = spotcheck.sample(conn, per_recruiter=2, seed=1)
    assert (item.recruiter, item.decided_by) == ("alex", "root")
    banner = verdict_banner(item).plain
    assert "approved by root" in banner and "alex's draft" in banner
