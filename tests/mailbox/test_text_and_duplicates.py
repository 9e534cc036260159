"""Text is data (any charset, RFC 2047, HTML-only, control characters, malformed MIME) and
a message is stored once, however often it is read."""

from __future__ import annotations

import pytest
from mail import (
    ADA,
    INBOX,
    INITIAL_ID,
    SAM,
    SENT,
    ingest,
    load,
    mail_touchpoints,
    message,
)

from drafts.mailbox.ingest import ingest_batch
from drafts.writing.scheduler import schedule
from tests.drafts.builders import DAY, NOW, make_settings, threads_by_id


def test_a_latin_1_reply_with_an_encoded_subject_is_stored_as_text(engine, tmp_path):
    load(engine, tmp_path)
    # As a European mail client writes it: an encoded-word subject, a Latin-1 8-bit body.
    raw = (
        b"From: Ada Park <ada@example.com>\nTo: sam@acme-robotics.com\n"
        b"Subject: =?ISO-8859-1?Q?R=E9ponse_=E0_votre_message?=\n"
        b"Message-ID: <latin-1@example.com>\nDate: Thu, 06 Nov 2025 09:00:00 +0100\n"
        b"MIME-Version: 1.0\nContent-Type: text/plain; charset=ISO-8859-1\n"
        b"Content-Transfer-Encoding: 8bit\n\n"
        + "Merci, très intéressé ! Appelez-moi mardi.\n".encode("iso-8859-1")
    )

    assert ingest(engine, raw) == "replies"

    [stored] = mail_touchpoints(engine)
    assert stored["subject"] == "Réponse à votre message"
    assert stored["body"] == "Merci, très intéressé ! Appelez-moi mardi."


HTML_REPLY = """<html><head><style>p {color: red}</style><script>alert(1)</script></head>
<body><div dir="ltr"><p>Thanks Sam &mdash; let&#39;s talk on Friday.</p></div>
<div class="gmail_quote"><div class="gmail_attr">On Mon, 27 Oct 2025 Sam Carter
&lt;sam@acme-robotics.com&gt; wrote:</div>
<blockquote>Reply <b>stop</b> and we won't write again. Unsubscribe here.</blockquote></div>
</body></html>"""


def test_an_html_only_reply_is_read_as_text_without_the_quoted_message(engine, tmp_path):
    load(engine, tmp_path)

    got = ingest(engine, message(None, html=HTML_REPLY))
    schedule(engine, make_settings(), NOW)

    assert got == "replies"
    [stored] = mail_touchpoints(engine)
    assert stored["body"] == "Thanks Sam — let's talk on Friday."
    # Our own opt-out line, quoted back, is not the candidate asking us to stop.
    assert threads_by_id(engine)["c-ada:r-1:email"]["reasons"] == ["replied"]


def test_control_characters_never_reach_the_store(engine, tmp_path):
    load(engine, tmp_path)

    ingest(
        engine,
        message("Sure\x1b[2J\x1b]0;pwned\x07 \u202etalk\u202c soon", subject="Re\x1b[31m: hi"),
    )

    [stored] = mail_touchpoints(engine)
    assert "\x1b" not in stored["body"] and "\x07" not in stored["body"]
    assert "\u202e" not in stored["body"] and "\x1b" not in stored["subject"]


def test_evidence_names_the_message_and_where_it_was_read(engine, tmp_path):
    load(engine, tmp_path)

    ingest(engine, message("Not interested, thanks."))
    schedule(engine, make_settings(), NOW)

    [flag] = threads_by_id(engine)["c-ada:r-1:email"]["flags"]
    assert flag["code"] == "replied"
    evidence = flag["evidence"]
    assert (evidence["message_id"], evidence["mailbox"], evidence["folder"]) == (
        "reply-1@example.com",
        "sam",
        "INBOX",
    )
    assert evidence["quote"] == "Not interested, thanks."


def test_a_message_without_message_id_read_twice_is_stored_once(engine, tmp_path):
    load(engine, tmp_path)
    raw = message(message_id=None)

    assert ingest(engine, raw) == "replies"
    assert ingest(engine, raw.replace(b"\n", b"\r\n")) == "ignored"

    [stored] = mail_touchpoints(engine)
    assert stored["message_id"].endswith("@no-message-id.followups.invalid")


def test_the_same_message_in_two_folders_is_stored_once(engine, tmp_path):
    load(engine, tmp_path)

    assert ingest(engine, message()) == "replies"
    assert ingest(engine, message(), SENT) == "ignored"
    assert len(mail_touchpoints(engine)) == 1


def test_the_sent_copy_of_a_message_we_already_hold_is_not_stored_again(engine, tmp_path):
    load(engine, tmp_path)
    ours = message("Hi Ada", sender=SAM, to=ADA, message_id=INITIAL_ID, at=NOW - 10 * DAY)

    assert ingest(engine, ours, SENT) == "ignored"
    assert mail_touchpoints(engine) == []


def test_one_message_to_two_candidates_is_a_touchpoint_of_each(engine, tmp_path):
    load(engine, tmp_path)
    raw = message("Hi both", sender=SAM, to=f"{ADA}, Ben <BEN@example.org>", at=NOW - DAY)

    assert ingest(engine, raw, SENT) == "outbound"
    assert ingest(engine, raw, SENT) == "ignored"

    assert sorted(t["candidate_id"] for t in mail_touchpoints(engine)) == ["c-ada", "c-ben"]


MALFORMED = [
    b"",
    b"\x00\x01\x02 not mail at all",
    b"no colon header line\n\nbody",
    b'From: Ada <ada@example.com>\nContent-Type: multipart/mixed; boundary="x"\n\n--x\n'
    b'Content-Type: text/plain; charset="x-unknown-9"\nContent-Transfer-Encoding: base64\n\n'
    b"!!!not base64!!!\n",
    b"From: =?utf-8?B?broken?= <ada@example.com>\nSubject: =?x-nope?Q?=FF?=\n"
    b"Date: yesterday-ish\nMessage-ID: <<<>>>\nContent-Type: text/html\n\n<p>Hi<b>",
    b"From: Ada <ada@example.com>\nContent-Type: multipart/alternative\n\nno boundary at all",
    b'From: Ada <ada@example.com>\nTo: "unterminated <sam@acme-robotics.com\n\n\xff\xfe\xfd',
]


@pytest.mark.parametrize("raw", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_mail_never_crashes(engine, tmp_path, raw):
    load(engine, tmp_path)

    got = ingest(engine, raw)

    assert got in ("ignored", "replies")
    for stored in mail_touchpoints(engine):
        assert stored["candidate_id"] == "c-ada"


def test_one_batch_stores_a_message_once_and_finds_a_reply_to_it(engine, tmp_path):
    load(engine, tmp_path)
    from_ada = message("Yes, let's talk.", message_id="ada-1@example.com")
    from_assistant = message(
        "Ada asked me to set up a call.",
        sender="Office <office@northwind.example>",
        message_id="office-1@example.com",
        in_reply_to="ada-1@example.com",
        at=NOW - DAY,
    )

    with engine.begin() as conn:
        keys = ingest_batch(conn, [from_ada, from_ada, None, from_assistant], INBOX, now=NOW)

    assert keys == ["replies", "ignored", "ignored", "replies"]
    stored = mail_touchpoints(engine)
    assert [(t["candidate_id"], t["message_id"]) for t in stored] == [
        ("c-ada", "ada-1@example.com"),
        ("c-ada", "office-1@example.com"),
    ]
