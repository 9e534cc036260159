"""`followups suppress add|list|remove` (contract section 8): who and when, the source told
apart, and every entry blocking with do_not_contact at schedule and at send."""

from __future__ import annotations

import json

import pytest
from builders import DAY, NOW, basic_team, threads_by_id
from send_team import approved_team, drafts_by_id, email_team, run_send, smtp_settings
from sqlalchemy import select

from drafts.writing.scheduler import schedule
from store import models
from tui.cli import main


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run `followups ARGS` in this process; (exit code, stdout, stderr)."""
    capsys.readouterr()
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def entries(capsys, url: str) -> list[dict]:
    code, out, _ = cli(capsys, "suppress", "list", "--json", "--db", url)
    assert code == 0
    return json.loads(out)


def url_of(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_an_entry_added_by_hand_blocks_the_candidate_at_schedule(engine, tmp_path, capsys):
    basic_team("c-1", "c-2").load(engine, tmp_path)
    url = url_of(engine)
    code, out, err = cli(
        capsys, "suppress", "add", "--candidate", "c-1", "--reason", "asked by phone",
        "--as", "rita", "--now", "2026-03-01T10:00:00Z", "--db", url,
    )  # fmt: skip
    assert code == 0, err
    assert "added to the do-not-contact list" in out
    (entry,) = entries(capsys, url)
    assert entry["source"] == "manual" and entry["candidate_id"] == "c-1"
    assert entry["created_by"] == "rita" and entry["created_at"].startswith("2026-03-01T10:00")
    assert entry["reason"] == "asked by phone"

    schedule(engine, smtp_settings(None), NOW)
    threads = threads_by_id(engine)
    [blocked] = [t for t in threads.values() if t["candidate_id"] == "c-1"]
    assert blocked["state"] == "suppressed" and blocked["reasons"] == ["do_not_contact"]
    [other] = [t for t in threads.values() if t["candidate_id"] == "c-2"]
    assert other["state"] == "drafted"

    # Adding it again changes nothing and keeps who added it first.
    code, out, _ = cli(capsys, "suppress", "add", "--candidate", "c-1", "--reason", "x",
                       "--db", url)  # fmt: skip
    assert code == 0 and "already on" in out
    assert entries(capsys, url) == [entry]


def test_an_address_added_after_approval_cancels_the_draft_at_send(engine, tmp_path, capsys):
    settings = smtp_settings(None, outbox=tmp_path / "outbox")
    (draft_id,) = approved_team(engine, tmp_path, email_team("c-1"), settings)
    url = url_of(engine)
    code, _, err = cli(
        capsys, "suppress", "add", "--email", "C-1@Example.TEST", "--reason", "wrote to stop",
        "--db", url,
    )  # fmt: skip
    assert code == 0, err
    run_send(engine, settings)
    draft = drafts_by_id(engine)[draft_id]
    assert draft["status"] == "cancelled" and "do_not_contact" in draft["cancel_codes"]
    assert not (tmp_path / "outbox").exists() or not list((tmp_path / "outbox").glob("*.eml"))


def test_remove_takes_it_off_and_the_audit_log_says_who(engine, tmp_path, capsys):
    basic_team("c-1").load(engine, tmp_path)
    url = url_of(engine)
    cli(capsys, "suppress", "add", "--linkedin", "https://www.linkedin.com/in/Someone/",
        "--reason", "not interested", "--as", "rita", "--db", url)  # fmt: skip
    (entry,) = entries(capsys, url)
    assert entry["linkedin_url"] == "linkedin.com/in/someone"
    code, out, err = cli(capsys, "suppress", "remove", entry["key"][:10], "--as", "sam",
                         "--db", url)  # fmt: skip
    assert code == 0, err
    assert "removed linkedin.com/in/someone" in out
    assert entries(capsys, url) == []
    with engine.connect() as conn:
        log = conn.execute(
            select(models.Decision.actor, models.Decision.action, models.Decision.detail)
            .where(models.Decision.action.like("suppress%"))
            .order_by(models.Decision.id)
        ).all()
    assert [(a, b) for a, b, _ in log] == [("rita", "suppress_add"), ("sam", "suppress_remove")]
    # The log keeps no address: it outlives an erasure.
    assert "someone" not in json.dumps([d for _, _, d in log])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--candidate", "c-9", "--reason", "x"], "no candidate 'c-9'"),
        (["--email", "not-an-address", "--reason", "x"], "--email"),
        (["--candidate", "c-1", "--email", "a@example.org", "--reason", "x"], "exactly one"),
        (["--candidate", "c-1", "--reason", "  "], "--reason"),
        (["--linkedin", "https://example.org/x", "--reason", "x"], "--linkedin"),
    ],
)
def test_bad_input_is_one_line_and_stores_nothing(sqlite_engine, tmp_path, capsys, args, message):
    basic_team("c-1").load(sqlite_engine, tmp_path)
    url = url_of(sqlite_engine)
    code, out, err = cli(capsys, "suppress", "add", *args, "--db", url)
    assert code == 1 and message in err and "Traceback" not in err + out
    assert len(err.strip().splitlines()) == 1
    assert entries(capsys, url) == []


def test_remove_of_an_unknown_or_short_key_is_refused(sqlite_engine, capsys):
    url = url_of(sqlite_engine)
    for key, message in (("abc", "8 or more"), ("deadbeef00", "no suppression")):
        code, _, err = cli(capsys, "suppress", "remove", key, "--db", url)
        assert code == 1 and message in err


def test_review_do_not_contact_is_one_transaction_and_undo_takes_it_back(engine, tmp_path):
    """The desk's reject (what the app calls) on both databases; the Pilot test is in tui."""
    from drafts import review

    team = basic_team("c-1").role("r-2")
    team.touch("c-1", NOW - 10 * DAY, role_id="r-2")
    team.load(engine, tmp_path)
    settings = smtp_settings(None)
    schedule(engine, settings, NOW)
    (first,) = [d for d in drafts_by_id(engine).values() if d["status"] == "pending"]
    review.reject(
        engine, draft_id=first["id"], seen_version=first["version"], reviewer="rita",
        reason="do not contact", now=NOW,
    )  # fmt: skip
    with engine.connect() as conn:
        (entry,) = conn.execute(select(models.Suppression.__table__)).mappings().all()
    assert (entry["candidate_id"], entry["source"], entry["created_by"]) == (
        "c-1",
        "review",
        "rita",
    )
    schedule(engine, settings, NOW)
    assert {t["state"] for t in threads_by_id(engine).values()} == {"suppressed"}
    assert len(drafts_by_id(engine)) == 1  # the other thread got no draft

    review.undo(engine, settings, reviewer="rita", now=NOW)
    with engine.connect() as conn:
        assert conn.execute(select(models.Suppression.__table__)).all() == []
    # A suppression that was there before the rejection stays after its undo.
    with engine.begin() as conn:
        from store.suppressions import add_entry

        add_entry(conn, candidate_id="c-1", reason="phone", source="manual", by="sam", at=NOW)
    draft = drafts_by_id(engine)[first["id"]]
    review.reject(
        engine, draft_id=draft["id"], seen_version=draft["version"], reviewer="rita",
        reason="do not contact", now=NOW,
    )  # fmt: skip
    review.undo(engine, settings, reviewer="rita", now=NOW)
    with engine.connect() as conn:
        sources = conn.execute(select(models.Suppression.source)).scalars().all()
    assert sources == ["manual"]


