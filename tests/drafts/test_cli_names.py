"""The lists a person reads name people, not only ids; threads list filters by candidate;
templates check takes --db like every other command."""

from __future__ import annotations

import json

from builders import NOW, basic_team, followups, make_settings

from drafts.writing.scheduler import schedule


def store(engine, tmp_path):
    team = basic_team("c-1", "c-2")
    team.files["candidates.csv"][0]["full_name"] = "Jörg Krüger"
    team.files["candidates.csv"][1]["full_name"] = "[bold]Ada[/bold] Park"
    team.load(engine, tmp_path / "export")
    schedule(engine, make_settings(), NOW, actor="test")
    return str(engine.url)


def test_threads_drafts_and_audit_show_names_beside_ids(sqlite_engine, tmp_path):
    db = store(sqlite_engine, tmp_path)
    threads = followups("threads", "list", "--db", db).stdout
    assert "Jörg Krüger" in threads and "[bold]Ada[/bold] Park" in threads  # literal, no markup
    drafts = followups("drafts", "list", "--db", db).stdout
    assert "Jörg Krüger (c-1)" in drafts
    audit = json.loads(followups("audit", "--db", db, "--json").stdout)
    assert all("candidate_name" in entry for entry in audit)
    listed = json.loads(followups("drafts", "list", "--db", db, "--json").stdout)
    assert {d["candidate_name"] for d in listed} == {"Jörg Krüger", "[bold]Ada[/bold] Park"}


def test_threads_list_for_one_candidate(sqlite_engine, tmp_path):
    db = store(sqlite_engine, tmp_path)
    only = json.loads(
        followups("threads", "list", "--db", db, "--candidate", "c-2", "--json").stdout
    )
    assert [(t["candidate_id"], t["candidate_name"]) for t in only] == [
        ("c-2", "[bold]Ada[/bold] Park")
    ]
    none = followups("threads", "list", "--db", db, "--candidate", "c-9")
    assert none.returncode == 0 and "0 threads" in none.stdout


def test_templates_check_takes_db_and_names_templates_for_unknown_roles(sqlite_engine, tmp_path):
    db = store(sqlite_engine, tmp_path)
    templates = tmp_path / "templates"
    (templates / "roles" / "r-1").mkdir(parents=True)
    (templates / "roles" / "r-9").mkdir(parents=True)
    body = "Hi {{ candidate.first_name }}, following up.\n"
    (templates / "roles" / "r-1" / "inmail.j2").write_text(body, encoding="utf-8")
    (templates / "roles" / "r-9" / "inmail.j2").write_text(body, encoding="utf-8")
    config = tmp_path / "followups.toml"
    config.write_text(f'[drafting]\ntemplates_dir = "{templates}"\n', encoding="utf-8")

    result = followups("templates", "check", "--db", db, "--config", str(config), "--json")

    assert result.returncode == 0, result.stderr
    by_name = {r["template"]: r for r in json.loads(result.stdout)}
    assert not any("never used" in f for f in by_name["roles/r-1/inmail.j2"]["flags"])
    assert "never used: the store has no role 'r-9'" in by_name["roles/r-9/inmail.j2"]["flags"]
    without = followups("templates", "check", "--config", str(config), "--json")
    assert "no role" not in without.stdout  # no store named: none is opened or created
