"""A model server that misbehaves costs each thread its model draft, never the run.

Every fault below is served over real HTTP by the loopback fake and read by the real
client: the thread gets the Jinja draft with `llm_fallback` naming the fault in one clean,
bounded line, and through `schedule` every other thread is still drafted.
"""

from __future__ import annotations

import json
import time

import pytest
from builders import DAY, NOW, Team, codes, context, drafts_of
from fake_openai_server import FakeOpenAI, Reply, polite_answer
from test_llm_renderer import fallback_flag, llm_settings, render

from drafts.writing.llm import LlmRenderer
from drafts.writing.render import Rendered
from drafts.writing.scheduler import schedule


def _doc(document):
    return lambda _body, _n: Reply(document=document)


FAULTS = {
    "an HTML page": (
        lambda _b, _n: Reply(
            raw=b"<html><body>Bad gateway</body></html>", content_type="text/html"
        ),
        "is not JSON",
    ),
    "invalid JSON": (lambda _b, _n: Reply(raw=b'{"choices": ['), " is not JSON"),
    "a JSON list": (_doc([1, 2]), "not an object"),
    "message null": (_doc({"choices": [{"message": None, "finish_reason": "stop"}]}), "no message"),
    "list content": (
        _doc({"choices": [{"message": {"content": ["Hi"]}, "finish_reason": "stop"}]}),
        "content is list",
    ),
    "null content": (
        _doc({"choices": [{"message": {"content": None}, "finish_reason": "stop"}]}),
        "content is null",
    ),
    "choices a string": (_doc({"choices": "nope"}), "no list of choices"),
    "choices missing": (_doc({"id": "x"}), "no list of choices"),
    "choices empty": (_doc({"choices": []}), "no list of choices"),
    "a choice that is a number": (_doc({"choices": [7]}), "no message"),
    "200 with an error object": (
        _doc({"error": {"message": "model overloaded", "type": "server_error"}}),
        "answered with an error: model overloaded",
    ),
    "usage of the wrong types": (
        _doc(
            {
                "choices": [{"message": {"content": None}, "finish_reason": "stop"}],
                "usage": "many",
            }
        ),
        "content is null",
    ),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_malformed_answer_is_that_threads_fallback(tmp_path, fault):
    behaviour, said = FAULTS[fault]
    with FakeOpenAI(behaviour) as server:
        [(text, flags, meta)] = render(llm_settings(server, tmp_path), [context()])
    assert isinstance(text, Rendered) and text.template == "inmail.j2"
    error = fallback_flag(flags).evidence["error"]
    assert said in error and meta["error"] == error
    assert server.count == 1  # a malformed answer is not retried: it would come again


def test_hostile_server_error_text_is_stripped_and_bounded(tmp_path):
    hostile = "\x1b]52;c;aGk=\x07\x1b[2J" + "overloaded \u202e" + "x" * 5000

    def failing(_body, _n):
        return Reply(status=400, document={"error": {"message": hostile}})

    with FakeOpenAI(failing) as server:
        [(_text, flags, meta)] = render(llm_settings(server, tmp_path), [context()])
    flag = fallback_flag(flags)
    for shown in (flag.message, flag.evidence["error"], flag.evidence["quote"], meta["error"]):
        assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
        assert len(shown) < 400
    assert "HTTP 400" in flag.evidence["error"] and "overloaded" in flag.evidence["error"]


def test_a_trickling_server_is_cut_off_by_a_total_deadline(tmp_path):
    # One byte a second: each read arrives in time, so only a wall clock stops it.
    def trickle(body, _n):
        return Reply(trickle_s=1.0)

    with FakeOpenAI(trickle) as server:
        settings = llm_settings(server, tmp_path, timeout_s=2, max_retries=2)
        started = time.monotonic()
        [(text, flags, _meta)] = render(settings, [context()])
        took = time.monotonic() - started
    # 3 attempts of 2 s share a 6 s deadline; a wide margin for a busy machine.
    assert took < 15, took
    assert text.template == "inmail.j2"
    assert "no complete answer within 2s" in fallback_flag(flags).evidence["error"]


def test_through_schedule_one_broken_answer_leaves_the_others_drafted(sqlite_engine, tmp_path):
    team = Team().recruiter("sam", name="Sam Carter").role("r-1")
    for candidate_id in ("c-1", "c-2", "c-3"):
        team.candidate(candidate_id, first_name=f"Pat{candidate_id[-1]}")
        team.touch(candidate_id, NOW - 10 * DAY)
    team.load(sqlite_engine, tmp_path / "export")

    def second_is_broken(body, n):
        if "Pat2" in json.dumps(body):
            return Reply(document={"choices": "nope"})
        return Reply(content=polite_answer(body))

    with FakeOpenAI(second_is_broken) as server:
        settings = llm_settings(server, tmp_path, concurrency=1)
        report = schedule(sqlite_engine, settings, NOW, renderer=LlmRenderer(settings))
    assert report.created == 3
    drafts = {d["candidate_id"]: d for d in drafts_of(sqlite_engine)}
    assert codes(drafts["c-2"]["flags"]) == {"llm_fallback"}
    assert codes(drafts["c-1"]["flags"]) == codes(drafts["c-3"]["flags"]) == set()
    assert drafts["c-1"]["body"].startswith("Hi Pat1,")
