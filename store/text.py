"""Untrusted text: cleaning it on the way in, and the normalisations rules compare with."""

from __future__ import annotations

import re
import unicodedata

# C0 controls except tab and newline, DEL, C1 controls, and the bidi embedding/override/
# isolate marks that can make a terminal show text in an order other than the bytes'.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")

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


def normalise_email(address: str | None) -> str:
    """Emails match case-insensitively; surrounding space is never meaningful."""
    return (address or "").strip().casefold()


def email_domain(address: str | None) -> str:
    """The part after the last @, lowercased; empty when there is none."""
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
