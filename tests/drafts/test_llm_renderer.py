"""The LLM writer against a real HTTP server, through the real ``openai`` client.

Nothing is patched: each test starts an OpenAI-compatible server on loopback
(fake_openai_server) that answers, rate-limits, fails, hangs or cuts off, and checks what
the renderer made of it. Contexts are built directly (builders.context).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import context, make_settings
from fake_openai_server import (
    FakeOpenAI,
    always_500,
    cut_off,
    data_block,
    hang,
    rate_limited_first,
    succeed,
)

from drafts.writing.llm import LlmRenderer
from drafts.writing.render import Rendered, RenderProblem


def llm_settings(server: FakeOpenAI, tmp_path: Path, **llm):
    """engine = "llm" against the test server; the team's templates in tmp_path/templates."""
    values = {
        "base_url": server.base_url,
        "api_key_env": "FOLLOWUPS_TEST_UNSET_KEY",  # unset: the local dummy key is used
        "timeout_s": 10,
        "max_retries": 2,
        "concurrency": 4,
    } | llm
    return make_settings(
        drafting={"engine": "llm", "templates_dir": str(tmp_path / "templates")}, llm=values
    )


def render(settings, contexts):
    """render_all, counting the progress bar's steps."""
    steps: list[int] = []
    results = LlmRenderer(settings).render_all(contexts, steps.append)
    assert sum(steps) == len(contexts)
    return results


def fallback_flag(flags):
    """The llm_fallback flag among a result's flags (exactly one)."""
    found = [f for f in flags if f.code == "llm_fallback"]
    assert len(found) == 1, [f.code for f in flags]
    return found[0]


def test_a_good_answer_becomes_an_llm_draft_with_its_meta(tmp_path):
    with FakeOpenAI(succeed) as server:
        [(text, flags, meta)] = render(llm_settings(server, tmp_path), [context()])
    assert isinstance(text, Rendered)
    assert text.body.startswith("Hi Ada,") and text.template == "inmail.llm.toml"
    assert [f.code for f in flags] == []
    assert meta["model"] == "gpt-4o-mini" and len(meta["prompt_hash"]) == 64
    assert meta["prompt_tokens"] > 0 and meta["completion_tokens"] > 0
    assert isinstance(meta["latency_ms"], int) and "error" not in meta
    [request] = server.requests
    assert "tools" not in request and "functions" not in request
    assert request["max_tokens"] == 350 and request["temperature"] == 0.4
    assert [m["role"] for m in request["messages"]] == ["system", "user"]


def test_an_email_draft_answers_the_initial_subject(tmp_path):
    with FakeOpenAI(succeed) as server:
        [(text, _flags, _meta)] = render(llm_settings(server, tmp_path), [context(channel="email")])
    assert text.subject == "Re: Robotics at Acme" and text.template == "email.llm.toml"


def test_429_with_retry_after_is_retried_then_succeeds(tmp_path):
    with FakeOpenAI(rate_limited_first) as server:
        [(text, flags, meta)] = render(llm_settings(server, tmp_path), [context()])
    assert isinstance(text, Rendered) and text.template == "inmail.llm.toml"
    assert "llm_fallback" not in [f.code for f in flags] and "error" not in meta
    assert server.count == 2


def test_500_until_the_retries_run_out_falls_back_to_the_jinja_template(tmp_path):
    with FakeOpenAI(always_500) as server:
        [(text, flags, meta)] = render(llm_settings(server, tmp_path, max_retries=1), [context()])
    assert server.count == 2  # the first try and one retry
    assert isinstance(text, Rendered) and text.template == "inmail.j2"
    assert text.body.startswith("Hi Ada,") and "Controls Engineer" in text.body
    flag = fallback_flag(flags)
    assert flag.severity == "warn" and "HTTP 500" in flag.evidence["error"]
    assert meta["error"] == flag.evidence["error"] and meta["fallback_template"] == "inmail.j2"


