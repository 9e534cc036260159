"""The TOML config: found where the contract says, every bad key a clear error at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import FollowupsError
from store.config import CONFIG_FILE_NAME, Settings, find_config, load_settings


@pytest.fixture(autouse=True)
def no_ambient_config(monkeypatch, tmp_path):
    """No $FOLLOWUPS_CONFIG and no ./followups.toml unless a test writes one."""
    monkeypatch.delenv("FOLLOWUPS_CONFIG", raising=False)
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file():
    assert find_config(None) is None
    settings = load_settings(None)
    assert settings == Settings()
    assert settings.source is None
    assert settings.cadence.first_followup_after_days == 7
    assert settings.cadence.max_age_days == 28
    assert settings.cadence.max_followups == 1
    assert settings.cadence.min_days_between_messages == 7
    assert settings.limits.daily_per_recruiter == 100
    assert settings.drafting.engine == "jinja"
    assert settings.send.email_transport is None  # no transport named: dry run only
    assert settings.send.inmail_transport is None


def test_the_documented_example_is_valid(tmp_path):
    from importlib import resources

    example = resources.files("store").joinpath("followups.example.toml").read_text("utf-8")
    (tmp_path / "templates").mkdir()  # it names templates_dir, which `init` creates
    settings = load_settings(str(write(tmp_path / "example.toml", example)))
    assert settings.company.name == "Acme Robotics"
    assert settings.cadence.first_followup_after_days == 7


def test_a_partial_file_keeps_defaults_for_the_rest(tmp_path):
    path = write(
        tmp_path / "team.toml", '[company]\nname = "Acme"\n\n[cadence]\nmax_followups = 2\n'
    )
    settings = load_settings(str(path))
    assert settings.company.name == "Acme"
    assert settings.cadence.max_followups == 2
    assert settings.cadence.first_followup_after_days == 7
    assert settings.source == path.resolve()


def test_send_from_key_is_read(tmp_path):
    path = write(tmp_path / "team.toml", '[send]\nfrom = "Acme Talent <talent@acme.com>"\n')
    assert load_settings(str(path)).send.from_ == "Acme Talent <talent@acme.com>"


BAD_CONFIGS = {
    "too_small": (
        "[cadence]\nfirst_followup_after_days = 2\n",
        "cadence.first_followup_after_days",
    ),
    "too_large": (
        "[cadence]\nfirst_followup_after_days = 29\n",
        "cadence.first_followup_after_days",
    ),
    "negative": ("[limits]\ndaily_per_recruiter = -5\n", "limits.daily_per_recruiter"),
    "wrong_type_string": ('[limits]\ndaily_per_recruiter = "lots"\n', "limits.daily_per_recruiter"),
    "wrong_type_list": ("[cadence]\nmax_age_days = [28]\n", "cadence.max_age_days"),
    "wrong_type_section": ('company = "Acme"\n', "company"),
    "fractional": ("[cadence]\nmax_followups = 1.5\n", "cadence.max_followups"),
    "unknown_key": ("[cadence]\nmax_folowups = 2\n", "cadence.max_folowups"),
    "unknown_section": ("[cadance]\nmax_followups = 2\n", "cadance"),
    "unknown_nested_key": ('[send.smtp]\nhostname = "mail"\n', "send.smtp.hostname"),
    "bad_choice": ('[drafting]\nengine = "gpt"\n', "drafting.engine"),
    "bad_security": ('[send.smtp]\nsecurity = "tls"\n', "send.smtp.security"),
    "bad_transport": ('[send]\ninmail_transport = "api"\n', "send.inmail_transport"),
    "bad_window": ("[send]\nwindow_hours = [17, 9]\n", "send.window_hours"),
    "bad_port": ("[send.smtp]\nport = 70000\n", "send.smtp.port"),
    "age_not_after_first": (
        "[cadence]\nfirst_followup_after_days = 14\nmax_age_days = 10\n",
        "cadence.max_age_days",
    ),
}


@pytest.mark.parametrize(("text", "key"), list(BAD_CONFIGS.values()), ids=list(BAD_CONFIGS.keys()))
def test_each_bad_key_is_named_with_the_file(tmp_path, text, key):
    path = write(tmp_path / "team.toml", text)
    with pytest.raises(FollowupsError) as failure:
        load_settings(str(path))
    message = str(failure.value)
    assert str(path) in message
    assert key in message
    assert "\n" not in message  # one line on stderr


def test_an_out_of_range_value_says_what_was_given(tmp_path):
    path = write(tmp_path / "team.toml", "[cadence]\nfirst_followup_after_days = 2\n")
    with pytest.raises(FollowupsError, match=r"greater than or equal to 3.*got 2"):
        load_settings(str(path))


def test_every_bad_key_is_reported_at_once(tmp_path):
    path = write(
        tmp_path / "team.toml",
        "[cadence]\nfirst_followup_after_days = 2\nmax_folowups = 1\n[limits]\n"
        "daily_per_recruiter = 0\n",
    )
    with pytest.raises(FollowupsError) as failure:
        load_settings(str(path))
    message = str(failure.value)
    for key in ("first_followup_after_days", "max_folowups", "daily_per_recruiter"):
        assert key in message


def test_a_boolean_for_a_number_is_an_error(tmp_path):
    path = write(tmp_path / "team.toml", "[cadence]\nmax_followups = true\n")
    with pytest.raises(FollowupsError, match="cadence.max_followups"):
        load_settings(str(path))


def test_bad_toml_syntax_names_the_file_and_line(tmp_path):
    path = write(tmp_path / "team.toml", '[company]\nname = "Acme"\n[cadence\nmax_followups = 2\n')
    with pytest.raises(FollowupsError) as failure:
        load_settings(str(path))
    message = str(failure.value)
    assert str(path) in message
    assert "TOML" in message
    assert "line 3" in message


def test_a_config_that_is_not_utf8_is_a_clear_error(tmp_path):
    path = tmp_path / "team.toml"
    path.write_bytes('[company]\nname = "Müller GmbH"\n'.encode("latin-1"))
    with pytest.raises(FollowupsError, match="team.toml"):
        load_settings(str(path))


def test_a_named_config_that_does_not_exist_is_an_error(tmp_path):
    with pytest.raises(FollowupsError, match="does not exist"):
        load_settings(str(tmp_path / "missing.toml"))


def test_followups_config_env_var_is_honoured(tmp_path, monkeypatch):
    path = write(tmp_path / "elsewhere" / "team.toml", "[cadence]\nmax_followups = 3\n")
    monkeypatch.setenv("FOLLOWUPS_CONFIG", str(path))
    settings = load_settings(None)
    assert settings.cadence.max_followups == 3
    assert settings.source == path.resolve()


def test_explicit_config_beats_the_env_var(tmp_path, monkeypatch):
    env = write(tmp_path / "env.toml", "[cadence]\nmax_followups = 3\n")
    explicit = write(tmp_path / "explicit.toml", "[cadence]\nmax_followups = 4\n")
    monkeypatch.setenv("FOLLOWUPS_CONFIG", str(env))
    assert load_settings(str(explicit)).cadence.max_followups == 4


def test_a_bad_config_named_by_the_env_var_is_an_error(tmp_path, monkeypatch):
    path = write(tmp_path / "env.toml", "[cadence]\nmax_followups = 99\n")
    monkeypatch.setenv("FOLLOWUPS_CONFIG", str(path))
    with pytest.raises(FollowupsError, match="cadence.max_followups"):
        load_settings(None)


def test_followups_toml_in_the_current_folder_is_used():
    write(Path.cwd() / CONFIG_FILE_NAME, "[cadence]\nmax_followups = 2\n")
    assert load_settings(None).cadence.max_followups == 2


def test_env_var_beats_the_current_folder(tmp_path, monkeypatch):
    write(Path.cwd() / CONFIG_FILE_NAME, "[cadence]\nmax_followups = 2\n")
    env = write(tmp_path / "env.toml", "[cadence]\nmax_followups = 3\n")
    monkeypatch.setenv("FOLLOWUPS_CONFIG", str(env))
    assert load_settings(None).cadence.max_followups == 3


def test_relative_templates_dir_resolves_against_the_config_folder(tmp_path):
    config = write(tmp_path / "team" / "followups.toml", '[drafting]\ntemplates_dir = "tpl"\n')
    (tmp_path / "team" / "tpl").mkdir()
    settings = load_settings(str(config))
    assert settings.resolve_path(settings.drafting.templates_dir) == (tmp_path / "team" / "tpl")


def test_relative_config_path_still_resolves_against_its_own_folder(tmp_path, monkeypatch):
    write(tmp_path / "team" / "followups.toml", '[drafting]\ntemplates_dir = "tpl"\n')
    (tmp_path / "team" / "tpl").mkdir()
    monkeypatch.chdir(tmp_path)
    settings = load_settings("team/followups.toml")
    monkeypatch.chdir(tmp_path / "cwd")  # a later chdir must not move the templates
    resolved = settings.resolve_path(settings.drafting.templates_dir)
    assert resolved == (tmp_path / "team" / "tpl").resolve()


def test_absolute_templates_dir_is_kept(tmp_path):
    absolute = tmp_path / "shared" / "templates"
    absolute.mkdir(parents=True)
    config = write(tmp_path / "team.toml", f'[drafting]\ntemplates_dir = "{absolute}"\n')
    settings = load_settings(str(config))
    assert settings.resolve_path(settings.drafting.templates_dir) == absolute


def test_without_a_file_relative_paths_start_in_the_current_folder():
    settings = load_settings(None)
    assert settings.resolve_path("templates") == Path.cwd() / "templates"
