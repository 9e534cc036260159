"""Untrusted text: cleaning it on the way in, and the normalisations rules compare with."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# C0 controls except tab and newline, DEL, C1 controls, and the bidi embedding/override/
# isolate marks that can make a terminal show text in an order other than the bytes'.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")
# Characters that print as nothing: zero-width spaces and joiners, bidi marks, the word
# joiner family, the BOM, soft hyphen, Mongolian vowel separator, Hangul fillers, variation
# selectors and Unicode tags. Inside an address or an id they make two different strings
# look the same.
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e0fff]"
)
# Unicode categories that never show as a visible character of their own.
_UNSEEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"}
# What an error message may show of a bad value: enough to find it, never a megabyte.
QUOTE_LIMIT = 80

_LEGAL_SUFFIXES = {
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "llp",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "sarl",
    "bv",
    "nv",
    "plc",
    "co",
    "corp",
    "corporation",
    "company",
    "pty",
    "srl",
    "spa",
    "ab",
    "oy",
    "as",
    "kk",
    "lp",
}


def quoted(value: object, limit: int = QUOTE_LIMIT, *, bare: bool = False) -> str:
    """A value for an error message: quoted, control and invisible characters escaped (so a
    stray escape sequence never reaches the terminal), and cut to about `limit` characters.
    `bare` leaves out the quotes, for a path or URL the message already sets apart.

    Every importer, config and store error that echoes a value goes through this one helper.
    """
    if not isinstance(value, str):
        # A number or a boolean shows as itself: `got 2`, not `got '2'`.
        shown = repr(value)
        return shown if len(shown) <= limit else shown[:limit] + "…"
    # repr() escapes what str.isprintable() refuses: C0/C1, bidi marks, zero-width spaces.
    shown = repr(value[: limit + 1])
    if bare:
        shown = shown[1:-1]
    if len(value) <= limit and len(shown) <= limit + 2:
        return shown
    cut = f"{shown[:limit]}…" + ("" if bare else shown[0])
    return f"{cut} ({len(value):,} characters)"


def hidden_characters(value: str) -> list[str]:
    """The characters of `value` a reader cannot see or tell apart, as U+XXXX (for an error):
    controls, format characters (zero-width, bidi, soft hyphen, tags), unassigned and
    private-use code points, line/paragraph separators, every space but U+0020, and the
    blank letters INVISIBLE lists (Hangul fillers)."""
    if value.isascii() and value.isprintable():
        return []  # nearly every id of an export: nothing below can match printable ASCII
    found = {
        c
        for c in value
        if c != " "
        and (unicodedata.category(c) in _UNSEEN_CATEGORIES or c.isspace() or INVISIBLE.match(c))
    }
    return [f"U+{ord(c):04X}" for c in sorted(found)]


def clean(value: str) -> str:
    """Strip control characters (keeping newline and tab) and normalise line endings."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


def normalise_company(name: str | None) -> str:
    """Compare company names ignoring case, punctuation and legal suffixes.

    "Acme Robotics, Inc." and "ACME robotics" both become "acme robotics".
    """
    if not name:
        return ""
    folded = unicodedata.normalize("NFKC", name).casefold()
    words = re.sub(r"[^\w\s]", " ", folded).split()
    while words and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def _visible_form(value: str) -> str:
    """NFKC (full-width letters become ASCII), invisible characters gone, trimmed."""
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", _CONTROL.sub("", value))).strip()


def normalise_domain(domain: str | None) -> str:
    """The one form a domain is compared in: NFKC, no invisible characters, no leading @ or
    trailing dot, case-folded, IDNA (xn--) for non-ASCII labels.

    ``ACME-Robotics.com.``, ``acme\u200b-robotics.com`` and full-width ``ａｃｍｅ-robotics.com``
    all become ``acme-robotics.com``; ``bücher.de`` becomes ``xn--bcher-kva.de``.
    """
    value = _visible_form(domain or "").lstrip("@").rstrip(".").casefold()
    if not value or value.isascii():
        return value
    import idna  # its UTS 46 tables are imported only for a non-ASCII domain

    try:
        return idna.encode(value, uts46=True).decode("ascii")
    except idna.IDNAError:
        # Not a valid international name: still compare it consistently, just unencoded.
        return value


def normalise_email(address: str | None) -> str:
    """The one form an address is compared in, wherever one is: the employee rule,
    suppressions, replies and bounces. Case-insensitive (as the contract says), the domain
    as `normalise_domain` gives it."""
    value = _visible_form(address or "")
    local, at, domain = value.rpartition("@")
    if not at:
        return value.casefold()
    return f"{local.casefold()}@{normalise_domain(domain)}"


def email_domain(address: str | None) -> str:
    """The normalised domain of an address (after the last @); empty when there is none."""
    email = normalise_email(address)
    return email.rpartition("@")[2] if "@" in email else ""


def normalise_linkedin(url: str | None) -> str:
    """LinkedIn URLs match after dropping scheme, ``www.``, case, query and a trailing slash."""
    if not url:
        return ""
    value = url.strip().casefold()
    value = re.sub(r"^[a-z]+://", "", value)
    value = re.sub(r"^(www\.|[a-z]{2}\.)(?=linkedin\.com)", "", value)
    value = value.split("?", 1)[0].split("#", 1)[0]
    return value.rstrip("/")


def first_name_of(full_name: str) -> str:
    """A greeting name derived from a full name when the ATS gave none.

    "Dr. Ada Lovelace" gives "Ada"; "Núñez, José" gives "José".
    """
    name = full_name.strip()
    if "," in name:
        name = name.split(",", 1)[1].strip() or name
    words = name.split()
    titles = {"dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "prof", "prof.", "mx", "mx."}
    while len(words) > 1 and words[0].casefold() in titles:
        words.pop(0)
    return words[0] if words else ""


class AddressError(ValueError):
    """An address no message can carry; `reason` says why without repeating it."""

    def __init__(self, value: str, reason: str):
        self.reason = reason
        super().__init__(f"{quoted(value)} is not an email address mail can be sent to: {reason}")


@dataclass(frozen=True)
class CheckedAddress:
    """An address a mail library can write: as stored and shown, and as it goes on the wire."""

    written: str  # NFKC, invisible characters and a trailing dot gone; the domain in Unicode
    ascii: str | None  # the domain as IDNA; None when the local part needs SMTPUTF8


def check_address(value: str, *, international_local: bool = False) -> CheckedAddress:
    """Check that `value` is one address that a message can carry, or raise AddressError.

    The shared test for "can we ever write to this": the importer asks it, and so does the
    sender before a message is built. `a..b@x.com`, `a,b@x.com`, `a;b@x.com`, quoted local
    parts and domain literals are refused; so is a non-ASCII local part (`é@x.com`) unless
    `international_local`, since our SMTP path does not speak SMTPUTF8.
    """
    canonical = _visible_form(value)
    local, at, domain = canonical.rpartition("@")
    if at:
        canonical = f"{local}@{domain.rstrip('.')}"
    # Imported here: every command prints through store.text, few check an address.
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email(
            canonical,
            allow_smtputf8=international_local,
            allow_quoted_local=False,
            allow_domain_literal=False,
            check_deliverability=False,
            # Allows the reserved `.test` domain (local setups); .invalid/.local stay refused.
            test_environment=True,
        )
    except EmailNotValidError as exc:
        # The library quotes the characters it refuses: keep them unable to reach a terminal.
        reason = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in str(exc))
        reason = reason.rstrip(".")[:160]
        raise AddressError(value, reason[:1].lower() + reason[1:]) from None
    return CheckedAddress(result.normalized, result.ascii_email)
