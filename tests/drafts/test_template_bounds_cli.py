"""A runaway template through the commands a team runs: `schedule` and `templates check`.

The thread whose template hits a bound waits with the error (the store holds it, `threads
list` shows it); every other thread is still drafted, and the run ends normally.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import DAY, NOW, Team, drafts_of, followups, threads_by_id, write_config

from drafts.writing.prompts import PromptBook, build_prompt
from drafts.writing.render import RenderProblem, TemplateBook
from drafts.writing.template_check import sample_context
from store.config import load_settings
from store.importer import thread_key

NOW_ARG = "2025-11-08T09:00:00Z"
GOOD = "Hi {{ candidate.first_name }}, still thinking about {{ role.title }}?\n"
RUNAWAY = {
    # line 2, so the message must name the line the loop is on
    "nested loops": "Hi {{ candidate.first_name }},\n"
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n",
    "power tower": "Hi {{ candidate.first_name }},\n{{ 10 ** (10 ** 10) }}\n",
}


def _team_store(tmp_path: Path, db_url: str, runaway: str) -> str:
    """Three candidates; c-2's role r-2 has a runaway template of its own. Returns --config."""
    team = Team().recruiter("sam", name="Sam Carter").role("r-1").role("r-2")
    for candidate_id, role_id in (("c-1", "r-1"), ("c-2", "r-2"), ("c-3", "r-1")):
        team.candidate(candidate_id, first_name=f"Pat{candidate_id[-1]}")
        team.touch(candidate_id, NOW - 10 * DAY, role_id=role_id)
    team.write(tmp_path / "export")
    imported = followups("import", str(tmp_path / "export"), "--db", db_url)
    assert imported.returncode == 0, imported.stderr
    folder = tmp_path / "templates"
    (folder / "roles" / "r-2").mkdir(parents=True)
    (folder / "inmail.j2").write_text(GOOD, "utf-8")
    (folder / "roles" / "r-2" / "inmail.j2").write_text(RUNAWAY[runaway], "utf-8")
    config = write_config(tmp_path / "followups.toml", drafting={"templates_dir": str(folder)})
    return str(config)


@pytest.mark.parametrize("runaway", list(RUNAWAY))
def test_schedule_drafts_the_others_and_the_runaway_thread_waits_with_its_error(
    tmp_path, engine, db_url, runaway
):
    config = _team_store(tmp_path, db_url, runaway)
    result = followups("schedule", "--db", db_url, "--config", config, "--now", NOW_ARG)
    assert result.returncode == 0, result.stderr
    assert "created 2 draft(s)" in result.stdout
    blocked = thread_key("c-2", "r-2", "inmail")
    (line,) = [x for x in result.stderr.splitlines() if "template error" in x]
    assert line.startswith(f"template error on {blocked}: template roles/r-2/inmail.j2, line 2:")

    drafted = sorted(d["candidate_id"] for d in drafts_of(engine))
    assert drafted == ["c-1", "c-3"]
    stored = threads_by_id(engine)[blocked]
    assert (stored["state"], stored["reasons"]) == ("waiting", ["template_error"])
    listed = followups("threads", "list", "--db", db_url, "--json")
    (shown,) = [t for t in json.loads(listed.stdout) if t["thread_id"] == blocked]
    assert shown["reasons"] == ["template_error"]
    assert "roles/r-2/inmail.j2, line 2" in json.dumps(shown)


def test_templates_check_names_the_runaway_template_and_line(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "inmail.j2").write_text(RUNAWAY["nested loops"], "utf-8")
    (folder / "email.j2").write_text(RUNAWAY["power tower"], "utf-8")
    config = write_config(tmp_path / "followups.toml", drafting={"templates_dir": str(folder)})
    result = followups("templates", "check", "--config", str(config), "--json")
    assert result.returncode == 1
    errors = {r["template"]: r["error"] for r in json.loads(result.stdout)}
    assert errors["inmail.j2"].startswith("template inmail.j2, line 2: the template ran for")
    assert errors["email.j2"].startswith("template email.j2, line 2: a power with more than")
    plain = followups("templates", "check", "--config", str(config))
    assert plain.returncode == 1
    assert "ERR inmail.j2: template inmail.j2, line 2:" in plain.stdout


def test_a_timed_out_template_is_not_run_again_in_the_same_run(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "inmail.j2").write_text(RUNAWAY["nested loops"], "utf-8")
    config = write_config(tmp_path / "followups.toml", drafting={"templates_dir": str(folder)})
    book = TemplateBook(load_settings(str(config)))
    book.seconds = 0.2
    ctx = sample_context(book.settings, "inmail", None)
    with pytest.raises(RenderProblem) as first:
        book.render(ctx)
    with pytest.raises(RenderProblem) as second:
        book.render(ctx)
    assert second.value is first.value  # the remembered error, not a second 0.2 s loop


def test_a_runaway_llm_prompt_is_that_threads_template_error(tmp_path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "inmail.llm.toml").write_text(
        'system = "{% for i in range(100000) %}{% for j in range(100000) %}'
        '{% endfor %}{% endfor %}Write."\nuser = "{{ data }}"\n',
        "utf-8",
    )
    config = write_config(tmp_path / "followups.toml", drafting={"templates_dir": str(folder)})
    settings = load_settings(str(config))
    prompts = PromptBook(TemplateBook(settings))
    template = prompts.template_for("inmail", None)
    with pytest.raises(RenderProblem) as problem:
        build_prompt(template, sample_context(settings, "inmail", None), settings.llm)
    assert str(problem.value).startswith("template inmail.llm.toml: the template ran for")
