"""After any edit, every text check runs again on the new text: for an LLM draft the LLM
output checks too, not only `placeholder`."""

from __future__ import annotations

from builders import DAY, NOW, basic_team, make_settings
from sqlalchemy import select, update

from drafts import review
from drafts.writing.scheduler import schedule
from store import models

AI_TEXT = "As an AI language model, here is your follow-up.\n\nHi Ada, any thoughts on the role?"
CLEAN_TEXT = "Hi Ada,\n\nJust checking in on the Controls Engineer role. Any thoughts?\n\nSam"


def _one_draft(engine, tmp_path, engine_name: str) -> dict:
    team = basic_team()
    team.candidate("c-1", full_name="Ada Lovelace", first_name="Ada")
    team.touch("c-1", NOW - 10 * DAY)
    team.load(engine, tmp_path)
    schedule(engine, make_settings(), NOW)
    d = models.FollowUpDraft.__table__
    with engine.begin() as conn:
        # The scheduler wrote it from Jinja; the checks after an edit go by the engine.
        conn.execute(update(d).values(engine=engine_name))
        return dict(conn.execute(select(d)).mappings().one())


def _stored_codes(engine, draft_id: int) -> set[str]:
    f = models.Flag.__table__
    with engine.connect() as conn:
        return set(conn.execute(select(f.c.code).where(f.c.draft_id == draft_id)).scalars())


def _edit(engine, draft: dict, body: str, version: int) -> review.Outcome:
    return review.edit(
        engine,
        make_settings(),
        draft_id=draft["id"],
        seen_version=version,
        reviewer="sam",
        new_body=body,
        now=NOW,
    )


def test_an_edited_llm_draft_gets_every_llm_output_check_again(engine, tmp_path):
    draft = _one_draft(engine, tmp_path, "llm")
    edited = _edit(engine, draft, AI_TEXT, draft["version"])
    assert "ai_artifact" in {f.code for f in edited.flags}
    assert "ai_artifact" in _stored_codes(engine, draft["id"])

    fixed = _edit(engine, draft, CLEAN_TEXT, edited.version)
    assert "ai_artifact" not in {f.code for f in fixed.flags}
    assert "ai_artifact" not in _stored_codes(engine, draft["id"])


def test_undoing_an_edit_rechecks_the_text_it_restores(engine, tmp_path):
    draft = _one_draft(engine, tmp_path, "llm")
    _edit(engine, draft, CLEAN_TEXT, draft["version"])
    edited = _edit(engine, draft, AI_TEXT, draft["version"] + 1)
    assert "ai_artifact" in _stored_codes(engine, draft["id"])
    undone = review.undo(engine, make_settings(), reviewer="sam", now=NOW)
    assert undone.version == edited.version + 1
    assert "ai_artifact" not in _stored_codes(engine, draft["id"])


def test_a_jinja_draft_keeps_to_the_checks_it_was_written_with(engine, tmp_path):
    draft = _one_draft(engine, tmp_path, "jinja")
    edited = _edit(engine, draft, AI_TEXT + " [Name]", draft["version"])
    assert {f.code for f in edited.flags} == {"placeholder"}
