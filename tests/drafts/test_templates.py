"""Templates a team writes: `templates check`, and the sandbox every draft is rendered in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import followups, make_settings, write_config

from drafts.writing.render import RenderProblem, TemplateBook
from drafts.writing.template_check import check_templates, sample_context


def team_templates(tmp_path: Path, files: dict[str, str]):
    """Settings whose templates_dir holds `files` (name -> text)."""
    folder = tmp_path / "templates"
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return make_settings(drafting={"templates_dir": str(folder)})


def by_name(results: list[dict]) -> dict[str, dict]:
    return {r["template"]: r for r in results}


def test_the_built_in_templates_pass(tmp_path):
    results = check_templates(make_settings(drafting={"templates_dir": str(tmp_path / "none")}))
    assert by_name(results) == {
        "email.j2": {"template": "email.j2", "ok": True, "error": None, "flags": []},
        "inmail.j2": {"template": "inmail.j2", "ok": True, "error": None, "flags": []},
    }


def test_errors_name_the_template_and_line(tmp_path):
    settings = team_templates(
        tmp_path,
        {
            "inmail.j2": "Hi {{ candidate.first_name }},\n\n{{ candidate.nickname }}\n",
            "roles/r-1/email.j2": "Hi {{ candidate.first_name }},\n{% if role.title %}\n",
            "email.j2": "Hi [Name], about {{ role.title }} at {{ company.name }}.",
        },
    )
    results = by_name(check_templates(settings))
    undefined = results["inmail.j2"]
    assert not undefined["ok"]
    assert undefined["error"].startswith("template inmail.j2, line 3:")
    assert "nickname" in undefined["error"]
    syntax = results["roles/r-1/email.j2"]
    assert not syntax["ok"]
    assert syntax["error"].startswith("template roles/r-1/email.j2, line 2:")
    placeholder = results["email.j2"]
    assert placeholder["ok"] and placeholder["error"] is None
    assert placeholder["flags"] == [
        "placeholder: The text still holds 1 unfilled placeholder(s), e.g. [Name]"
    ]


def test_a_file_the_scheduler_never_picks_is_pointed_out(tmp_path):
    settings = team_templates(tmp_path, {"inmial.j2": "typo", "roles/r-1/sms.j2": "no sms"})
    results = by_name(check_templates(settings))
    assert results["inmial.j2"]["ok"]
    assert results["inmial.j2"]["flags"][0].startswith("never used")
    assert results["roles/r-1/sms.j2"]["flags"][0].startswith("never used")


def test_an_empty_or_overlong_body_is_an_error(tmp_path):
    settings = team_templates(
        tmp_path,
        {"inmail.j2": "{% if false %}x{% endif %}\n", "email.j2": "{{ 'word ' * 500 }}"},
    )
    results = by_name(check_templates(settings))
    assert results["inmail.j2"]["error"] == "template inmail.j2 rendered an empty body"
    assert "drafting.max_body_chars" in results["email.j2"]["error"]


# --------------------------------------------------------------------------- the sandbox

ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ candidate.__class__.__mro__[1].__subclasses__() }}",
    "{{ candidate.first_name.__class__ }}",
    "{{ ('{0.__class__}').format(candidate.first_name) }}",
    "{{ candidate.first_name|attr('__class__') }}",
    "{{ company.name.format_map.__self__.__class__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ days_since / 0 }}",
]


@pytest.mark.parametrize("text", ESCAPES)
def test_the_sandbox_refuses_and_nothing_is_rendered(tmp_path, text):
    settings = team_templates(tmp_path, {"inmail.j2": f"Hi {{{{ candidate.first_name }}}}, {text}"})
    with pytest.raises(RenderProblem) as problem:
        TemplateBook(settings).render(sample_context(settings, "inmail", None))
    message = str(problem.value)
    assert message.startswith("template inmail.j2, line 1:")
    assert "<class" not in message and "Ada" not in message
    (result,) = [r for r in check_templates(settings) if r["template"] == "inmail.j2"]
    assert not result["ok"]


# --------------------------------------------------------------------------- the command


def test_templates_check_command(tmp_path):
    good = write_config(tmp_path / "good.toml")
    result = followups("templates", "check", "--config", str(good))
    assert result.returncode == 0, result.stderr
    assert "ok  email.j2" in result.stdout and "ok  inmail.j2" in result.stdout

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "inmail.j2").write_text("Hi {{ candidate.nick }}\n", "utf-8")
    broken = write_config(tmp_path / "followups.toml", drafting={"templates_dir": "templates"})
    result = followups("templates", "check", "--config", str(broken))
    assert result.returncode == 1
    assert "ERR inmail.j2: template inmail.j2, line 1:" in result.stdout
    listed = followups("templates", "check", "--config", str(broken), "--json")
    assert listed.returncode == 1
    assert {r["template"]: r["ok"] for r in json.loads(listed.stdout)} == {
        "email.j2": True,
        "inmail.j2": False,
    }
