"""The seed story, scheduled: each of the demo's categories is handled as the story wishes.

The demo export is written at a fixed moment, imported through the real importer and
scheduled with the demo company's own config (the file `followups demo` writes). Then,
for every candidate of a category, what `threads list` and `drafts list` would show.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from builders import NOW, codes
from sqlalchemy import Engine, select

from demo import DEMO_CONFIG, write_demo_export
from drafts.writing.scheduler import schedule
from store import models
from store.config import load_settings
from store.db import open_store
from store.importer import import_export
from store.queries import list_drafts, list_threads

# No draft, and this code among every thread's reasons.
BLOCKED = {
    "replied_other_channel": "replied",
    "declined": "declined",
    "do_not_contact": "do_not_contact",
    "undelivered": "undelivered",
    "head_of_talent": "employee",
    "never_contact_company": "never_contact_company",
    "too_late": "too_late",
    "recruiter_inactive": "recruiter_inactive",
}


def run_demo(engine: Engine, folder: Path) -> dict[str, Any]:
    """Write, import and schedule the demo; what the store then says, per candidate."""
    manifest = write_demo_export(folder / "export", now=NOW)
    import_export(engine, folder / "export")
    config = folder / "followups.toml"
    config.write_text(DEMO_CONFIG, encoding="utf-8")
    report = schedule(engine, load_settings(str(config)), NOW)
    with engine.connect() as conn:
        threads, drafts = list_threads(conn), list_drafts(conn)
        c = models.Candidate.__table__
        names = dict(conn.execute(select(c.c.candidate_id, c.c.full_name)).all())
    by_candidate: dict[str, dict[str, list]] = {}
    for thread in threads:
        by_candidate.setdefault(thread["candidate_id"], {"threads": [], "drafts": []})
        by_candidate[thread["candidate_id"]]["threads"].append(thread)
    for draft in drafts:
        by_candidate[draft["candidate_id"]]["drafts"].append(draft)
    return {"manifest": manifest, "report": report, "people": by_candidate, "names": names}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict[str, Any]:
    """The demo, scheduled once on SQLite for every test of this module."""
    folder = tmp_path_factory.mktemp("demo")
    engine = open_store(str(folder / "demo.db"))
    try:
        return run_demo(engine, folder)
    finally:
        engine.dispose()


def people(demo, category: str) -> list[dict[str, list]]:
    ids = demo["manifest"].categories[category]
    assert ids, f"the demo has no {category} candidates"
    return [demo["people"][cid] for cid in ids]


@pytest.mark.parametrize("category", BLOCKED)
def test_blocked_categories_get_no_draft_and_say_why(demo, category):
    for person in people(demo, category):
        assert person["drafts"] == []
        for thread in person["threads"]:
            assert thread["state"] == "suppressed"
            assert BLOCKED[category] in thread["reasons"], thread
            flag = next(f for f in thread["flags"] if f["code"] == BLOCKED[category])
            assert flag["severity"] == "block" and flag["evidence"]


def test_accepted_offers_are_employees_or_in_process(demo):
    for person in people(demo, "accepted_offer"):
        assert person["drafts"] == []
        (thread,) = person["threads"]
        assert {"employee", "in_process"} & set(thread["reasons"])


def test_the_competitor_ceo_is_drafted_with_a_warning(demo):
    (person,) = people(demo, "competitor_ceo")
    (draft,) = person["drafts"]
    (flag,) = [f for f in draft["flags"] if f["code"] == "competitor"]
    assert flag["severity"] == "warn"
    assert flag["evidence"]["value"] == "Globex Corporation"


def test_closed_roles_are_drafted_with_a_warning(demo):
    for person in people(demo, "role_closed"):
        (draft,) = person["drafts"]
        assert "role_closed" in codes(draft["flags"])


def test_out_of_office_waits_for_the_return_date_or_is_drafted_with_the_flag(demo):
    waiting = drafted = 0
    for person in people(demo, "out_of_office"):
        (thread,) = person["threads"]
        if thread["state"] == "waiting":
            assert thread["reasons"] == ["out_of_office"]
            assert thread["hold_until"] > "2025-11-08"
            waiting += 1
        else:
            (draft,) = person["drafts"]
            assert "out_of_office" in codes(draft["flags"])
            drafted += 1
    # The story: three are still away on the day, three are back.
    assert (waiting, drafted) == (3, 3)


def test_never_answered_is_drafted_unless_there_is_no_address(demo):
    no_address = 0
    for person in people(demo, "never_answered"):
        (thread,) = person["threads"]
        if thread["reasons"] == ["no_address"]:
            # An InMail to someone without a LinkedIn profile URL: nowhere to send it.
            assert thread["state"] == "suppressed"
            assert thread["channel"] == "inmail"
            assert person["drafts"] == []
            no_address += 1
            continue
        assert thread["state"] == "drafted"
        (draft,) = person["drafts"]
        assert draft["status"] == "pending"
    # Real exports lack a profile now and then; the demo shows it (the issue counted 31).
    assert 20 <= no_address <= 40
    assert demo["report"].suppressed["no_address"] == no_address


def test_one_draft_per_candidate_with_several_threads(demo):
    for person in people(demo, "multiple_threads"):
        (draft,) = person["drafts"]
        assert "other_threads" in codes(draft["flags"])
        others = [t for t in person["threads"] if t["thread_id"] != draft["thread_id"]]
        assert [t["reasons"] for t in others] == [["other_threads"]]


def test_recent_contact_and_follow_ups_already_sent(demo):
    for person in people(demo, "recent_contact"):
        (draft,) = person["drafts"]
        assert "recent_contact" in codes(draft["flags"])
    for person in people(demo, "already_followed_up"):
        assert person["drafts"] == []
        assert [t["state"] for t in person["threads"]] == ["followed_up"]
    for person in people(demo, "not_due"):
        assert [t["reasons"] for t in person["threads"]] == [["not_due"]]


def test_injection_names_are_stored_and_drafted_literally(demo):
    ids = demo["manifest"].categories["injection"]
    names = [demo["names"][cid] for cid in ids]
    assert "[@click=app.quit]Robin" in names
    for cid in ids:
        (draft,) = demo["people"][cid]["drafts"]
        if demo["names"][cid].startswith("[@click"):
            assert draft["body"].startswith("Hi [@click=app.quit]Robin,")


def test_every_thread_of_the_story_is_decided(demo):
    report = demo["report"]
    decided = sum(len(p["threads"]) for p in demo["people"].values())
    assert decided == demo["manifest"].thread_count == 847
    assert report.created == sum(len(p["drafts"]) for p in demo["people"].values())
    assert report.held_by_cap == 0 and report.template_errors == []


def test_postgres_and_sqlite_decide_alike(engine, tmp_path, demo):
    again = run_demo(engine, tmp_path)
    assert again["report"].as_json() | {"now": None} == demo["report"].as_json() | {"now": None}
    for cid, person in demo["people"].items():
        mine = again["people"][cid]
        assert [(t["state"], t["reasons"]) for t in mine["threads"]] == [
            (t["state"], t["reasons"]) for t in person["threads"]
        ]
        assert [d["body"] for d in mine["drafts"]] == [d["body"] for d in person["drafts"]]
