"""Reading what candidates wrote: opt-outs, automatic out-of-office replies, return dates.

Pure functions over text; the rules decide what a finding means.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

from store.words import MONTHS, WEEKDAYS

# Opt-out requests, in the ways people actually write them. Matched case-insensitively
# after apostrophes are straightened, so "don’t" and "don't" read alike.
_OPT_OUT = re.compile(
    r"""
    \b(?:do\s+not|don't|dont|never)\s+reach\s+out\b
    | \brefrain\s+from\s+(?:contacting|messaging|emailing|calling|reaching\s+out)\b
    |
    \b(?:please\s+)?(?:stop|quit|cease)\s+(?:contacting|messaging|emailing|e-mailing|mailing
        |texting|calling|reaching\s+out|sending|spamming|writing|bothering)\b
    | \b(?:do\s+not|don't|never|dont)\s+(?:ever\s+)?(?:contact|message|email|e-mail|call|text
        |write\s+to|reach\s+out\s+to)\s+(?:me|us)\b
    | \bdo[\s-]+not[\s-]+contact\b
    | \bremove\s+(?:me|my\s+(?:name|details|profile|data|email))\b
    | \btake\s+me\s+off\b
    | \bunsubscribe\b
    | \bopt(?:ing)?[\s-]?out\b
    | \bno\s+(?:more|further)\s+(?:contact|messages|emails|outreach)\b
    | \b(?:leave|let)\s+me\s+(?:alone|be)\b
    | \bnot\s+(?:to\s+)?(?:contact|message|email)\s+me\s+(?:again|anymore|any\s+more)\b
    | \bno\s+longer\s+(?:wish|want)\s+to\s+be\s+contacted\b
    | \bdelete\s+my\s+(?:data|details|information|profile)\b
    | \b(?:do\s+not|don't|dont)\s+want\s+(?:to\s+be\s+contacted
        |(?:you|anyone|recruiters|your\s+company)\s+to\s+(?:contact|message|email)\s+me)\b
    # "STOP" on its own (the SMS convention) or "please stop" ending a sentence; never
    # "please stop by" or "I can't stop thinking".
    | ^\W*stop\W*$
    | \bplease\s+stop\b(?=\s*(?:[.!]|$))
    """,
    re.IGNORECASE | re.VERBOSE | re.MULTILINE,
)

# What only a machine writes: an autoresponder's own name for itself.
_MACHINE = re.compile(
    r"""
    \bautomatic\s+reply\b | \bauto[\s-]?reply\b | \bautoreply\b | \bauto[\s-]?response\b
    | \bautoresponder\b | \bthis\s+is\s+an\s+automated\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Autoresponders put their mark at the start of the subject; people answering keep "Re:".
_MACHINE_SUBJECT = re.compile(
    r"""^\s*(?:automatic\s+reply|auto[\s-]?reply|autoreply|out\s+of\s+(?:the\s+)?office|OOO\b
    |abwesenheit\w*|automatische\s+antwort|r\u00e9ponse\s+automatique|absence
    |respuesta\s+autom\u00e1tica|vacation\s+reply|away\s+from)""",
    re.IGNORECASE | re.VERBOSE,
)
# Out-of-office wording. People write it in real answers too ("I'm out of office until
# Friday, can we talk Monday?"), so alone it proves nothing; see is_auto_reply.
_OUT_OF_OFFICE = re.compile(
    r"""
    \bout\s+of\s+(?:the\s+)?office\b | \bOOO\b
    | \blimited\s+access\s+to\s+(?:my\s+)?e-?mails?\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Signs a person wrote back: interest, a question, an offer to talk. A message with any of
# them is a reply, whatever else it says: when unsure, the safe reading is "they answered".
_HUMAN = re.compile(
    r"""
    \binterest(?:ed|ing)\b | \blet'?s\b | \blet\s+us\b | \b(?:can|could|shall)\s+we\b
    | \b(?:would|I'?d)\s+love\b | \bhappy\s+to\s+(?:chat|talk|connect|speak|meet|hear)\b
    | \bsounds\s+(?:good|great)\b | \bcall\s+me\b | \bmy\s+(?:number|cell|phone)\b
    | \bnot\s+(?:looking|a\s+fit)\b | \bno\s+thanks?\b | \?\s*$
    """,
    re.IGNORECASE | re.VERBOSE | re.MULTILINE,
)
# Being away is something people also mention in real answers ("I'm on vacation this
# week, let's talk Monday"), so it counts only beside an autoresponder's stock phrase.
_AWAY = re.compile(
    r"""
    \bon\s+(?:vacation|holiday|annual\s+leave|parental\s+leave|leave|sabbatical
        |a\s+business\s+trip)\b
    | \baway\s+from\s+(?:my\s+)?(?:desk|office|email|the\s+office)\b
    | \bI\s+am\s+(?:currently\s+)?away\b | \bI'm\s+(?:currently\s+)?away\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
_STOCK_PHRASE = re.compile(
    r"""
    \b(?:upon|on|after)\s+my\s+return\b
    | \bwill\s+(?:respond|reply|answer)\b[^.]{0,40}\b(?:when|once)\s+I\s+(?:return|am\s+back)\b
    | \bfor\s+(?:urgent|immediate)\s+(?:matters|enquiries|inquiries|requests|issues)\b
    | \bin\s+my\s+absence\b
    | \b(?:responses?|replies)\s+(?:will\s+be|may\s+be)\s+(?:delayed|slow)\b
    | \blimited\s+access\s+to\s+(?:my\s+)?e-?mails?\b
    """,
    re.IGNORECASE | re.VERBOSE,
)

# Every spelling a date may use: the full name, its first three letters, and the odd
# longer abbreviation ("sept", "tues", "thurs"). Indexes are 1-based months, 0-based days.
_MONTH_EXTRA = {"September": ("sept",)}
_WEEKDAY_EXTRA = {"Tuesday": ("tues",), "Thursday": ("thurs",)}


def _spellings(names, extra, start: int) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, name in enumerate(names, start=start):
        for spelling in (name.casefold(), name[:3].casefold(), *extra.get(name, ())):
            found.setdefault(spelling, index)
    return found


_MONTHS = _spellings(MONTHS, _MONTH_EXTRA, start=1)
_WEEKDAYS = _spellings(WEEKDAYS, _WEEKDAY_EXTRA, start=0)
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
# After one of these words, the next date is the return date.
_CUE = (
    r"\b(?:until|till|til|through|thru|returning(?:\s+on)?|return(?:ing)?\s+(?:on|to\s+the\s+office\s+on)"
    r"|back(?:\s+in\s+the\s+office)?(?:\s+on)?|back\s+at\s+work(?:\s+on)?)\b[\s:,]*"
    r"(?:(?:on|the)\s+)?(?:(?:" + "|".join(_WEEKDAYS) + r"),?\s+)?"
)
_DATE_FORMS = [
    re.compile(_CUE + r"(?P<iso>\d{4}-\d{2}-\d{2})", re.IGNORECASE),
    re.compile(_CUE + _DAY + r"\s+(?:of\s+)?" + _MONTH + _YEAR, re.IGNORECASE),
    re.compile(_CUE + _MONTH + r"\s+" + _DAY + _YEAR, re.IGNORECASE),
    re.compile(_CUE + r"(?P<a>\d{1,2})[/.](?P<b>\d{1,2})(?:[/.](?P<y>\d{2,4}))?\b", re.IGNORECASE),
    re.compile(
        r"\b(?:until|till|back(?:\s+on)?|returning(?:\s+on)?|return\s+on)\s+(?:next\s+)?(?P<weekday>"
        + "|".join(_WEEKDAYS)
        + r")\b",
        re.IGNORECASE,
    ),
]


def _plain(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'")


# Every rule that reads a message asks again for each of the candidate's threads, and a
# scheduler run asks about the whole store: the answers are kept for the texts seen last.
@lru_cache(maxsize=16_384)
def find_opt_out(text: str | None) -> str | None:
    """The words of an opt-out request in the text, or None."""
    if not text:
        return None
    match = _OPT_OUT.search(_plain(text))
    return match.group(0) if match else None


@lru_cache(maxsize=16_384)
def is_auto_reply(subject: str | None, body: str | None) -> bool:
    """Whether a message reads as an automatic out-of-office reply, not a person's answer.

    It must carry a machine's signature (an autoresponder naming itself, or out-of-office
    or away wording beside an autoresponder's stock phrase) and no sign of a person
    answering. Anything less is a reply: holding a thread for a machine is harmless,
    following up someone who answered is not.
    """
    text = _plain(f"{subject or ''}\n{body or ''}")
    if _HUMAN.search(_plain(body or "")):
        return False
    # Exports often fold the subject into the body: its first line counts as a subject too.
    first_line = _plain(body or "").lstrip().split("\n", 1)[0]
    if _MACHINE.search(text) or any(
        _MACHINE_SUBJECT.search(line) for line in (_plain(subject or ""), first_line)
    ):
        return True
    stock = _STOCK_PHRASE.search(text)
    return bool(stock and (_OUT_OF_OFFICE.search(text) or _AWAY.search(text)))


def _future(candidates: list[date], after: date) -> date | None:
    later = sorted(d for d in candidates if d >= after)
    return later[0] if later else None


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def return_date(text: str | None, sent: datetime) -> date | None:
    """The return date an out-of-office reply names, read relative to when it was sent.

    A date without a year is its next occurrence; 01/12 is read as whichever of 1 December
    or 12 January comes first after the reply was sent. None when no date is named.
    """
    if not text:
        return None
    text = _plain(text)
    today = sent.date()
    for form in _DATE_FORMS:
        match = form.search(text)
        if not match:
            continue
        found = match.groupdict()
        if found.get("iso"):
            y, m, d = (int(p) for p in found["iso"].split("-"))
            result = _valid(y, m, d)
        elif found.get("weekday"):
            target = _WEEKDAYS[found["weekday"].casefold()]
            ahead = (target - today.weekday()) % 7 or 7
            result = today + timedelta(days=ahead)
        elif found.get("a"):
            a, b = int(found["a"]), int(found["b"])
            year = found.get("y")
            years = (
                [int(year) + (2000 if len(year) == 2 else 0)]
                if year
                else [today.year, today.year + 1]
            )
            options = [
                opt
                for y in years
                for opt in (_valid(y, b, a), _valid(y, a, b))  # day/month first, then month/day
                if opt is not None
            ]
            result = _future(options, today) if not year else (options[0] if options else None)
        else:
            month = _MONTHS[found["month"].casefold().rstrip(".")]
            day = int(found["day"])
            if found.get("year"):
                result = _valid(int(found["year"]), month, day)
            else:
                options = [o for y in (today.year, today.year + 1) if (o := _valid(y, month, day))]
                result = _future(options, today)
        if result is not None:
            return result
    return None
