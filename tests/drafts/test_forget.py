"""`followups forget` and `followups person` (contract section 8, issue 16), on SQLite and
PostgreSQL: what is erased, what is kept, the bytes of the SQLite file, later imports."""

from __future__ import annotations

import json

import pytest
from builders import DAY, NOW, Team, drafts_of, threads_by_id
from send_team import approve_all, run_send, smtp_settings
from sqlalchemy import select
from sqlmodel import SQLModel
from test_suppress import cli, url_of

from drafts import review
from drafts.writing.scheduler import schedule
from store import models
from store.importer import import_export

NAME = "Zofia Wiśniewska-Quartermaine"
EMAIL = "zofia.quartermaine@example.test"
OTHER = "zq.private@example.test"
LINKEDIN = "https://www.linkedin.com/in/zofia-quartermaine-77"
NOTES = "Met at RoboCon; prefers calls after 5"
REPLY = "Quartermaine here: maybe in spring"
SECRETS = [NAME, EMAIL, OTHER, "zofia-quartermaine-77", NOTES, REPLY, "Zofia", "Quartermaine"]


def team() -> Team:
    """The person to erase (c-1, on email and InMail) beside someone who stays (c-2)."""
    t = Team().recruiter("sam", name="Sam Carter").role("r-1").role("r-2")
    t.candidate(
        "c-1", full_name=NAME, first_name="Zofia", email=EMAIL, other_emails=OTHER,
        linkedin_url=LINKEDIN, notes=NOTES, timezone="Europe/Berlin",
    )  # fmt: skip
    t.candidate("c-2", email="c-2@example.test", timezone="Europe/Berlin")
    t.touch("c-1", NOW - 20 * DAY, channel="email", role_id="r-1")
    t.touch("c-1", NOW - 19 * DAY, channel="email", role_id="r-1", direction="inbound", body=REPLY)
    t.touch("c-1", NOW - 10 * DAY, channel="email", role_id="r-2")
    t.touch("c-2", NOW - 10 * DAY, channel="email", role_id="r-1")
    t.suppress(email=OTHER.upper(), reason=f"asked by {NAME}")
    return t


def prepared(engine, tmp_path, outbox=None):
    """Imported, scheduled, c-1's draft edited then approved; c-1's suppression removed so
    their thread was drafted first (a real history: edits, decisions, a reason)."""
    export = team().write(tmp_path / "export")
    import_export(engine, export)
    with engine.begin() as conn:
        conn.execute(models.Suppression.__table__.delete())
    settings = smtp_settings(None, outbox=outbox)
    schedule(engine, settings, NOW)
    (mine,) = [d for d in drafts_of(engine) if d["candidate_id"] == "c-1"]
    review.edit(
        engine, settings, draft_id=mine["id"], seen_version=1, reviewer="rita",
        new_body=f"Hi Zofia, {NAME} -- still keen?", now=NOW,
    )  # fmt: skip
    approve_all(engine, settings)
    with engine.begin() as conn:
        from store.suppressions import add_entry

        add_entry(conn, email=EMAIL, reason=f"{NAME} asked", source="manual", by="sam", at=NOW)
    return export, settings


def everything(engine) -> str:
    """Every row of every table as one text, to search for what must be gone."""
    rows = []
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            rows += [repr(tuple(r)) for r in conn.execute(select(table))]
    return "\n".join(rows)


def test_forget_erases_the_person_and_keeps_only_hashes_and_the_date(engine, tmp_path, capsys):
    prepared(engine, tmp_path)
    url = url_of(engine)
    code, out, _ = cli(capsys, "person", "c-1", "--json", "--db", url)
    before = json.loads(out)
    assert before["candidate"]["full_name"] == NAME and set(before["addresses"]) == {EMAIL, OTHER}
    assert before["drafts"] and before["decisions"] and before["suppressions"]
    c2_before = json.loads(cli(capsys, "person", "c-2", "--json", "--db", url)[1])

    code, out, err = cli(capsys, "forget", "c-1", "--yes", "--as", "dana",
                         "--now", "2026-03-02T08:00:00Z", "--db", url)  # fmt: skip
    assert code == 0, err
    assert "erased c-1" in out

    code, out, _ = cli(capsys, "person", "c-1", "--json", "--db", url)
    assert code == 0 and json.loads(out) == {
        "candidate_id": "c-1",
        "erased_at": "2026-03-02T08:00:00+00:00",
    }
    text = everything(engine)
    for secret in [*SECRETS, "c-1"]:
        assert secret not in text, secret
    # Someone else's data is untouched.
    assert json.loads(cli(capsys, "person", "c-2", "--json", "--db", url)[1]) == c2_before
    with engine.connect() as conn:
        erased = conn.execute(select(models.ErasedIdentifier.kind)).scalars().all()
        log = conn.execute(select(models.Decision).where(models.Decision.action == "forget")).all()
    assert sorted(erased) == ["candidate_id", "email", "email", "linkedin"]
    (entry,) = log
    assert entry.actor == "dana" and entry.candidate_id is None

    # The list shows the erasure; it cannot be removed.
    listed = json.loads(cli(capsys, "suppress", "list", "--json", "--db", url)[1])
    (erasure,) = [e for e in listed if e["source"] == "erasure"]
    code, _, err = cli(capsys, "suppress", "remove", erasure["key"][:12], "--db", url)
    assert code == 1 and "erasure" in err
    # Forgetting again is a clear error, not a second erasure.
    code, _, err = cli(capsys, "forget", "c-1", "--yes", "--db", url)
    assert code == 1 and "already erased" in err