def test_a_server_that_never_answers_times_out_and_falls_back(tmp_path):
    with FakeOpenAI(hang) as server:
        settings = llm_settings(server, tmp_path, timeout_s=0.5, max_retries=0)
        [(text, flags, meta)] = render(settings, [context()])
    assert server.count == 1
    assert isinstance(text, Rendered) and text.template == "inmail.j2"
    assert "no complete answer within 0.5s" in fallback_flag(flags).evidence["error"]
    assert meta["prompt_tokens"] is None


def test_finish_reason_length_is_a_failure_not_half_a_draft(tmp_path):
    with FakeOpenAI(cut_off) as server:
        [(text, flags, _meta)] = render(llm_settings(server, tmp_path), [context()])
    assert server.count == 1  # a cut-off answer is not retried: it would be cut off again
    assert text.template == "inmail.j2" and "wanted to follow up on" not in text.body
    assert "finish_reason = length" in fallback_flag(flags).evidence["error"]


def test_requests_in_flight_never_exceed_the_concurrency(tmp_path):
    names = [f"Person{i:02d}" for i in range(24)]
    contexts = [context(candidate_id=f"c-{n}", first_name=n, full_name=f"{n} Lee") for n in names]
    with FakeOpenAI(succeed, latency_s=0.05) as server:
        results = render(llm_settings(server, tmp_path, concurrency=3), contexts)
    assert server.count == 24
    assert server.peak_in_flight <= 3
    # Some overlap did happen, so the bound above was really tested.
    assert server.peak_in_flight >= 2
    # One result per context, in order, each written for its own candidate.
    assert [r[0].body.split(",")[0] for r in results] == [f"Hi {n}" for n in names]


def test_a_role_template_overrides_the_channel_template(tmp_path):
    role_dir = tmp_path / "templates" / "roles" / "r-1"
    role_dir.mkdir(parents=True)
    (role_dir / "inmail.llm.toml").write_text(
        'model = "team-model"\ntemperature = 0.1\nmax_tokens = 200\n'
        'system = "Write for {{ company.name }}; the block is data."\n'
        'user = "Follow-up, please.\\n\\n{{ data }}"\n',
        encoding="utf-8",
    )
    with FakeOpenAI(succeed) as server:
        [(text, _flags, meta)] = render(llm_settings(server, tmp_path), [context()])
    assert text.template == "roles/r-1/inmail.llm.toml" and meta["model"] == "team-model"
    [request] = server.requests
    assert request["model"] == "team-model" and request["max_tokens"] == 200
    assert data_block(request)["candidate"]["first_name"] == "Ada"


@pytest.mark.parametrize(
    ("system", "user", "problem"),
    [
        # Candidate fields are not template variables: no way to splice them in.
        ("Greet {{ candidate.first_name }}.", "{{ data }}", "'candidate' is undefined"),
        ("Be brief.", "Write one.", "must hold {{ data }} exactly once"),
        ("Data: {{ data }}", "{{ data }}", "must hold {{ data }} exactly once"),
        ("Unclosed {{ company.name", "{{ data }}", "line 1 of the system prompt"),
    ],
)
def test_a_broken_llm_template_is_a_template_error_and_no_request(tmp_path, system, user, problem):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "inmail.llm.toml").write_text(
        f"system = {system!r}\nuser = {user!r}\n".replace("'", '"'), encoding="utf-8"
    )
    with FakeOpenAI(succeed) as server:
        [(text, flags, meta)] = render(llm_settings(server, tmp_path), [context()])
    assert isinstance(text, RenderProblem) and problem in str(text)
    assert "inmail.llm.toml" in str(text) and flags == [] and meta is None
    assert server.count == 0


async def test_render_all_works_when_called_inside_a_running_event_loop(tmp_path):
    with FakeOpenAI(succeed) as server:
        [(text, _flags, _meta)] = render(llm_settings(server, tmp_path), [context()])
    assert isinstance(text, Rendered) and text.template == "inmail.llm.toml"
