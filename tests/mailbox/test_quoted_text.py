"""The person's own words: what mail clients write above the message they answer."""

from __future__ import annotations

import pytest

from drafts.mailbox.text import html_to_text, without_quoted

YES = "Yes, Tuesday works."
OURS = "Hi Ada,\nwould you like to talk?\nReply stop and we won't write again."

CASES = [
    (
        "gmail",
        f"Yes, Tuesday works.\n\nOn Mon, 27 Oct 2025 at 10:00, Sam <s@a.com> wrote:\n> {OURS}",
    ),
    (
        "wrapped",
        f"{YES}\n\nOn Mon, 27 Oct 2025 at 10:00, Sam Carter\n<s@a.com> wrote:\n\n{OURS}",
    ),
    ("apple", f"Yes, Tuesday works.\n\nOn 27 Oct 2025, at 10:00, Sam <s@a.com> wrote:\n\n{OURS}"),
    (
        "outlook",
        f"{YES}\n\nFrom: Sam Carter <s@a.com>\nSent: Monday, October 27, 2025 10:00\n"
        f"To: Ada\nSubject: About r-1\n\n{OURS}",
    ),
    ("original", f"Yes, Tuesday works.\n-----Original Message-----\n{OURS}"),
    ("underscores", f"Yes, Tuesday works.\n\n________________________________\nFrom: Sam\n{OURS}"),
    (
        "german",
        f"Yes, Tuesday works.\n\nAm 27.10.2025 um 10:00 schrieb Sam Carter <s@a.com>:\n{OURS}",
    ),
    (
        "french",
        f"Yes, Tuesday works.\n\nLe lun. 27 oct. 2025 à 10:00, Sam <s@a.com> a écrit :\n{OURS}",
    ),
    (
        "spanish",
        f"{YES}\n\nEl lun, 27 oct 2025 a las 10:00, Sam (<s@a.com>) escribió:\n{OURS}",
    ),
    ("signature", f"{YES}\n-- \nAda Park\nTo unsubscribe from our newsletter, click here"),
    ("inline >", "Yes, Tuesday works.\n> Reply stop and we won't write again.\n"),
]


@pytest.mark.parametrize("text", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_the_message_answered_is_left_out(text):
    assert without_quoted(text) == "Yes, Tuesday works."


def test_words_of_a_person_that_only_look_like_a_header_stay():
    text = "On Monday I can talk.\nHere is what I wrote: nothing yet."
    assert without_quoted(text) == text


def test_html_blocks_become_lines_and_entities_text():
    html = "<div>Hi&nbsp;Sam,</div><div><br></div><ul><li>one</li><li>two &amp; three</li></ul>"
    assert html_to_text(html) == "Hi Sam,\n\none\n\ntwo & three"
