"""Reviewers in separate processes on one store: nothing claimed twice, nothing decided twice.

Real processes (testkit/reviewer_process.py) against real databases: every test runs
on SQLite and on PostgreSQL (the `db_url` fixture). Claims go through
drafts.review.claim_next / claim, decisions through approve / reject, as the app's do.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from store.db import open_store
from testkit.reviewers import Session, finish, release_when_ready, start
from testkit.team_store import NOW, D, count_decisions, decisions, drafts_by_id, fill_pending

WORKERS = 20
DRAFTS = 1000
ACTION = {"approved": "approve", "rejected": "reject"}


def _at(minutes: int) -> str:
    return (NOW + timedelta(minutes=minutes)).isoformat()


def test_twenty_reviewers_claim_each_of_a_thousand_drafts_once(db_url, tmp_path):
    engine = open_store(db_url)
    ids = fill_pending(engine, DRAFTS)
    go = tmp_path / "go"
    names = [f"rev{n:02d}" for n in range(WORKERS)]
    # Each reviewer who gets a 10th draft skips it once (released back to the queue); every
    # 3rd is rejected, the rest approved. Reviewers read just the row before deciding: this
    # is about claims, and approve asks the rules anyway.
    options = ("--now", NOW.isoformat(), "--go", str(go), "--look", "row")
    decide = ("--release-every", "10", "--reject-every", "3")
    procs = [start("work", db_url, name, *options, *decide) for name in names]
    release_when_ready(go, names, procs)
    results = finish(procs)

    claims, releases, decided = Counter(), Counter(), {}
    for (code, events, err), name in zip(results, names, strict=True):
        assert code == 0, (name, err)
        assert "locked" not in err.lower(), (name, err)
        for event in events:
            if "claimed" in event:
                claims[event["claimed"]] += 1
            elif "released" in event:
                releases[event["released"]] += 1
            elif "approved" in event or "rejected" in event:
                status = "approved" if "approved" in event else "rejected"
                draft_id = event.get("approved", event.get("rejected"))
                assert draft_id not in decided, f"draft {draft_id} decided twice"
                decided[draft_id] = (name, status)
            else:
                assert "summary" in event, event  # a refusal here would be a lost claim
    # All covered; each claimed once, plus once more for each time it was handed back.
    assert set(claims) == set(ids) == set(decided)
    assert all(claims[i] == releases[i] + 1 for i in ids), [
        (i, claims[i], releases[i]) for i in ids if claims[i] != releases[i] + 1
    ][:5]
    # Each reviewer skips a draft once at most; only the drafts meant to be skipped were.
    assert set(releases) == {i for i in ids if i % 10 == 0}
    assert len({who for who, _ in decided.values()}) > 1  # the queue really was shared

    # The store agrees with what the reviewers were told, and logged each decision once.
    rows = drafts_by_id(engine)
    for draft_id, (who, status) in decided.items():
        row = rows[draft_id]
        assert (row["status"], row["decided_by"]) == (status, who)
        assert row["claimed_by"] is None and row["version"] == 2
    logged = Counter(d["draft_id"] for d in decisions(engine, "approve", "reject"))
    assert set(logged) == set(ids) and set(logged.values()) == {1}
    engine.dispose()


def test_approve_racing_reject_lets_exactly_one_win_and_tells_the_other(db_url, tmp_path):
    engine = open_store(db_url)
    ids = fill_pending(engine, 30)
    ann, bob = Session(db_url, "ann"), Session(db_url, "bob")
    try:
        # Both have every draft on screen at version 1, then decide it at the same moment.
        seen = [[i, ann.ask("view", draft_id=i, now=_at(0))["version"]] for i in ids]
        assert {v for _i, v in seen} == {1}
        go = tmp_path / "go"
        ann.send("race", decision="approve", drafts=seen, go=str(go), now=_at(1))
        bob.send("race", decision="reject", drafts=seen, go=str(go), now=_at(1))
        release_when_ready(go, ["ann", "bob"], [ann.proc, bob.proc])
        approved = {r[0]: r for r in ann.reply()["results"]}
        rejected = {r[0]: r for r in bob.reply()["results"]}
    finally:
        assert ann.close()[0] == 0
        assert bob.close()[0] == 0

    rows = drafts_by_id(engine)
    log = decisions(engine, "approve", "reject")
    for draft_id in ids:
        outcomes = (approved[draft_id][1], rejected[draft_id][1])
        assert sorted(outcomes) == ["stale", "won"], (draft_id, outcomes)
        winner, status = ("ann", "approved") if outcomes[0] == "won" else ("bob", "rejected")
        loser = rejected[draft_id] if winner == "ann" else approved[draft_id]
        # The loser is told who changed it and what it is now, and holds the fresh state.
        assert f"draft {draft_id} was changed by {winner} ({ACTION[status]})" in loser[2]
        assert f"it is {status} now" in loser[2] and loser[3] == status
        assert (rows[draft_id]["status"], rows[draft_id]["decided_by"]) == (status, winner)
        entries = [(e["actor"], e["action"]) for e in log if e["draft_id"] == draft_id]
        assert entries == [(winner, ACTION[status])]
    engine.dispose()


def test_a_late_approve_after_the_lease_passed_to_someone_else_fails_and_changes_nothing(
    db_url,
):
    engine = open_store(db_url)
    draft_id = fill_pending(engine, 3)[1]
    ann, bob = Session(db_url, "ann"), Session(db_url, "bob")
    try:
        assert ann.ask("claim", draft_id=draft_id, now=_at(0)) == {"ok": True, "claimed": True}
        version = ann.ask("view", draft_id=draft_id, now=_at(0))["version"]
        # Within ann's 10-minute lease bob is kept out; once it lapses, he takes the draft.
        assert bob.ask("claim", draft_id=draft_id, now=_at(5))["claimed"] is False
        assert bob.ask("claim", draft_id=draft_id, now=_at(11))["claimed"] is True
        before, logged = drafts_by_id(engine)[draft_id], count_decisions(engine)

        late = ann.ask("approve", draft_id=draft_id, seen_version=version, now=_at(12))
        assert late["ok"] is False and late["error"] == "ClaimedElsewhere"
        assert f"draft {draft_id} is being reviewed by bob" in late["message"]
        assert "nothing was changed" in late["message"]
        assert drafts_by_id(engine)[draft_id] == before
        assert count_decisions(engine) == logged

        # Bob decides; ann, trying again on her old view, is told it is stale.
        bob_view = bob.ask("view", draft_id=draft_id, now=_at(12))["version"]
        assert bob.ask("reject", draft_id=draft_id, seen_version=bob_view, now=_at(13))["ok"]
        again = ann.ask("approve", draft_id=draft_id, seen_version=version, now=_at(14))
        assert again["error"] == "StaleDraft" and again["current_status"] == "rejected"
        assert "was changed by bob (reject)" in again["message"]
    finally:
        assert ann.close()[0] == 0
        assert bob.close()[0] == 0
    with engine.connect() as conn:
        status, by = conn.execute(
            select(D.c.status, D.c.decided_by).where(D.c.id == draft_id)
        ).one()
    assert (status, by) == ("rejected", "bob")
    assert [(e["actor"], e["action"]) for e in decisions(engine)] == [("bob", "reject")]
    engine.dispose()
