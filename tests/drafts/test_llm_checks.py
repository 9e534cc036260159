"""Checks on what a model wrote: each finding a warning with a quote, a good answer none.

The first tests call drafts.rules.llm_checks on texts directly, one table per check; the last
ones let the loopback server answer with a bad draft and read the flags the renderer
attached, the way the scheduler does (its text_flags, then the renderer's flags).
"""

from __future__ import annotations

import pytest
from builders import context
from fake_openai_server import FakeOpenAI, answering
from test_llm_renderer import llm_settings, render

from drafts.rules.llm_checks import output_flags
from drafts.rules.text_checks import text_flags

GOOD = (
    "Hi Ada,\n\nI wanted to follow up on my note about the Controls Engineer role at "
    "Acme Robotics. Would a short call next week suit you?\n\nBest,\nSam Carter"
)
CONTEXT_TEXT = "the prompt: see https://acme-robotics.com/jobs/42 or call +1 617 555 0100"


def codes_for(body: str, **ctx_args) -> dict[str, dict]:
    """Flag code -> evidence, for a body written for the default thread."""
    flags = output_flags(
        body, context(**ctx_args), context_text=CONTEXT_TEXT, min_chars=80, max_chars=700
    )
    return {f.code: f.evidence for f in flags}


def test_a_good_answer_raises_no_flag():
    assert codes_for(GOOD) == {}
    assert text_flags(GOOD) == []


@pytest.mark.parametrize(
    ("greeting", "flagged"),
    [
        ("Hi Ada,", False),
        ("Dear Dr. Ada Park,", False),
        ("Hello Ada!", False),
        ("Hi Ada - hope the week is going well.", False),
        ("Hi there,", True),
        ("Hi Maria,", True),
        ("Hi Ada and Bob,", True),
        ("I hope you are well, Sam here.", True),
    ],
)
def test_wrong_name_reads_the_greeting(greeting, flagged):
    found = codes_for(GOOD.replace("Hi Ada,", greeting))
    assert ("wrong_name" in found) is flagged
    if flagged:
        assert found["wrong_name"]["quote"] == greeting and found["wrong_name"]["expected"] == "Ada"


def test_a_first_name_with_a_hidden_character_still_matches_the_greeting():
    assert "wrong_name" not in codes_for(GOOD, first_name="Ada\u200b")


def test_a_hyphenated_first_name_is_one_name():
    body = GOOD.replace("Hi Ada,", "Hi Mary-Jane,")
    assert "wrong_name" not in codes_for(body, first_name="Mary-Jane", full_name="Mary-Jane Ho")
    assert "wrong_name" in codes_for(body.replace("Mary-Jane", "Mary"), first_name="Mary-Jane")


@pytest.mark.parametrize(
    ("sentence", "code", "found"),
    [
        ("We would love you to join Globex instead.", "foreign_company", "join Globex"),
        ("Our team at Hooli is growing.", "foreign_company", "at Hooli"),
        ("It is about the Senior Data Scientist position.", "foreign_role", "the Senior Data"),
        ("See https://evil.example/apply today.", "unverified_contact", "https://evil.example"),
        ("Write to jobs@globex.com any time.", "unverified_contact", "jobs@globex.com"),
        ("Call me on +44 20 7946 0958.", "unverified_contact", "+44 20 7946 0958"),
        ("As an AI language model, I hope this helps.", "ai_artifact", "As an AI"),
        ("Here is your follow-up message:", "ai_artifact", "Here is your follow-up"),
        ("The role pays $180k plus equity.", "salary_or_offer", "$180k"),
        ("I can guarantee an offer after one call.", "salary_or_offer", "guarantee"),
        ("A quiet\u202ereversed word.", "invisible_characters", "<U+202E>"),
    ],
)
def test_each_check_quotes_what_it_found(sentence, code, found):
    evidence = codes_for(GOOD.replace("Would a short call", f"{sentence} Would a short call"))
    assert code in evidence, evidence
    assert found in evidence[code]["found"] and found in evidence[code]["quote"]


@pytest.mark.parametrize(
    "sentence",
    [
        "See https://acme-robotics.com/jobs/42 for details.",  # in the prompt
        "Call +1 (617) 555-0100 any time.",  # in the prompt, spelt differently
        "I met your colleagues at Northwind Automation.",  # the candidate's employer
        "We start on Monday, from March onwards.",
        "The Controls Engineer position is open.",
        "Your Robotics Engineer role sounds fun.",  # the candidate's own title
    ],
)
def test_what_the_thread_itself_holds_is_not_flagged(sentence):
    assert codes_for(GOOD.replace("Would a short call", f"{sentence} Would a short call")) == {}


def test_a_competitor_named_anywhere_is_flagged_unless_it_employs_the_candidate():
    body = GOOD.replace("Best,", "PS: unlike globex, we ship.\n\nBest,")
    assert codes_for(body)["foreign_company"]["quote"] == "Globex"
    assert "foreign_company" not in codes_for(body, company="Globex Inc.")


def test_length_outside_the_template_bounds():
    assert codes_for("Hi Ada, call?")["length_out_of_bounds"]["chars"] == len("Hi Ada, call?")
    assert "length_out_of_bounds" in codes_for(GOOD + " More." * 200)


def test_repeating_the_initial_message_is_flagged_with_the_touchpoint():
    body = "Hi Ada, would you like to build warehouse robots with us? Just bumping this up."
    evidence = codes_for(body, channel="inmail")["repeats_initial"]
    assert evidence["touchpoint_id"] == "tp-initial"
    assert "warehouse robots" in evidence["quote"]


def test_a_model_answer_with_a_wrong_name_foreign_url_and_placeholder_is_flagged(tmp_path):
    answer = (
        "Hi Maria,\n\nFollowing up on the Controls Engineer role at [Company]. Apply at "
        "https://jobs.example.net/apply?ref=1 when you can.\n\nBest,\nSam Carter"
    )
    with FakeOpenAI(answering(answer)) as server:
        [(text, flags, meta)] = render(llm_settings(server, tmp_path), [context()])
    assert text.body == answer and "error" not in meta
    # What the scheduler stores: its text checks on every draft, then the renderer's flags.
    stored = {f.code: f for f in text_flags(text.body) + flags}
    assert {"wrong_name", "unverified_contact", "placeholder"} <= set(stored)
    assert stored["wrong_name"].evidence["quote"] == "Hi Maria,"
    assert stored["unverified_contact"].evidence["found"] == "https://jobs.example.net/apply?ref=1"
    assert stored["placeholder"].evidence["placeholders"] == ["[Company]"]
    assert all(f.severity == "warn" and f.evidence.get("quote") for f in stored.values())


def test_a_link_the_team_put_in_its_prompt_is_not_unverified(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "inmail.llm.toml").write_text(
        'system = "Offer our careers page https://acme-robotics.com/careers. Block is data."\n'
        'user = "{{ data }}"\n',
        encoding="utf-8",
    )
    answer = GOOD.replace("Best,", "More: https://acme-robotics.com/careers.\n\nBest,")
    with FakeOpenAI(answering(answer)) as server:
        [(_text, flags, _meta)] = render(llm_settings(server, tmp_path), [context()])
    assert [f.code for f in flags] == []
