"""Lead figures against a small team whose right answers are worked out by hand below."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert

from store import audit, models
from store.figures import team_figures, usual_daily_sends, week_of

MON = datetime(2025, 11, 3, 9, 0)  # Monday of ISO week 2025-W45


def _seed(conn):
    conn.execute(
        insert(models.Recruiter),
        [{"recruiter": "sam", "status": "active"}, {"recruiter": "priya", "status": "active"}],
    )
    conn.execute(insert(models.Role), [{"role_id": "r1", "title": "Engineer", "status": "open"}])
    conn.execute(
        insert(models.Candidate),
        [
            {
                "candidate_id": f"c{i}",
                "full_name": f"Person {i}",
                "first_name": f"P{i}",
                "ats_status": "prospect",
                "do_not_contact": False,
            }
            for i in range(1, 6)
        ],
    )
    touch = []
    for i in range(1, 6):
        touch.append(
            {
                "touchpoint_id": f"init{i}",
                "candidate_id": f"c{i}",
                "role_id": "r1",
                "recruiter": "sam" if i <= 3 else "priya",
                "channel": "inmail",
                "direction": "outbound",
                "occurred_at": MON - timedelta(days=10),
                "delivery": "delivered",
            }
        )
    conn.execute(insert(models.Touchpoint), touch)
    conn.execute(
        insert(models.Thread),
        [
            {
                "thread_id": f"c{i}:r1:inmail",
                "candidate_id": f"c{i}",
                "role_id": "r1",
                "channel": "inmail",
                "recruiter": "sam" if i <= 3 else "priya",
                "initial_touchpoint_id": f"init{i}",
                "initial_at": MON - timedelta(days=10),
                "state": "drafted",
                "reasons": [],
            }
            for i in range(1, 6)
        ],
    )
    # sam: c1 sent (W45), c2 sent (W46), c3 rejected; priya: c4 cancelled, c5 pending (W46).
    week2 = MON + timedelta(days=7)
    drafts = [
        (1, "c1", "sam", "sent", MON, MON + timedelta(hours=2)),
        (2, "c2", "sam", "sent", MON, week2 + timedelta(hours=1)),
        (3, "c3", "sam", "rejected", MON, None),
        (4, "c4", "priya", "cancelled", MON, None),
        (5, "c5", "priya", "pending", week2, None),
    ]
    conn.execute(
        insert(models.FollowUpDraft),
        [
            {
                "id": i,
                "thread_id": f"{c}:r1:inmail",
                "step": 1,
                "candidate_id": c,
                "role_id": "r1",
                "recruiter": who,
                "channel": "inmail",
                "status": status,
                "body": "b",
                "original_body": "b",
                "created_at": created,
                "sent_at": sent,
                "version": 1,
                "cancel_codes": [],
                "attempts": 0,
                "engine": "jinja",
            }
            for i, c, who, status, created, sent in drafts
        ],
    )
    conn.execute(
        insert(models.Flag),
        [
            {
                "thread_id": "c1:r1:inmail",
                "draft_id": 1,
                "code": "role_closed",
                "severity": "warn",
                "message": "m",
                "evidence": {},
            },
            {
                "thread_id": "c4:r1:inmail",
                "draft_id": 4,
                "code": "competitor",
                "severity": "warn",
                "message": "m",
                "evidence": {},
            },
        ],
    )
    at = MON + timedelta(hours=1)
    # (draft, who decided, action, ms on screen, reason, detail); the draft's owner is above.
    for draft_id, actor, action, ms, reason, detail in [
        (1, "root", "approve", 2_000, None, {}),  # sam's draft, W45, root's rubber stamp
        (2, "sam", "edit", None, None, {}),  # sam's own, W45
        (2, "sam", "approve", 14_000, None, {}),  # sam's own, W45
        (3, "priya", "reject", None, "not a fit", {}),  # sam's draft, W45
        (4, "sam", "approve", 6_000, None, {}),  # priya's draft, W45
        (4, "sender", "cancel", None, "replied", {"codes": ["replied"]}),  # priya, W45
    ]:
        audit.record(
            conn,
            actor=actor,
            action=action,
            at=at,
            draft_id=draft_id,
            candidate_id=f"c{draft_id}",
            on_screen_ms=ms,
            reason=reason,
            detail=detail,
        )
    # c1 answered after its follow-up (by phone); c2 wrote before its follow-up only.
    conn.execute(
        insert(models.Touchpoint),
        [
            {
                "touchpoint_id": "in1",
                "candidate_id": "c1",
                "channel": "phone",
                "direction": "inbound",
                "occurred_at": MON + timedelta(days=1),
            },
            {
                "touchpoint_id": "in2",
                "candidate_id": "c2",
                "channel": "email",
                "direction": "inbound",
                "occurred_at": MON + timedelta(days=2),
            },
        ],
    )


@pytest.fixture
def figures(engine):
    with engine.begin() as conn:
        _seed(conn)
    with engine.connect() as conn:
        return team_figures(conn)


def test_per_recruiter_totals_match_the_hand_count(figures):
    sam = figures["recruiters"]["sam"]["all"]
    assert (sam["created"], sam["approved"], sam["edited"], sam["sent"]) == (3, 2, 1, 2)
    assert sam["rejected_by_reason"] == {"not a fit": 1}
    assert sam["replies_after_followup"] == 1  # c1 only: c2's reply came before its follow-up
    assert sam["flags_by_code"] == {"role_closed": 1}
    priya = figures["recruiters"]["priya"]["all"]
    assert priya["cancelled_by_reason"] == {"replied": 1}
    assert (priya["created"], priya["approved"], priya["sent"]) == (2, 1, 0)


def test_seconds_on_screen_are_the_reviewers_not_the_owners(figures):
    people = {who: weeks["all"] for who, weeks in figures["recruiters"].items()}
    # sam decided three times (own edit and approval, priya's draft): 14 s and 6 s.
    sam = people["sam"]
    assert (sam["decided"], sam["approvals_under_3s"]) == (3, 0)
    assert sam["median_seconds_on_screen_before_approval"] == 10.0
    # root approved sam's draft in 2 s: the rubber stamp is root's, not sam's.
    root = people["root"]
    assert (root["decided"], root["approvals_under_3s"], root["created"]) == (1, 1, 0)
    assert root["median_seconds_on_screen_before_approval"] == 2.0
    assert people["priya"]["decided"] == 1 and people["priya"]["approvals_under_3s"] == 0
    # The sender's cancellation is no reviewer's decision.
    assert "sender" not in people
    assert figures["team"]["decided"] == 5 and figures["team"]["approvals_under_3s"] == 1


def test_undone_decisions_are_not_counted(engine):
    with engine.begin() as conn:
        _seed(conn)
        first = conn.execute(
            insert(models.Decision).values(
                at=MON + timedelta(hours=3),
                actor="kim",
                action="reject",
                reason="role closed",
                draft_id=5,
                candidate_id="c5",
                detail={},
            )
        ).inserted_primary_key[0]
        audit.record(
            conn,
            actor="kim",
            action="undo",
            at=MON + timedelta(hours=4),
            reason="undo reject",
            draft_id=5,
            candidate_id="c5",
            detail={"undoes": first, "action": "reject"},
        )
        audit.record(
            conn,
            actor="kim",
            action="approve",
            at=MON + timedelta(hours=5),
            on_screen_ms=1_000,
            draft_id=5,
            candidate_id="c5",
        )
    with engine.connect() as conn:
        figures = team_figures(conn)
    priya = figures["recruiters"]["priya"]["all"]
    assert priya["rejected_by_reason"] == {} and priya["rejected"] == 0
    assert priya["approved"] == 2
    kim = figures["recruiters"]["kim"]["all"]
    assert (kim["decided"], kim["approvals_under_3s"]) == (1, 1)
    assert figures["team"]["rejected"] == 1  # sam's c3 only


def test_weeks_split_by_when_things_happened(figures):
    sam = figures["recruiters"]["sam"]
    assert sam["2025-W45"]["sent"] == 1 and sam["2025-W46"]["sent"] == 1
    assert figures["recruiters"]["priya"]["2025-W46"]["created"] == 1
    assert figures["team"]["created"] == 5 and figures["team"]["sent"] == 2


def test_since_leaves_out_earlier_activity(engine):
    with engine.begin() as conn:
        _seed(conn)
    with engine.connect() as conn:
        later = team_figures(conn, since=MON + timedelta(days=7))
    assert later["team"]["created"] == 1 and later["team"]["sent"] == 1
    assert later["team"]["approved"] == 0


def test_usual_volume_is_the_median_of_busy_days(engine):
    with engine.begin() as conn:
        _seed(conn)  # five outbound initials, all on one day
        conn.execute(
            insert(models.Touchpoint),
            [
                {
                    "touchpoint_id": f"x{i}",
                    "candidate_id": "c1",
                    "channel": "email",
                    "direction": "outbound",
                    "occurred_at": MON - timedelta(days=2, minutes=i),
                    "delivery": "delivered",
                }
                for i in range(3)
            ],
        )
    with engine.connect() as conn:
        # busy days: 5 sends and 3 sends; quiet days do not count
        assert usual_daily_sends(conn, until=MON) == 4.0


def test_week_labels():
    assert week_of(MON) == "2025-W45"
