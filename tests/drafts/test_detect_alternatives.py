"""One example for every alternative the detection patterns list, with negatives beside.

A wording that only one alternative of a pattern catches has its own example here, so
that deleting the alternative (a refactor, a "simplification") fails a test instead of
letting that wording through: an opt-out read as a reply, or a person read as a machine.
The opt-out examples assert the words found, which the flag shows as its evidence.
"""

from __future__ import annotations

import pytest

from drafts.rules.detect import find_opt_out, is_auto_reply

# (message, the words the opt-out flag quotes)
OPT_OUT_WORDS = [
    ("Please do not reach out.", "do not reach out"),
    ("Please don't reach out.", "don't reach out"),
    ("pls dont reach out", "dont reach out"),
    ("Never reach out again.", "Never reach out"),
    ("Kindly refrain from contacting me.", "refrain from contacting"),
    ("Kindly refrain from messaging me.", "refrain from messaging"),
    ("Kindly refrain from emailing me.", "refrain from emailing"),
    ("Kindly refrain from calling me.", "refrain from calling"),
    ("Kindly refrain from reaching out.", "refrain from reaching out"),
    ("Please stop contacting me", "Please stop contacting"),
    ("Quit messaging me", "Quit messaging"),
    ("Cease emailing me", "Cease emailing"),
    ("Stop e-mailing me", "Stop e-mailing"),
    ("Stop mailing me", "Stop mailing"),
    ("Stop texting me", "Stop texting"),
    ("Stop calling me", "Stop calling"),
    ("Stop reaching out", "Stop reaching out"),
    ("Stop sending me these", "Stop sending"),
    ("Stop spamming me", "Stop spamming"),
    ("Stop writing to me", "Stop writing"),
    ("Stop bothering me", "Stop bothering"),
    ("Do not contact me.", "Do not contact me"),
    ("don't message me", "don't message me"),
    ("Never email us.", "Never email us"),
    ("dont call me", "dont call me"),
    ("Do not ever text me", "Do not ever text me"),
    ("don't e-mail me", "don't e-mail me"),
    ("Never write to me", "Never write to me"),
    ("Do not ever reach out to me", "Do not ever reach out to me"),
    ("I'm on your do-not-contact list", "do-not-contact"),
    ("Remove me from your list", "Remove me"),
    ("Please remove my name", "remove my name"),
    ("Please remove my details", "remove my details"),
    ("Please remove my profile", "remove my profile"),
    ("Please remove my data", "remove my data"),
    ("Please remove my email", "remove my email"),
    ("Take me off your list", "Take me off"),
    ("unsubscribe", "unsubscribe"),
    ("I opt out", "opt out"),
    ("No more contact, thanks", "No more contact"),
    ("No further messages, thanks", "No further messages"),
    ("no more emails", "no more emails"),
    ("no more outreach", "no more outreach"),
    ("Leave me alone", "Leave me alone"),
    ("Let me be", "Let me be"),
    ("I asked you not to contact me again", "not to contact me again"),
    ("I asked you not to message me anymore", "not to message me anymore"),
    ("I asked you not to email me any more", "not to email me any more"),
    ("I no longer wish to be contacted", "no longer wish to be contacted"),
    ("I no longer want to be contacted", "no longer want to be contacted"),
    ("Delete my data", "Delete my data"),
    ("Delete my details", "Delete my details"),
    ("Delete my information", "Delete my information"),
    ("Delete my profile", "Delete my profile"),
    ("I do not want to be contacted", "do not want to be contacted"),
    ("I don't want you to contact me", "don't want you to contact me"),
    ("I dont want anyone to message me", "dont want anyone to message me"),
    ("I don't want recruiters to email me", "don't want recruiters to email me"),
    ("I don't want your company to contact me", "don't want your company to contact me"),
    ("STOP", "STOP"),
    ("Not interested. Please stop.", "Please stop"),
    ("Not interested. Please stop!", "Please stop"),
    ("Not interested, please stop\nAnn", "please stop"),
]
# Near misses: the same words in a sentence that asks for nothing.
NOT_OPT_OUTS = [
    "Feel free to reach out to me next month.",
    "I don't remember applying, but happy to chat.",
    "Please stop by our booth.",
    "I could not take my eyes off the job ad.",
    "Can you remove the salary question from the form?",
    "No more questions from my side!",
    "I do not want to miss this, can we talk?",
    "Stop. Wait, this sounds good actually",
]


@pytest.mark.parametrize(("text", "words"), OPT_OUT_WORDS)
def test_each_way_of_opting_out_is_found_with_its_words(text, words):
    assert find_opt_out(text) == words


@pytest.mark.parametrize("text", NOT_OPT_OUTS)
def test_near_misses_are_not_opt_outs(text):
    assert find_opt_out(text) is None


# --- automatic replies --------------------------------------------------------------------

