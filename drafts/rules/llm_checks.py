"""Checks on what a model wrote, and on the candidate fields it was shown.

A model can make a draft worse, never make one go out: every finding here is a warning
flag with a quote, for the reviewer. The codes (contract section 4 where it names them):

- ``wrong_name``: the greeting lacks the candidate's first name, or names someone else.
- ``foreign_company`` / ``foreign_role``: a company or role named that is neither ours
  nor the thread's (the candidate's employer, the role, its title).
- ``unverified_contact``: a URL, email address or phone number not in the prompt.
- ``ai_artifact``: "as an AI", "Here is your draft", refusals: text about the writing.
- ``salary_or_offer``: pay figures, compensation or an offer promised.
- ``length_out_of_bounds``: shorter or longer than the LLM template allows.
- ``repeats_initial``: the follow-up mostly repeats the initial message.
- ``invisible_characters``: zero-width or bidi characters in the text.
- ``injection_suspect``: the candidate's own fields hold instruction-like text or
  invisible characters (checked on the record, whatever the model made of it).

``placeholder`` is drafts.rules.text_checks.text_flags, which the scheduler runs on every draft;
`check_output` adds it for callers outside the scheduler.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

from drafts.rules.context import ThreadContext
from drafts.rules.flags import WARN, Flag, quote
from drafts.rules.injection import INVISIBLE, visible
from drafts.rules.text_checks import text_flags
from store.text import normalise_company
from store.words import MONTHS, WEEKDAYS

GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|dear|greetings|good\s+(?:morning|afternoon|evening)|hallo|hola|"
    r"bonjour|hej|ciao)\b[\s,]*(?P<names>(?:[^,!:;.\n—–-]|(?<=\w)-(?=\w))*)",
    re.I,
)
NOT_NAMES = {"there", "again", "all", "team", "friend", "folks", "everyone"}
TITLES = {"dr", "mr", "mrs", "ms", "mx", "prof", "sir", "madam"}

URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\"']+", re.I)
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
PHONE = re.compile(r"(?<![\w/])\+?\d[\d\s().-]{5,}\d(?![\w/])")
NAME_WORDS = r"[A-Z][\w&'.+-]*(?:\s+(?:[A-Z][\w&'.+-]*|&|of|de|and))*"
COMPANY_MENTION = re.compile(rf"\b(?:at|join|joining|joined|from|with)\s+(?P<name>{NAME_WORDS})")
ROLE_MENTION = re.compile(
    rf"\b(?:the|our|a|an)\s+(?P<name>{NAME_WORDS})\s+(?:role|position|opening|job|vacancy)\b"
)
AI_ARTIFACT = re.compile(
    r"\bas an? (?:ai|a\.i\.|artificial intelligence|(?:large )?language model)\b"
    r"|\bI(?:'m| am) (?:an? )?(?:ai|language model|assistant|chatbot)\b"
    r"|\b(?:openai|chatgpt|gpt-\d)\b"
    r"|\bI (?:cannot|can't|can not|won't) (?:help|assist|comply|write)\b"
    r"|^\s*(?:sure|certainly|of course)[!,.]"
    r"|\bhere(?:'s| is) (?:a|an|the|your) (?:draft|follow-?up|message|email|inmail|revised)\b"
    r"|^\s*subject\s*:",
    re.I | re.M,
)
SALARY_OR_OFFER = re.compile(
    r"[$€£¥]\s?\d[\d,.]*\s?[kKmM]?\b|\b\d{2,3}(?:[.,]\d{3})+\s?(?:usd|eur|gbp|chf)\b"
    r"|\b\d{2,3}\s?k\b|\b(?:salary|compensation|pay (?:range|band)|signing bonus|equity|"
    r"stock options)\b|\bguarantee[ds]?\b"
    r"|\b(?:offer you|make you an offer|you(?:'ll| will) (?:get|receive) (?:an|the) offer"
    r"|job is yours|position is yours|role is yours)\b",
    re.I,
)
# The codes `output_flags` raises: replaced whenever an LLM draft's text changes.
OUTPUT_CODES = (
    "wrong_name",
    "foreign_company",
    "foreign_role",
    "unverified_contact",
    "ai_artifact",
    "salary_or_offer",
    "length_out_of_bounds",
    "repeats_initial",
    "invisible_characters",
)
REPEAT_RATIO = 0.7
REPEAT_RUN_CHARS = 80


def _fold(text: str) -> str:
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).casefold()


def _around(text: str, start: int, end: int, pad: int = 40) -> str:
    return quote(visible(text[max(0, start - pad) : end + pad]))


def _flag(code: str, message: str, text: str, match: re.Match | None = None, **extra) -> Flag:
    evidence = {"quote": _around(text, match.start(), match.end()) if match else quote(text)}
    if match is not None:
        evidence["found"] = visible(match.group(0).strip())
    return Flag(code, WARN, message, evidence | extra)


# --- the candidate's record -------------------------------------------------------------


# --- the model's text -------------------------------------------------------------------


def wrong_name(body: str, ctx: ThreadContext) -> Flag | None:
    """The greeting lacks the first name, or names someone other than the candidate."""
    first = _fold(ctx.candidate.first_name or "")
    if not first:
        return None
    line = next((ln for ln in body.splitlines() if ln.strip()), "")
    own = set(_fold(ctx.candidate.full_name or "").replace(",", " ").split()) | {first}
    # "Dr." and friends end in a dot that does not end the greeting.
    greeting = GREETING.match(re.sub(r"\b(dr|mrs?|ms|mx|prof)\.", r"\1", line, flags=re.I))
    names = greeting.group("names") if greeting else line
    words = [w.strip(".") for w in _fold(names).split()]
    others = [w for w in words if w not in own and w not in TITLES and w not in NOT_NAMES]
    if first in _fold(names) and not (greeting and others):
        return None
    message = (
        f"The greeting names {', '.join(others)!s} instead of {ctx.candidate.first_name}"
        if greeting and others
        else f"The greeting does not use the candidate's first name ({ctx.candidate.first_name})"
    )
    return Flag(
        "wrong_name",
        WARN,
        message,
        {"quote": quote(visible(line)), "expected": visible(ctx.candidate.first_name)},
    )


# "from Monday", "in March": calendar words after a preposition are not company names.
CALENDAR = {name.casefold() for name in (*WEEKDAYS, *MONTHS)}


def _known_names(ctx: ThreadContext) -> set[str]:
    """Names a follow-up may mention: us, the candidate's employer, the people, places."""
    company = ctx.settings.company
    role = ctx.role
    recruiter = ctx.recruiter
    names = [
        company.name,
        *company.aliases,
        ctx.candidate.company or "",
        ctx.candidate.full_name,
        ctx.candidate.location or "",
        role.hiring_manager if role and role.hiring_manager else "",
        role.location if role and role.location else "",
        recruiter.name if recruiter and recruiter.name else "",
        ctx.thread.recruiter or "",
        "LinkedIn",  # where InMails live: "we spoke on LinkedIn" names no employer
    ]
    return {normalise_company(_fold(n)) for n in names} - {""}


