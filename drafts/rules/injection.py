"""``injection_suspect``: instruction-like text in a candidate's own fields.

The data block keeps candidate text from being an instruction to the model; this check
tells the reviewer someone tried. It reads each field the way a model would, not the way
a regular expression does: NFKC (full-width letters), invisible characters removed,
Cyrillic and Greek look-alikes folded to the Latin letters they imitate, and letter-spaced
words ("i g n o r e") joined. Then it looks for instructions in English, German, French
and Spanish, role markers ("system:", "<|im_start|>"), "you are now", requests to reveal
the prompt, and text that addresses the writer of the reply rather than describing the
person ("when you write to her, promise…"). Ordinary notes and titles ("Prompt Engineer",
"Systems Architect", "ignored our first email") must not trip it: tests/drafts/
test_injection_corpus.py holds positives and negatives.
"""

from __future__ import annotations

import re
import unicodedata

from drafts.rules.flags import WARN, Flag, quote

# Zero-width, joiners, word joiner, BOM, Mongolian vowel separator, bidi marks, embeddings,
# overrides and isolates, and the Unicode tag block (invisible "ASCII smuggling").
INVISIBLE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u180e\u061c\U000e0000-\U000e007f]"
)
# Cyrillic and Greek letters that look like Latin ones, case by case (upper-case Greek Nu
# looks like N, lower-case nu like v), applied before case folding.
_LOOK_ALIKES = (
    ("АВЕКМНОРСТХУІЈЅ", "ABEKMHOPCTXYIJS"),
    ("аеорсухіјѕԁһԛԝѵӏьгпктмн", "aeopcyxijsdhqwvlbrnktmh"),
    ("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX"),
    ("αειβκνορτυχγη", "aeibkvoptuxyn"),
)
CONFUSABLES = str.maketrans(
    {k: v for source, latin in _LOOK_ALIKES for k, v in zip(source, latin, strict=True)}
)
# Single letters separated by one or two spaces, dots, dashes, underscores or stars.
LETTER_SPACED = re.compile(r"(?<!\w)(?:\w[\s.\-_*·]{1,2}){3,}\w(?!\w)")

_ANY = r"(?:all|any|every|the|your|my|these|those|of\s+the)"
_EARLIER = r"(?:previous|prior|above|earlier|preceding|former|original|old|system)"
_ORDERS = r"(?:instructions?|prompts?|rules?|directions?|directives?|guidelines?|context|orders?)"
PATTERNS = [
    # English
    rf"\b(?:ignore|disregard|forget|override|bypass|skip)\b\W+(?:{_ANY}\W+)*(?:{_EARLIER}\W+)*"
    rf"{_ORDERS}",
    r"\b(?:ignore|disregard|forget)\b\s+(?:everything|all)\s+(?:above|before|else|you)",
    r"\b(?:new|updated|real|actual|secret|hidden)\s+(?:instructions?|orders|task)\b",
    r"\byou\s+are\s+(?:now|no\s+longer)\b|\bfrom\s+now\s+on\b",
    r"\bact\s+as\s+(?:if|though)\b|\bpretend\s+(?:to\s+be|you|that)\b|\brole[\s-]?play\b",
    r"\b(?:reveal|print|repeat|show|output|leak|display|tell\s+me)\b.{0,30}?"
    r"\b(?:system\s+)?(?:prompt|instructions)\b",
    r"\bsystem\s+prompt\b|\bjailbreak|\bdeveloper\s+mode\b|\bdo\s+anything\s+now\b",
    # addressed to whoever writes the reply, not about the person
    r"\b(?:when|if)\s+you\s+(?:write|reply|respond|draft|answer)\b",
    r"\b(?:in|to)\s+your\s+(?:reply|response|message|email|draft|answer|output)\b",
    r"\b(?:the|your|this)\s+(?:reply|response|message|email|draft)\s+(?:must|should|shall|has\s+to)\b",
    r"\b(?:dear|hey|attention|note\s+to\s+the|to\s+the)\s+(?:ai|assistant|model|llm|chatgpt|gpt|bot)\b",
    r"\b(?:ai|llm|language\s+model|assistant|chatbot)s?\s+(?:reading|processing|writing)\b",
    r"\bif\s+you\s+are\s+an?\s+(?:ai|llm|language\s+model|assistant|bot)\b",
    # German
    r"\b(?:ignorier|vergiss|vergessen|missachte|übergeh)\w*\b.{0,40}?\b(?:anweisung|befehl|regel|"
    r"vorgabe|prompt|instruktion)\w*",
    r"\bneue\s+(?:anweisung|instruktion|aufgabe)\w*|\bdu\s+bist\s+(?:jetzt|nun|ab\s+sofort)\b",
    r"\b(?:gib|zeig|verrat|wiederhol)\w*\b.{0,30}?\b(?:system)?prompt\w*|\btu\s+so,?\s+als\b",
    # French
    r"\b(?:ignore|oublie|néglige)\w*\b.{0,40}?\b(?:instructions?|consignes?|règles?|prompt)\b",
    r"\bnouvelles?\s+(?:instructions?|consignes?)\b|\b(?:tu\s+es|vous\s+êtes)\s+maintenant\b",
    r"\b(?:révèle|affiche|montre|répète)\w*\b.{0,30}?\b(?:prompt|instructions?|consignes?)\b",
    r"\bfai(?:s|tes)\s+comme\s+si\b",
    # Spanish
    r"\b(?:ignora|olvida|omite|descarta)\w*\b.{0,40}?\b(?:instrucciones|reglas|[oó]rdenes|prompt)\b",
    r"\bnuevas\s+instrucciones\b|\b(?:ahora\s+eres|eres\s+ahora|ahora\s+act[uú]a)\b",
    r"\b(?:revela|muestra|imprime|repite)\w*\b.{0,30}?\b(?:prompt|instrucciones)\b",
    r"\bfinge\s+(?:ser|que)\b",
    # role markers and chat-format tokens
    r"^\s*[\[<(#*]*\s*(?:system|assistant|developer|user|sistema|système|instruction)s?\s*[\]>)]*\s*:",
    r"<\|?\s*(?:im_start|im_end|system|endoftext)\s*\|?>|\[/?inst\]|<<\s*/?sys\s*>>"
    r"|###\s*(?:instruction|system)|</?\s*(?:system|candidate_data)\b",
    # template syntax: the data block is JSON, but a Jinja-minded writer may not be
    r"\{\{|\{%",
]
INSTRUCTION_LIKE = re.compile("|".join(f"(?:{p})" for p in PATTERNS), re.I | re.M)
# Letter-spaced text often spaces the words' gaps like the letters' ("i g n o r e a l l"):
# joined, its words run together, so it is searched for whole phrases without spaces.
SQUEEZED = re.compile(
    r"(?:ignore|disregard|forget|override)(?:all|any|the|your|my)*"
    r"(?:previous|prior|above|earlier)*(?:instructions?|prompts?|rules)"
    r"|systemprompt|youarenow|newinstructions|(?:reveal|print|show|repeat)\w{0,12}prompt"
    r"|ignorier\w{0,20}anweisung|neueanweisung|dubist(?:jetzt|nun)"
    r"|nouvellesinstructions|ignore[zr]?\w{0,12}instructions|tuesmaintenant"
    r"|nuevasinstrucciones|ignora\w{0,12}instrucciones|ahoraeres"
)
CANDIDATE_FIELDS = ("full_name", "first_name", "company", "title", "location", "notes")


