"""Contract section 7's table, on real parsed bytes: what each message becomes in the store,
then what `schedule` decides for the thread it concerns."""

from __future__ import annotations

import pytest
from mail import INITIAL_ID, SENT, ingest, load, mail_touchpoints, message

from drafts.writing.scheduler import schedule
from store import models
from tests.drafts.builders import DAY, NOW, make_settings, threads_by_id

ADA_THREAD = "c-ada:r-1:email"

OOO = (
    "I am out of the office until 2025-11-20 with limited access to email. "
    "I will respond when I return."
)

CASES = [
    # name, raw message, count, (state, reasons) of Ada's thread after schedule
    ("reply", message(), "replies", ("suppressed", ["replied"])),
    (
        "reply from another address of hers",
        message(sender="Ada <ada.park@northwind.example>"),
        "replies",
        ("suppressed", ["replied"]),
    ),
    (
        "reply from an assistant, matched by In-Reply-To",
        message(sender="Office <office@northwind.example>", in_reply_to=INITIAL_ID),
        "replies",
        ("suppressed", ["replied"]),
    ),
    (
        "RFC 3834 auto reply with a return date",
        message(OOO, subject="Out of office", headers={"Auto-Submitted": "auto-replied"}),
        "auto_replies",
        ("waiting", ["out_of_office"]),
    ),
    (
        "X-Autoreply header, no wording",
        message("Thanks for your message.", headers={"X-Autoreply": "yes"}, at=NOW - 8 * DAY),
        "auto_replies",
        ("drafted", ["out_of_office"]),
    ),
    (
        "out-of-office wording only",
        message(OOO.replace("2025-11-20", "2025-11-07"), subject="Automatic reply: About r-1"),
        "auto_replies",
        ("drafted", ["out_of_office"]),
    ),
    (
        "opt-out",
        message("Please stop contacting me."),
        "opt_outs",
        ("suppressed", ["replied", "do_not_contact"]),
    ),
    (
        "to the list-unsubscribe address",
        message("", to="talent+stop@acme-robotics.com", subject="unsubscribe me"),
        "opt_outs",
        ("suppressed", ["replied", "do_not_contact"]),
    ),
    (
        "opt-out words only in our quoted text",
        message(
            "Sounds good, call me Tuesday.\n\nOn Mon, 27 Oct 2025, Sam Carter "
            "<sam@acme-robotics.com> wrote:\n> Reply stop and we won't write again.\n"
            "> unsubscribe"
        ),
        "replies",
        ("suppressed", ["replied"]),
    ),
    ("a stranger", message(sender="nobody@else.example"), "ignored", ("drafted", [])),
    (
        "our own colleague",
        message(sender="Sam <sam@acme-robotics.com>", in_reply_to=INITIAL_ID),
        "ignored",
        ("drafted", []),
    ),
]


@pytest.mark.parametrize(
    ("raw", "count", "outcome"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_what_a_message_becomes(engine, tmp_path, raw, count, outcome):
    load(engine, tmp_path)

    got = ingest(engine, raw, list_unsubscribe="mailto:talent+stop@acme-robotics.com")
    schedule(engine, make_settings(), NOW)

    assert got == count
    thread = threads_by_id(engine)[ADA_THREAD]
    state, reasons = outcome
    assert (thread["state"], sorted(thread["reasons"])) == (state, sorted(reasons))
    stored = mail_touchpoints(engine)
    if count == "ignored":
        assert stored == []
    else:
        assert [(t["candidate_id"], t["direction"], t["source"]) for t in stored] == [
            ("c-ada", "inbound", "mailbox")
        ]
        assert stored[0]["mailbox"] == "sam" and stored[0]["folder"] == "INBOX"
        assert stored[0]["automatic"] == (count == "auto_replies")


def test_sent_folder_mail_to_a_candidate_is_contact_made_by_hand(engine, tmp_path):
    load(engine, tmp_path)

    got = ingest(
        engine,
        message("Hi Ada, any news?", sender=SAM_ADDR, to="Ada <ada@example.com>", at=NOW - DAY),
        SENT,
    )
    schedule(engine, make_settings(), NOW)

    assert got == "outbound"
    [stored] = mail_touchpoints(engine)
    assert (stored["direction"], stored["recruiter"], stored["folder"]) == (
        "outbound",
        "sam",
        "Sent",
    )
    assert "recent_contact" in threads_by_id(engine)[ADA_THREAD]["reasons"]


SAM_ADDR = "Sam Carter <sam@acme-robotics.com>"


def test_our_own_opt_out_line_pasted_back_without_quote_marks_is_not_an_opt_out(engine, tmp_path):
    load(engine, tmp_path)
    # What we sent ends with an opt-out line a custom config worded with opt-out words.
    tp = models.Touchpoint.__table__
    with engine.begin() as conn:
        conn.execute(
            tp.update()
            .where(tp.c.touchpoint_id == "tp-ada")
            .values(body="Hi Ada, are you open to a chat?\nReply STOP to opt out of our emails.")
        )
    # A client that pastes the message it answers below the reply, with no header or marker.
    raw = message(
        "Yes, let's talk on Tuesday.\n\nHi Ada, are you open to a chat?\n"
        "Reply STOP to opt out of our emails.",
        in_reply_to=INITIAL_ID,
    )

    assert ingest(engine, raw) == "replies"
    schedule(engine, make_settings(), NOW)

    assert threads_by_id(engine)[ADA_THREAD]["reasons"] == ["replied"]
    assert mail_touchpoints(engine)[0]["body"] == "Yes, let's talk on Tuesday."