def foreign_names(body: str, ctx: ThreadContext) -> list[Flag]:
    """Companies and roles named that are neither ours nor this thread's."""
    flags = []
    known = _known_names(ctx)
    for match in COMPANY_MENTION.finditer(body):
        name = normalise_company(_fold(match.group("name")))
        if not name or name.split()[0] in CALENDAR:
            continue
        if any(name in k or k in name for k in known):
            continue
        flags.append(_flag("foreign_company", f"Names {match.group('name')}", body, match))
        break
    rivals = ctx.settings.company.competitors + ctx.settings.company.never_contact_companies
    for rival in [] if flags else rivals:
        folded = normalise_company(rival)
        mentioned = re.search(rf"\b{re.escape(folded)}\b", normalise_company(_fold(body)))
        if folded and folded not in known and mentioned:
            flags.append(
                Flag("foreign_company", WARN, f"Names {rival}", {"quote": rival, "found": rival})
            )
            break
    titles = [_fold(t) for t in (ctx.role.title if ctx.role else "", ctx.candidate.title) if t]
    for match in ROLE_MENTION.finditer(body):
        name = _fold(match.group("name"))
        if not any(name in t or t in name for t in titles):
            flags.append(_flag("foreign_role", f"Names a role: {match.group('name')}", body, match))
            break
    return flags[:2]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def unverified_contacts(body: str, context_text: str) -> Flag | None:
    """A URL, email address or phone number that appears nowhere in the prompt."""
    folded_context = context_text.casefold()
    context_digits = {_digits(m.group(0)) for m in PHONE.finditer(context_text)}
    for kind, pattern in (("URL", URL), ("email address", EMAIL), ("phone number", PHONE)):
        for match in pattern.finditer(body):
            value = match.group(0).rstrip(".,;:!?)")
            if kind == "phone number":
                if len(_digits(value)) < 7 or _digits(value) in context_digits:
                    continue
            elif value.casefold() in folded_context:
                continue
            return _flag(
                "unverified_contact",
                f"A {kind} the model added, not in the thread's data: {value}",
                body,
                match,
                kind=kind,
            )
    return None