def visible(text: str) -> str:
    """Invisible characters made visible, for evidence: "Ana<U+200B>"."""
    return INVISIBLE.sub(lambda m: f"<U+{ord(m.group(0)):04X}>", text)


def _joined(match: re.Match) -> str:
    return re.sub(r"[\s.\-_*·]", "", match.group(0))


def readings(text: str) -> list[str]:
    """The field as a model would read it: folded, and with letter-spaced words joined."""
    folded = INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    folded = folded.translate(CONFUSABLES).casefold()
    despaced = LETTER_SPACED.sub(_joined, folded)
    return [folded] if despaced == folded else [folded, despaced]


def instruction_like(text: str) -> str | None:
    """What looked like an instruction in `text` (as it reads folded), or None."""
    for reading in readings(text):
        match = INSTRUCTION_LIKE.search(reading)
        if match:
            return match.group(0).strip()
    folded = readings(text)[0]
    if LETTER_SPACED.search(folded):
        match = SQUEEZED.search(re.sub(r"[\W_]", "", folded))
        if match:
            return match.group(0)
    return None


def injection_flag(ctx, sent_fields: set[str]) -> Flag | None:
    """Instruction-like text or invisible characters in the candidate's own fields."""
    findings = []
    for name in CANDIDATE_FIELDS:
        value = getattr(ctx.candidate, name) or ""
        hidden = sorted({f"U+{ord(c):04X}" for c in INVISIBLE.findall(value)})
        if hidden:
            findings.append({"field": name, "characters": hidden, "quote": quote(visible(value))})
        found = instruction_like(value)
        if found:
            findings.append({"field": name, "found": quote(found), "quote": quote(visible(value))})
    if not findings:
        return None
    first = findings[0]
    what = "invisible characters" if "characters" in first else "instruction-like text"
    return Flag(
        "injection_suspect",
        WARN,
        f"The candidate's {first['field'].replace('_', ' ')} holds {what}; "
        "read the draft with that in mind",
        {
            "field": first["field"],
            "quote": first["quote"],
            "sent_to_model": first["field"] in sent_fields,
            "findings": findings[:6],
        },
    )
