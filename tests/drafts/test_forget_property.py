"""Property (issue 16): once a person is erased, no later import brings them back and no
schedule drafts for them, whatever ids, addresses and profiles the later exports use.

Each example copies one prepared store (a person erased, someone else kept), imports a
generated later export through the real importer and runs the real scheduler.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from builders import NOW, Team, drafts_of, make_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from drafts.writing.scheduler import schedule
from store import models
from store.db import open_store
from store.erasure import forget
from store.importer import import_export

EMAIL, OTHER = "mira.erased@example.test", "mira.home@example.test"
PROFILE = "https://www.linkedin.com/in/mira-erased"
# Ways a later export may name the erased person, and ways it names someone new.
ERASED_EMAILS = [EMAIL, EMAIL.upper(), f" {OTHER} ", "Mira.Erased@EXAMPLE.test"]
ERASED_PROFILES = [
    PROFILE,
    "http://LinkedIn.com/in/Mira-Erased/",
    "https://de.linkedin.com/in/mira-erased?x=1",
]
NEW_EMAILS = [None, "someone.new@example.test"]
NEW_PROFILES = [None, "https://www.linkedin.com/in/someone-new"]


@pytest.fixture(scope="module")
def erased_store(tmp_path_factory) -> Path:
    """A store where c-1 (two addresses, a profile, threads) was erased; c-2 stays."""
    folder = tmp_path_factory.mktemp("erased")
    engine = open_store(str(folder / "store.db"))
    team = Team().recruiter("sam").role("r-1")
    team.candidate("c-1", full_name="Mira Erased", email=EMAIL, other_emails=OTHER,
                   linkedin_url=PROFILE)  # fmt: skip
    team.candidate("c-2", email="c-2@example.test")
    for cid in ("c-1", "c-2"):
        team.touch(cid, NOW - timedelta(days=10), channel="email")
    team.load(engine, folder / "export")
    forget(engine, "c-1", actor="dana", at=NOW)
    engine.dispose()
    return folder / "store.db"


@st.composite
def later_rows(draw) -> list[dict]:
    """One to three people in a later export: each the erased person or not."""
    rows = []
    for n in range(draw(st.integers(1, 3))):
        erased = draw(st.booleans())
        if erased:
            # Only the first row may reuse the id: an export holds each id once.
            how = draw(
                st.sampled_from(["id", "email", "profile"] if n == 0 else ["email", "profile"])
            )
            row = {
                "candidate_id": "c-1" if how == "id" else f"n-{n}",
                "email": draw(st.sampled_from(ERASED_EMAILS if how == "email" else NEW_EMAILS)),
                "linkedin_url": draw(
                    st.sampled_from(ERASED_PROFILES if how == "profile" else NEW_PROFILES)
                ),
            }
        else:
            row = {
                "candidate_id": f"n-{n}",
                "email": f"n-{n}@example.test",
                "linkedin_url": f"https://www.linkedin.com/in/n-{n}",
            }
        rows.append(row | {"erased": erased, "channel": draw(st.sampled_from(["email", "inmail"]))})
    return rows


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=later_rows())
def test_no_erased_person_ever_gets_a_draft(erased_store, rows):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copy(erased_store, folder / "store.db")
        engine = open_store(str(folder / "store.db"))
        try:
            team = Team().recruiter("sam").role("r-2")
            for row in rows:
                team.candidate(
                    row["candidate_id"], full_name="Mira Erased" if row["erased"] else "New Person",
                    email=row["email"], linkedin_url=row["linkedin_url"],
                )  # fmt: skip
                team.touch(row["candidate_id"], NOW - timedelta(days=9), channel=row["channel"],
                           role_id="r-2")  # fmt: skip
            import_export(engine, team.write(folder / "later"))
            schedule(engine, make_settings(), NOW + timedelta(days=1))
            with engine.connect() as conn:
                stored = set(conn.execute(select(models.Candidate.candidate_id)).scalars())
            drafted = {d["candidate_id"] for d in drafts_of(engine)}
        finally:
            engine.dispose()
    erased_ids = {r["candidate_id"] for r in rows if r["erased"]}
    kept_ids = {r["candidate_id"] for r in rows if not r["erased"]} - erased_ids
    assert not (stored & (erased_ids | {"c-1"})), (rows, stored)
    assert not (drafted & (erased_ids | {"c-1"}))
    # Everyone else came in as usual.
    assert kept_ids <= stored
