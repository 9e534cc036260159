"""What claim_next hands out, in one process: queue order, leases, filters, own claims.

The racing is in test_review_team.py; these pin down the rules the racing relies on, on
both databases.
"""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from drafts import review
from drafts.review.queue import QueueFilter
from store.config import Settings
from testkit.team_store import NOW, drafts_by_id, fill_pending

LEASE = {"lease_minutes": 10}


def _next(engine, reviewer: str, minutes: int = 0, **options):
    at = NOW + timedelta(minutes=minutes)
    return review.claim_next(engine, reviewer=reviewer, now=at, **LEASE, **options)


def test_each_reviewer_gets_the_next_free_draft_and_keeps_their_own(engine):
    first, second, third = fill_pending(engine, 3)
    assert _next(engine, "ann") == first
    assert _next(engine, "bob") == second
    assert _next(engine, "ann") == first  # her own claim: handed back, not a new draft
    assert _next(engine, "ann", after_id=first) == third
    assert _next(engine, "cy") is None  # all three held
    assert _next(engine, "cy", minutes=11) == first  # ann's lease lapsed
    rows = drafts_by_id(engine)
    assert rows[first]["claimed_by"] == "cy"
    assert rows[first]["claim_expires_at"] == NOW + timedelta(minutes=21)
    assert {r["version"] for r in rows.values()} == {1}  # a claim is not a decision


def test_decided_and_released_drafts(engine):
    first, second = fill_pending(engine, 2)
    assert _next(engine, "ann") == first
    review.reject(
        engine, draft_id=first, seen_version=1, reviewer="ann", reason="not a fit", now=NOW
    )
    assert _next(engine, "ann") == second
    assert review.release(engine, draft_id=second, reviewer="bob") is False  # not his
    assert review.release(engine, draft_id=second, reviewer="ann") is True
    assert _next(engine, "bob") == second
    assert _next(engine, "ann") is None


def test_the_queue_filter_applies(engine):
    ids = fill_pending(engine, 12)
    by_candidate = {d["candidate_id"]: i for i, d in drafts_by_id(engine).items()}
    wanted = QueueFilter(search="candidate 11")
    assert _next(engine, "ann", queue=wanted) == by_candidate["c11"]
    assert _next(engine, "bob", queue=wanted) is None
    # A filter on another status still claims pending drafts only.
    assert _next(engine, "bob", queue=QueueFilter(status="approved")) == ids[0]


@pytest.mark.parametrize("action", ["claim", "approve"])
def test_an_aware_now_is_taken_as_utc(engine, action):
    draft_id = fill_pending(engine, 1)[0]
    review.claim(engine, draft_id=draft_id, reviewer="bob", now=NOW, **LEASE)
    aware = (NOW + timedelta(minutes=5)).replace(tzinfo=UTC)
    if action == "claim":
        assert review.claim(engine, draft_id=draft_id, reviewer="ann", now=aware, **LEASE) is False
        return
    with pytest.raises(review.ClaimedElsewhere, match="being reviewed by bob") as refused:
        review.approve(
            engine,
            Settings(),
            draft_id=draft_id,
            seen_version=1,
            reviewer="ann",
            on_screen_ms=0,
            now=aware,
        )
    assert refused.value.holder == "bob"
