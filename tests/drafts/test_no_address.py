"""`no_address` (contract section 10) at review time: the same rule the scheduler asks.

The schedule-time table is in test_rules.py and the send-time case in test_send_recheck.py;
here a draft that had an address when it was written loses it before a reviewer approves.
"""

from __future__ import annotations

import pytest
from builders import NOW, basic_team, drafts_of, make_settings
from sqlalchemy import select, update

from drafts import review
from drafts.review.detail import load_detail
from drafts.writing.scheduler import schedule
from store import models


def test_a_draft_whose_profile_is_gone_cannot_be_approved(engine, tmp_path):
    settings = make_settings()
    basic_team("c-1").load(engine, tmp_path)
    schedule(engine, settings, NOW)
    [draft] = drafts_of(engine)
    c = models.Candidate.__table__
    with engine.begin() as conn:
        # The profile URL was wrong and someone cleared it in the store.
        conn.execute(update(c).where(c.c.candidate_id == "c-1").values(linkedin_url=None))
        detail = load_detail(conn, settings, draft["id"], NOW)
    assert [f.code for f in detail.blocking] == ["no_address"]

    with pytest.raises(review.BlockedDraft, match="no_address"):
        review.approve(
            engine,
            settings,
            draft_id=draft["id"],
            seen_version=detail.draft["version"],
            reviewer="kim",
            on_screen_ms=5000,
            now=NOW,
        )

    [after] = drafts_of(engine)
    assert after["status"] == "pending"
    log = models.Decision.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(log.c.action, log.c.reason).where(log.c.actor == "kim")).all()
    assert rows == [("approve_refused", "no_address")]
