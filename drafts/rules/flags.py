"""A rule's finding (Flag) and the evidence it carries: which record, when, and a quote."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drafts.rules.context import TouchpointView
from store.clock import iso
from store.enums import Severity
from store.text import clean

BLOCK = Severity.BLOCK
WARN = Severity.WARN
QUOTE_CHARS = 120


@dataclass(frozen=True)
class Flag:
    """A rule's finding: a code, how serious, a sentence for a person, and the evidence."""

    code: str
    severity: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def blocks(self) -> bool:
        """Whether this flag forbids contacting the candidate."""
        return self.severity == BLOCK

    def as_dict(self) -> dict[str, Any]:
        """The contract's JSON shape."""
        return {
            "code": str(self.code),
            "severity": str(self.severity),
            "message": self.message,
            "evidence": self.evidence,
        }


def quote(text: str | None) -> str:
    """A short, single-line quote of untrusted text, for evidence."""
    # Server replies and model errors are quoted here too: no escape sequence survives.
    flat = " ".join(clean(text or "").split())
    return flat if len(flat) <= QUOTE_CHARS else flat[: QUOTE_CHARS - 1] + "…"


def touchpoint_evidence(tp: TouchpointView, text: str | None = None) -> dict[str, Any]:
    """Evidence pointing at one touchpoint: which, when, on what channel, and a quote;
    for mail read from a mailbox, also where it was read and its Message-ID."""
    evidence = {
        "touchpoint_id": tp.touchpoint_id,
        "occurred_at": iso(tp.occurred_at),
        "channel": tp.channel,
        "direction": tp.direction,
        "recruiter": tp.recruiter,
        "quote": quote(text if text is not None else (tp.body or tp.subject)),
    }
    if tp.source == "mailbox":
        evidence |= {
            "source": "mailbox",
            "mailbox": tp.mailbox,
            "folder": tp.folder,
            "message_id": tp.message_id,
            "automatic": tp.automatic,
        }
    return evidence


def field_evidence(name: str, value: Any, **extra: Any) -> dict[str, Any]:
    """Evidence pointing at a field of the candidate's (or role's, recruiter's) record."""
    return {"field": name, "value": value, **extra}
