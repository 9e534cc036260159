"""Reading what candidates wrote: opt-outs, automatic replies, and the return dates they name."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from drafts.rules.detect import find_opt_out, is_auto_reply, return_date

OPT_OUTS = [
    "Stop contacting me.",
    "please STOP messaging me",
    "Stop emailing me about jobs",
    "stop reaching out",
    "Can you stop sending me these?",
    "Quit contacting me.",
    "Please remove me from your recruiting lists.",
    "remove my email from your database",
    "Take me off your list",
    "Unsubscribe",
    "UNSUBSCRIBE ME",
    "STOP",
    "stop.",
    "Not interested. Please stop.",
    "Do not contact me again.",
    "Don’t contact me again",  # a typographic apostrophe
    "dont message me",
    "Never email me again!",
    "I asked to be on your do-not-contact list",
    "I'd like to opt out of recruiting messages",
    "No more messages, thanks",
    "Leave me alone.",
    "I no longer wish to be contacted.",
    "please delete my data (GDPR)",
    "I don't want to be contacted by recruiters",
    "I have asked you multiple times not to contact me anymore",
]
NOT_OPT_OUTS = [
    "Thanks, but I'm not interested.",
    "Not interested right now, maybe next year.",
    "I'd love to stop by the office next week.",
    "Please stop by our booth at ROSCon!",
    "Don't hesitate to contact me if anything changes.",
    "Happy to chat, feel free to email me.",
    "I can't stop thinking about robots.",
    "Could you remind me of the salary range?",
    "I'm happy where I am.",
    "",
]


@pytest.mark.parametrize("text", OPT_OUTS)
def test_opt_out_requests_are_found(text):
    words = find_opt_out(text)
    assert words, text
    assert words.casefold() in text.replace("’", "'").casefold()


@pytest.mark.parametrize("text", NOT_OPT_OUTS)
def test_ordinary_answers_are_not_opt_outs(text):
    assert find_opt_out(text) is None


def test_no_text_is_no_opt_out():
    assert find_opt_out(None) is None


AUTO_REPLIES = [
    ("Automatic reply: Robotics at Acme", "I am away until Monday."),
    ("Out of Office", "Thank you for your email."),
    ("Re: Robotics", "I'm out of the office until 20 November with limited access to email."),
    ("OOO until 3/12", ""),
    ("Auto-Reply", "I'm on vacation."),
    ("Re: hello", "I am currently on parental leave and will respond upon my return."),
    ("", "I'm on annual leave with limited access to email. For urgent matters call Jo."),
    ("Abwesenheitsnotiz", "Out of office: back on 2025-11-20"),
]
HUMAN_REPLIES = [
    ("Re: Robotics", "Sounds interesting! I'm on vacation this week, let's talk on Monday."),
    ("Re: Robotics", "Sorry for the slow answer, I was away. Yes, I'd like to hear more."),
    ("Re: Robotics", "Not interested, thanks."),
    ("", "Can we do a call when you're back from your holiday?"),
]


@pytest.mark.parametrize(("subject", "body"), AUTO_REPLIES)
def test_automatic_replies_are_recognised(subject, body):
    assert is_auto_reply(subject, body)


@pytest.mark.parametrize(("subject", "body"), HUMAN_REPLIES)
def test_a_person_mentioning_a_holiday_is_a_real_reply(subject, body):
    # Missing an auto-reply costs one thread (it is treated as a reply and blocked);
    # mistaking a person for a machine would follow up with someone who answered.
    assert not is_auto_reply(subject, body)


SENT = datetime(2025, 11, 8, 9, 0)  # a Saturday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I am out of the office until 20 November 2025.", date(2025, 11, 20)),
        ("Out of office until Nov 20.", date(2025, 11, 20)),
        ("Back on November 20th, 2025", date(2025, 11, 20)),
        ("I'm on leave, returning on 2025-11-20.", date(2025, 11, 20)),
        ("Away till the 20th of November", date(2025, 11, 20)),
        ("I will return on Thursday, 20 November.", date(2025, 11, 20)),
        ("back in the office on 20 Nov", date(2025, 11, 20)),
        ("Annual leave - back on 20/11. Kind regards.", date(2025, 11, 20)),
        ("Back on 20.11.2025", date(2025, 11, 20)),
        ("Back on 11/20/2025", date(2025, 11, 20)),  # US order when the day gives it away
        # Without a year, the next such day after the reply: early January is next year.
        ("Out of office until 5 January.", date(2026, 1, 5)),
        ("Out of office until Jan 5", date(2026, 1, 5)),
        ("I'm away until Monday.", date(2025, 11, 10)),
        ("Out of office, back next Wednesday", date(2025, 11, 12)),
        ("Out of office until Saturday", date(2025, 11, 15)),  # the reply's own weekday: next one
    ],
)
def test_return_dates_in_common_formats(text, expected):
    assert return_date(text, SENT) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I'm currently out of the office with limited access to email.",
        "Out of office. I'll reply when I can.",
        "Out of office until 31 February.",  # no such day
        "",
        None,
    ],
)
def test_no_return_date(text):
    assert return_date(text, SENT) is None


@pytest.mark.parametrize(
    "body",
    [
        "Thanks, very interested! I am out of office until Friday, can we talk Monday?",
        "I'm OOO this week but happy to chat next week.",
        "Out of office today. Could we do Thursday instead?",
    ],
)
def test_a_person_who_mentions_being_away_has_replied(body):
    assert not is_auto_reply(None, body)
    assert not is_auto_reply("Re: Robotics role", body)


@pytest.mark.parametrize(
    "text", ["Please do not reach out again.", "Kindly refrain from contacting me."]
)
def test_more_ways_of_asking_us_to_stop(text):
    assert find_opt_out(text)
