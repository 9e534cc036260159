"""`[send] opt_out_line` and `[send] list_unsubscribe` (contract section 8): the line is in
the text the reviewer approves, whatever wrote it, once; the header is on the wire."""

from __future__ import annotations

import pytest
from builders import NOW, basic_team, drafts_of, make_settings
from fake_openai_server import FakeOpenAI, answering
from send_team import approved_team, drafts_by_id, email_team, run_send, smtp_settings
from smtp_sink import SmtpSink
from test_llm_renderer import llm_settings
from test_send import message_from

from drafts.writing.llm import LlmRenderer
from drafts.writing.scheduler import schedule
from store.config import DEFAULT_OPT_OUT_LINE

STOP = "mailto:talent+stop@acme-robotics.test"


def _template(tmp_path, text: str, **send) -> object:
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    (folder / "inmail.j2").write_text(text, encoding="utf-8")
    return make_settings(drafting={"templates_dir": str(folder)}, send=send)


def test_every_draft_ends_with_the_default_line(engine, tmp_path):
    basic_team("c-1", "c-2").load(engine, tmp_path)
    schedule(engine, make_settings(), NOW)
    drafts = drafts_of(engine)
    assert len(drafts) == 2
    for draft in drafts:
        assert draft["body"].endswith(f"\n\n{DEFAULT_OPT_OUT_LINE}")
        assert draft["body"].count(DEFAULT_OPT_OUT_LINE) == 1
        # The default line names no placeholder and trips no rule.
        assert draft["flags"] == []


def test_a_template_that_places_the_line_gets_it_once_where_it_put_it(engine, tmp_path):
    basic_team("c-1").load(engine, tmp_path)
    text = "Hi {{ candidate.first_name }},\n{{ opt_out_line }}\nSam"
    schedule(engine, _template(tmp_path, text, opt_out_line="Reply STOP to opt out."), NOW)
    (draft,) = drafts_of(engine)
    assert draft["body"] == "Hi Person,\nReply STOP to opt out.\nSam"


def test_an_empty_line_turns_it_off(engine, tmp_path):
    basic_team("c-1").load(engine, tmp_path)
    schedule(engine, _template(tmp_path, "Hi {{ candidate.first_name }}.", opt_out_line=""), NOW)
    (draft,) = drafts_of(engine)
    assert draft["body"] == "Hi Person."


@pytest.mark.parametrize(
    "answer",
    [
        "Hi Person,\nStill keen to talk about the role?\nSam",
        # The model wrote the line itself (curly apostrophe, re-wrapped): not added again.
        'Hi Person,\nStill keen?\nIf you\u2019d rather not hear from us, reply "stop"\n'
        "and we won't write again.\nSam",
    ],
    ids=["model without the line", "model with the line"],
)
def test_an_llm_draft_ends_with_the_line_once(sqlite_engine, tmp_path, answer):
    basic_team("c-1").load(sqlite_engine, tmp_path / "export")
    with FakeOpenAI(answering(answer)) as server:
        settings = llm_settings(server, tmp_path)
        report = schedule(sqlite_engine, settings, NOW, renderer=LlmRenderer(settings))
    assert report.created == 1
    (draft,) = drafts_of(sqlite_engine)
    folded = " ".join(draft["body"].replace("\u2019", "'").split())
    assert folded.count(" ".join(DEFAULT_OPT_OUT_LINE.split())) == 1
    assert "unverified_contact" not in {f["code"] for f in draft["flags"]}


def test_the_line_and_the_header_reach_a_real_relay(engine, tmp_path):
    with SmtpSink() as sink:
        settings = smtp_settings(sink.port, send={"list_unsubscribe": STOP})
        ids = approved_team(engine, tmp_path, email_team("c-1", "c-2"), settings)
        assert run_send(engine, settings).counts() == {"sent": 2}
        received = {m.message_id: m for m in sink.messages()}
    drafts = drafts_by_id(engine)
    for draft_id in ids:
        got = received[drafts[draft_id]["message_id"]]
        assert got.message["List-Unsubscribe"] == f"<{STOP}>"
        # What the reviewer approved is what arrived, ending with the opt-out line.
        body = message_from(got.content).strip()
        assert body == drafts[draft_id]["body"].strip()
        assert body.endswith(DEFAULT_OPT_OUT_LINE)


def test_no_header_unless_configured(engine, tmp_path):
    with SmtpSink() as sink:
        settings = smtp_settings(sink.port)
        approved_team(engine, tmp_path, email_team("c-1"), settings)
        assert run_send(engine, settings).counts() == {"sent": 1}
        (got,) = sink.messages()
    assert got.message["List-Unsubscribe"] is None


def test_an_edit_that_drops_the_line_gets_it_back(engine, tmp_path):
    from drafts import review

    basic_team("c-1").load(engine, tmp_path)
    settings = make_settings()
    schedule(engine, settings, NOW)
    (draft,) = drafts_of(engine)
    review.edit(
        engine, settings, draft_id=draft["id"], seen_version=1, reviewer="rita",
        new_body="Hi Person, a shorter note.", now=NOW,
    )  # fmt: skip
    (draft,) = drafts_of(engine)
    assert draft["body"] == f"Hi Person, a shorter note.\n\n{DEFAULT_OPT_OUT_LINE}"


def test_the_demo_outbox_files_carry_the_header_too(engine, tmp_path):
    import tomllib
    from email import message_from_bytes

    from demo import DEMO_CONFIG

    demo_send = tomllib.loads(DEMO_CONFIG)["send"]
    outbox = tmp_path / "outbox"
    settings = smtp_settings(
        None,
        outbox=outbox,
        send={"list_unsubscribe": demo_send["list_unsubscribe"]},
    )
    approved_team(engine, tmp_path, email_team("c-1"), settings)
    assert run_send(engine, settings).counts() == {"sent": 1}
    (eml,) = outbox.glob("email-*.eml")
    message = message_from_bytes(eml.read_bytes())
    assert message["List-Unsubscribe"] == f"<{demo_send['list_unsubscribe']}>"