def test_an_entry_added_while_a_draft_waits_blocks_its_approval(engine, tmp_path, capsys):
    from drafts import review
    from drafts.review.errors import BlockedDraft

    basic_team("c-1").load(engine, tmp_path)
    settings = smtp_settings(None)
    schedule(engine, settings, NOW)
    (draft,) = drafts_by_id(engine).values()
    code, _, err = cli(capsys, "suppress", "add", "--linkedin", "linkedin.com/in/C-1",
                       "--reason", "asked on LinkedIn", "--db", url_of(engine))  # fmt: skip
    assert code == 0, err
    with pytest.raises(BlockedDraft) as refused:
        review.approve(
            engine, settings, draft_id=draft["id"], seen_version=draft["version"],
            reviewer="rita", on_screen_ms=5000, now=NOW,
        )  # fmt: skip
    assert [f.code for f in refused.value.flags] == ["do_not_contact"]
    evidence = refused.value.flags[0].evidence
    assert (evidence["source"], evidence["reason"]) == ("manual", "asked on LinkedIn")
    assert evidence["added_by"] and evidence["added_at"]
    assert drafts_by_id(engine)[draft["id"]]["status"] == "pending"


def test_a_reply_asking_to_stop_is_listed_as_source_reply(engine, tmp_path, capsys):
    team = basic_team("c-1", "c-2")
    team.touch("c-1", NOW - 2 * DAY, direction="inbound", body="Please stop contacting me.")
    team.load(engine, tmp_path)
    schedule(engine, smtp_settings(None), NOW)
    url = url_of(engine)
    (entry,) = entries(capsys, url)
    assert (entry["source"], entry["candidate_id"]) == ("reply", "c-1")
    assert "stop contacting" in entry["reason"] and entry["created_at"]
    code, out, _ = cli(capsys, "suppress", "list", "--db", url)
    assert code == 0 and "reply" in out
    code, _, err = cli(capsys, "suppress", "remove", entry["key"], "--db", url)
    assert code == 1 and "own message" in err
