"""The return date an out-of-office reply names: every cue word, years, and today.

The rules hold a thread until the return date, so a date read wrong is a follow-up sent
to someone still away (too early) or a thread left silent for a year (too late).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from drafts.rules.detect import return_date

SENT = datetime(2025, 11, 8, 9, 0)  # a Saturday
NOV_20 = date(2025, 11, 20)


@pytest.mark.parametrize(
    "text",
    [
        "Out of office until 20 November.",
        "Out of office till 20 November.",
        "Out of office til 20 November.",
        "Out of office through 20 November.",
        "Out of office thru 20 November.",
        "Out of office, returning 20 November.",
        "Out of office, returning on 20 November.",
        "Out of office, I return on 20 November.",
        "Out of office, returning to the office on 20 November.",
        "Out of office, back 20 November.",
        "Out of office, back on 20 November.",
        "Out of office, back in the office 20 November.",
        "Out of office, back in the office on 20 November.",
        "Out of office, back at work 20 November.",
        "Out of office, back at work on 20 November.",
        "Out of office. Returning: on 20 November.",
        "Out of office until the 20th of November.",
        "Out of office until Thursday, 20 November.",
    ],
)
def test_every_cue_before_a_date_is_read(text):
    assert return_date(text, SENT) == NOV_20


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Out of office until 1st December.", date(2025, 12, 1)),
        ("Out of office until 2nd December.", date(2025, 12, 2)),
        ("Out of office until 3rd December.", date(2025, 12, 3)),
        ("Out of office until 4th December.", date(2025, 12, 4)),
        ("Out of office until December 1st.", date(2025, 12, 1)),
    ],
)
def test_ordinal_days(text, expected):
    assert return_date(text, SENT) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Out of office until Monday.", date(2025, 11, 10)),
        ("Out of office till Monday.", date(2025, 11, 10)),
        ("Out of office, back Monday.", date(2025, 11, 10)),
        ("Out of office, back on Monday.", date(2025, 11, 10)),
        ("Out of office, returning Monday.", date(2025, 11, 10)),
        ("Out of office, returning on Monday.", date(2025, 11, 10)),
        ("Out of office, I return on Monday.", date(2025, 11, 10)),
        ("Out of office until next Friday.", date(2025, 11, 14)),
    ],
)
def test_every_cue_before_a_weekday_is_read(text, expected):
    assert return_date(text, SENT) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The year named is the year meant, even when the next such day is sooner.
        ("Out of office until 20 November 2026.", date(2026, 11, 20)),
        ("Out of office until November 20, 2026.", date(2026, 11, 20)),
        ("Back on 2026-11-20", date(2026, 11, 20)),
        # Numbers with a year: day/month first (the rest of the world), the year as written.
        ("Back on 03/04/2027", date(2027, 4, 3)),
        ("Back on 03.04.2027", date(2027, 4, 3)),
        # Two-digit years are this century.
        ("Back on 05/01/26", date(2026, 1, 5)),
        ("Back on 20/11/25", date(2025, 11, 20)),
        # Only month/day makes a date: US order.
        ("Back on 11/20/25", date(2025, 11, 20)),
    ],
)
def test_a_date_with_a_year_keeps_its_year(text, expected):
    assert return_date(text, SENT) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Without a year: whichever reading comes first from the reply's day on.
        ("Back on 03/04", date(2026, 3, 4)),
        ("Back on 13/04", date(2026, 4, 13)),
        ("Back on 09/11", date(2025, 11, 9)),
    ],
)
def test_numbers_without_a_year_are_the_next_such_day(text, expected):
    assert return_date(text, SENT) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Out of office until 8 November.",
        "Out of office until November 8.",
        "Out of office until 08/11.",
        "Out of office until 11/08.",
    ],
)
def test_a_return_on_the_day_of_the_reply_is_that_day(text):
    # Not the same day next year: they are back today.
    assert return_date(text, SENT) == date(2025, 11, 8)


def test_a_day_that_does_not_exist_gives_way_to_a_later_date():
    text = "Out of office until 2025-02-30, back on 20 November."
    assert return_date(text, SENT) == NOV_20


def test_the_first_cue_with_a_date_is_the_return_date():
    text = "Out of office until 20 November. Next trip: until 5 December."
    assert return_date(text, SENT) == NOV_20


@pytest.mark.parametrize(
    "text",
    [
        "Out of office, 20 November.",  # no cue: a date, but not a return date
        "Out of office until further notice.",
        "Out of office until 20/13/2025.",  # no such month either way
    ],
)
def test_no_cue_or_no_date_is_no_return_date(text):
    assert return_date(text, SENT) is None