NEUTRAL = "Thank you for your message."
# An autoresponder naming itself in the body (not on its first line, which counts as a subject).
MACHINE_BODIES = [
    "Hello,\nthis is an automatic reply.",
    "Hello,\nthis message is an auto-reply.",
    "Hello,\nthis is an auto response.",
    "Hello,\nsent by my autoresponder.",
    "Hello,\nThis is an automated message.",
]
# A subject only an autoresponder writes (at the start of the subject).
MACHINE_SUBJECTS = [
    "Out of Office: Senior engineer",
    "Out of the office",
    "OOO until Monday",
    "Abwesenheitsnotiz: Senior engineer",
    "Automatische Antwort: Senior engineer",
    "Réponse automatique : Senior engineer",
    "Absence du bureau",
    "Respuesta automática: Senior engineer",
    "Vacation reply",
    "Away from the office",
]
STOCK = "I will reply when I return."
# Away wording, beside an autoresponder's stock phrase.
AWAY = [
    "I am out of office.",
    "I am out of the office.",
    "OOO this week.",
    "I have limited access to email.",
    "I am on vacation.",
    "I am on holiday.",
    "I am on annual leave.",
    "I am on parental leave.",
    "I am on leave.",
    "I am on sabbatical.",
    "I am on a business trip.",
    "Currently away from my desk.",
    "Currently away from my office.",
    "Currently away from email.",
    "Currently away from the office.",
    "I am away.",
    "I am currently away.",
    "I'm away.",
    "I'm currently away.",
]
# An autoresponder's stock phrase, beside away wording.
STOCK_PHRASES = [
    "I will answer upon my return.",
    "I will answer on my return.",
    "I will answer after my return.",
    "I will respond when I return.",
    "I will reply once I am back.",
    "I will answer when I am back.",
    f"I will reply {'x' * 38} when I return.",  # 40 characters between: still the phrase
    "For urgent matters call Jo.",
    "For immediate enquiries call Jo.",
    "For urgent inquiries call Jo.",
    "For urgent requests call Jo.",
    "For urgent issues call Jo.",
    "In my absence call Jo.",
    "Responses will be delayed.",
    "Replies may be slow.",
    "There is limited access to my emails.",
]
# A person answering: any of these in a message makes it a reply, away wording or not.
HUMAN_SIGNS = [
    "I'm interested.",
    "Sounds interesting.",
    "let's talk.",
    "let us talk.",
    "Can we talk Monday.",
    "Could we talk Monday.",
    "Shall we talk Monday.",
    "I would love to.",
    "I'd love to.",
    "Happy to chat.",
    "Happy to talk.",
    "Happy to connect.",
    "Happy to speak.",
    "Happy to meet.",
    "Happy to hear more.",
    "Sounds good.",
    "Sounds great.",
    "Call me Monday.",
    "My number is below.",
    "My cell is below.",
    "My phone is below.",
    "I'm not looking.",
    "I'm not a fit.",
    "No thanks.",
    "When does it start?",
]
AUTO = f"I am on vacation. {STOCK}"


@pytest.mark.parametrize("body", MACHINE_BODIES)
def test_an_autoresponder_naming_itself_is_automatic(body):
    assert is_auto_reply("Re: Senior engineer", body)


@pytest.mark.parametrize("subject", MACHINE_SUBJECTS)
def test_an_autoresponder_subject_is_automatic(subject):
    assert is_auto_reply(subject, NEUTRAL)
    # Exports fold the subject into the body: its first line counts as the subject.
    assert is_auto_reply("Re: Senior engineer", f"{subject}\n{NEUTRAL}")
    # Quoted inside a person's subject, the same words are not a machine's mark.
    assert not is_auto_reply(f"Re: {subject}", NEUTRAL)


@pytest.mark.parametrize("away", AWAY)
def test_away_wording_beside_a_stock_phrase_is_automatic(away):
    assert is_auto_reply("Re: Senior engineer", f"Hello,\n{away} {STOCK}")
    if "limited access" not in away:  # that one is a stock phrase and away wording at once
        # Either alone is something people write too.
        assert not is_auto_reply("Re: Senior engineer", f"Hello,\n{away}")


@pytest.mark.parametrize("stock", STOCK_PHRASES)
def test_each_stock_phrase_beside_away_wording_is_automatic(stock):
    assert is_auto_reply("Re: Senior engineer", f"Hello,\nI am on vacation. {stock}")
    if "limited access" not in stock:
        assert not is_auto_reply("Re: Senior engineer", f"Hello,\n{stock}")


def test_a_stock_phrase_stretched_past_40_characters_is_not_one():
    body = f"Hello,\nI am on vacation. I will reply {'x' * 39} when I return."
    assert not is_auto_reply("Re: Senior engineer", body)


@pytest.mark.parametrize("sign", HUMAN_SIGNS)
def test_a_person_answering_beside_autoresponder_wording_has_replied(sign):
    assert is_auto_reply("Re: Senior engineer", f"Hello,\n{AUTO}")
    assert not is_auto_reply("Re: Senior engineer", f"Hello,\n{AUTO}\n{sign}")


@pytest.mark.parametrize(
    "body",
    [
        "I'm on vacation this week, but yes, let's talk",
        "I'm on vacation this week, but yes, I'll take a look",
        "I'm away until Friday; I will read the job description then.",
    ],
)
def test_away_wording_without_an_autoresponder_phrase_is_a_person(body):
    assert not is_auto_reply("Re: Senior engineer", body)
    assert not is_auto_reply(None, body)


def test_no_subject_and_no_body_is_no_auto_reply():
    assert not is_auto_reply(None, None)
    assert not is_auto_reply("", "")


def test_only_the_first_line_of_the_body_counts_as_a_subject():
    # "Away" ends the first line; "from home" starts the next: no "Away from" subject.
    assert not is_auto_reply("Re: Senior engineer", "Away\nfrom home this week; more soon.")