def test_no_erased_text_remains_in_the_sqlite_file(sqlite_engine, tmp_path, capsys):
    prepared(sqlite_engine, tmp_path)
    url = url_of(sqlite_engine)
    path = tmp_path / "store.db"
    assert NAME.encode() in path.read_bytes() + _wal(path)  # the search itself works
    code, _, err = cli(capsys, "forget", "c-1", "--yes", "--db", url)
    assert code == 0, err
    data = path.read_bytes() + _wal(path)
    for secret in SECRETS:
        assert secret.encode() not in data, secret
        assert secret.casefold().encode() not in data, secret


def _wal(path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return wal.read_bytes() if wal.exists() else b""


def test_a_later_import_skips_every_row_of_the_erased_person(engine, tmp_path, capsys):
    export, settings = prepared(engine, tmp_path)
    url = url_of(engine)
    assert cli(capsys, "forget", "c-1", "--yes", "--db", url)[0] == 0
    # The same export again, plus the person under a new id found by another address.
    again = team()
    again.candidate("c-9", full_name=NAME, email=OTHER.upper(), linkedin_url=LINKEDIN + "/")
    again.touch("c-9", NOW - 9 * DAY, channel="email", role_id="r-1")
    code, out, err = cli(capsys, "import", str(again.write(tmp_path / "again")), "--db", url)
    assert code == 0, err
    assert "candidates.csv, lines 2, 4: skipped: a person erased" in err
    assert "touchpoints.csv, lines 2, 3, 4, 6: skipped" in err
    assert "suppressions.csv, line 2: skipped" in err
    for secret in SECRETS:
        assert secret not in err + out
    assert NAME not in everything(engine)
    schedule(engine, settings, NOW + DAY)
    assert {t["candidate_id"] for t in threads_by_id(engine).values()} == {"c-2"}
    assert {d["candidate_id"] for d in drafts_of(engine)} == {"c-2"}


def test_forget_asks_and_refuses_without_a_terminal(sqlite_engine, tmp_path, capsys):
    prepared(sqlite_engine, tmp_path)
    before = everything(sqlite_engine)
    code, out, err = cli(capsys, "forget", "c-1", "--db", url_of(sqlite_engine))
    assert code == 1 and "--yes" in err and "nothing was erased" in err
    assert len(err.strip().splitlines()) == 1
    assert everything(sqlite_engine) == before
    code, _, err = cli(capsys, "forget", "c-404", "--yes", "--db", url_of(sqlite_engine))
    assert code == 1 and "no candidate 'c-404'" in err


def test_an_outbox_file_already_written_is_listed(sqlite_engine, tmp_path, capsys):
    outbox = tmp_path / "outbox"
    _, settings = prepared(sqlite_engine, tmp_path, outbox=outbox)
    with sqlite_engine.begin() as conn:
        conn.execute(models.Suppression.__table__.delete())
    report = run_send(sqlite_engine, settings)
    assert report.counts() == {"sent": 2}
    (mine,) = [d for d in drafts_of(sqlite_engine) if d["candidate_id"] == "c-1"]
    config = tmp_path / "followups.toml"
    config.write_text(
        f'[send]\nfrom = "Talent <t@acme.test>"\noutbox_dir = "{outbox}"\n', encoding="utf-8"
    )
    code, out, err = cli(capsys, "forget", "c-1", "--yes", "--config", str(config),
                         "--db", url_of(sqlite_engine))  # fmt: skip
    assert code == 0, err
    eml = outbox / f"email-{mine['id']:06d}.eml"
    assert eml.exists() and str(eml) in out
    assert f"{outbox / 'index.jsonl'} (lines " in out


@pytest.mark.parametrize("variant", ["same id", "new id, same email", "new id, same profile"])
def test_no_erased_person_is_drafted_again_whatever_the_import_says(
    sqlite_engine, tmp_path, capsys, variant
):
    _, settings = prepared(sqlite_engine, tmp_path)
    assert cli(capsys, "forget", "c-1", "--yes", "--db", url_of(sqlite_engine))[0] == 0
    later = Team().recruiter("sam").role("r-3")
    fields = {
        "same id": ("c-1", {"email": "new@example.test"}),
        "new id, same email": ("c-7", {"email": EMAIL.upper()}),
        "new id, same profile": (
            "c-8",
            {"linkedin_url": "http://LinkedIn.com/in/zofia-quartermaine-77"},
        ),
    }[variant]
    later.candidate(fields[0], full_name=NAME, **fields[1])
    later.touch(fields[0], NOW - 8 * DAY, channel="inmail", role_id="r-3")
    import_export(sqlite_engine, later.write(tmp_path / "later"))
    schedule(sqlite_engine, settings, NOW + 2 * DAY)
    assert NAME not in everything(sqlite_engine)
    assert all(d["candidate_id"] == "c-2" for d in drafts_of(sqlite_engine))
