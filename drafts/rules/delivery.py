"""The delivery rule: a follow-up to mail that never arrived has nothing to follow.

`undelivered` blocks a thread whose initial message bounced, failed or is still pending,
and an email thread to an address that bounced for good since (a delivery report read from
a mailbox, or the relay refusing it while followups sent): the address is dead, not the
person, so other channels stay open. The evidence is the report.
"""

from __future__ import annotations

from drafts.rules.context import ThreadContext
from drafts.rules.flags import BLOCK, Flag, quote, touchpoint_evidence
from store.clock import iso
from store.text import normalise_email


def _day(moment) -> str:
    return moment.strftime("%Y-%m-%d")


def _bounce_evidence(address: str, bounce) -> dict:
    """The bounced address and the report (or relay answer) that said so."""
    return {
        "address": address,
        "bounced_at": iso(bounce.bounced_at),
        "source": bounce.source,
        "touchpoint_id": bounce.touchpoint_id,
        "quote": quote(bounce.reason),
        **bounce.evidence,
    }


def undelivered(ctx: ThreadContext) -> Flag | None:
    """The initial message bounced, failed or is still pending: there is nothing to follow.
    On an email thread, so is mail to an address that bounced for good (a delivery report
    or the relay said so): the candidate's address, with the report as evidence."""
    delivery = ctx.initial.delivery or "delivered"
    if delivery != "delivered":
        # The report that bounced it, when one did: a person can check it.
        report = next(
            (
                _bounce_evidence(address, b) | {"touchpoint_id": ctx.initial.touchpoint_id}
                for address, b in ctx.bounced.items()
                if b.touchpoint_id == ctx.initial.touchpoint_id
            ),
            {},
        )
        return Flag(
            "undelivered",
            BLOCK,
            f"The initial message was never delivered ({delivery})",
            report | touchpoint_evidence(ctx.initial) | {"delivery": delivery},
        )
    address = normalise_email(ctx.candidate.email) if ctx.thread.channel == "email" else ""
    bounce = ctx.bounced.get(address) if address else None
    if bounce is None:
        return None
    return Flag(
        "undelivered",
        BLOCK,
        f"Mail to {address} bounced on {_day(bounce.bounced_at)}: {quote(bounce.reason)}",
        _bounce_evidence(address, bounce),
    )