def length_flag(body: str, min_chars: int, max_chars: int) -> Flag | None:
    """Text shorter or longer than the template's bounds."""
    if min_chars <= len(body) <= max_chars:
        return None
    return Flag(
        "length_out_of_bounds",
        WARN,
        f"{len(body)} characters; this template wants {min_chars} to {max_chars}",
        {"chars": len(body), "min_chars": min_chars, "max_chars": max_chars, "quote": quote(body)},
    )


def repeats_initial(body: str, ctx: ThreadContext) -> Flag | None:
    """The follow-up mostly repeats the initial message (or a long stretch of it)."""
    initial = " ".join((ctx.initial.body or "").split()).casefold()
    text = " ".join(body.split()).casefold()
    if len(initial) < 40 or not text:
        return None
    matcher = SequenceMatcher(None, text, initial, autojunk=False)
    run = matcher.find_longest_match(0, len(text), 0, len(initial))
    if run.size < REPEAT_RUN_CHARS and matcher.quick_ratio() < REPEAT_RATIO:
        return None
    if run.size < REPEAT_RUN_CHARS and matcher.ratio() < REPEAT_RATIO:
        return None
    return Flag(
        "repeats_initial",
        WARN,
        "The follow-up repeats the initial message",
        {
            "touchpoint_id": ctx.initial.touchpoint_id,
            "quote": quote(text[run.a : run.a + run.size] or text),
            "similarity": round(matcher.ratio(), 2),
        },
    )


def _pattern_flag(code: str, message: str, pattern: re.Pattern, body: str) -> Flag | None:
    match = pattern.search(body)
    return _flag(code, message, body, match) if match else None


def output_flags(
    body: str, ctx: ThreadContext, *, context_text: str, min_chars: int, max_chars: int
) -> list[Flag]:
    """Every check on a model's text except `placeholder` (see the module doc)."""
    found = [
        wrong_name(body, ctx),
        *foreign_names(body, ctx),
        unverified_contacts(body, context_text),
        _pattern_flag("ai_artifact", "Text about the writing itself", AI_ARTIFACT, body),
        _pattern_flag("salary_or_offer", "Mentions pay or an offer", SALARY_OR_OFFER, body),
        length_flag(body, min_chars, max_chars),
        repeats_initial(body, ctx),
        _pattern_flag("invisible_characters", "Holds invisible characters", INVISIBLE, body),
    ]
    return [flag for flag in found if flag is not None]


def check_output(
    body: str, ctx: ThreadContext, *, context_text: str, min_chars: int, max_chars: int
) -> list[Flag]:
    """All checks on a model's text, `placeholder` included (for an edited draft)."""
    return text_flags(body) + output_flags(
        body, ctx, context_text=context_text, min_chars=min_chars, max_chars=max_chars
    )
