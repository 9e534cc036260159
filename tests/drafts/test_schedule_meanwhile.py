"""What changes while `schedule` writes its drafts (a model may take minutes) is not lost.

The run decides, renders with no transaction open, then writes. Whatever another command
stored in between (a reply from the mailbox, a suppression, a new ATS status) is seen by
the write: the thread it concerns is decided again and gets no draft it must not have.
"""

from __future__ import annotations

from builders import DAY, NOW, basic_team, drafts_of, make_settings, threads_by_id

from drafts.writing.render import JinjaRenderer
from drafts.writing.scheduler import schedule
from store import models
from store.importer import thread_key
from store.suppressions import add_entry


class Meanwhile(JinjaRenderer):
    """Renders as usual, after letting another command write to the store."""

    def __init__(self, settings, engine, change):
        super().__init__(settings)
        self.engine, self.change = engine, change

    def render_all(self, contexts, advance):
        """Render, once the other command has written."""
        with self.engine.begin() as conn:
            self.change(conn)
        return super().render_all(contexts, advance)


def test_someone_suppressed_while_drafting_gets_no_draft(engine, tmp_path):
    basic_team("c-1", "c-2").load(engine, tmp_path / "export")
    settings = make_settings()

    def suppress(conn):
        add_entry(conn, candidate_id="c-1", reason="asked", source="manual", by="rita", at=NOW)

    report = schedule(engine, settings, NOW, renderer=Meanwhile(settings, engine, suppress))
    assert [d["candidate_id"] for d in drafts_of(engine)] == ["c-2"]
    assert report.created == 1
    thread = threads_by_id(engine)[thread_key("c-1", "r-1", "inmail")]
    assert (thread["state"], thread["reasons"]) == ("suppressed", ["do_not_contact"])
    # The next run has nothing new to look at for them: the write saw it all.
    assert schedule(engine, settings, NOW + DAY).decided == 0


def test_nothing_written_meanwhile_keeps_every_draft(engine, tmp_path):
    basic_team("c-1", "c-2").load(engine, tmp_path / "export")
    settings = make_settings()
    report = schedule(engine, settings, NOW, renderer=Meanwhile(settings, engine, lambda _: None))
    assert report.created == 2 and len(drafts_of(engine)) == 2


def test_a_reply_stored_while_drafting_means_no_draft(engine, tmp_path):
    basic_team("c-1", "c-2").load(engine, tmp_path / "export")
    settings = make_settings()

    def reply(conn):
        # As the mailbox sync stores one: no audit entry, only the touchpoint.
        conn.execute(
            models.Touchpoint.__table__.insert().values(
                touchpoint_id="mail-1",
                candidate_id="c-2",
                channel="email",
                direction="inbound",
                occurred_at=NOW - DAY,
                subject="Re: hello",
                body="Happy to talk, call me.",
                source="mailbox",
            )
        )

    report = schedule(engine, settings, NOW, renderer=Meanwhile(settings, engine, reply))
    assert [d["candidate_id"] for d in drafts_of(engine)] == ["c-1"] and report.created == 1
    thread = threads_by_id(engine)[thread_key("c-2", "r-1", "inmail")]
    assert (thread["state"], thread["reasons"]) == ("suppressed", ["replied"])
