"""The address rule: a thread whose channel has no usable address is blocked (`no_address`).

An InMail goes to a LinkedIn profile, an email to an address mail can reach. Without one,
a follow-up could be approved and "sent" to nobody; so the one pipeline blocks the thread
at schedule, review and send, like every other blocking rule.
"""

from __future__ import annotations

from drafts.rules.context import ThreadContext
from drafts.rules.flags import BLOCK, Flag, field_evidence, quote
from store.enums import Channel
from store.text import AddressError, check_address, normalise_email, normalise_linkedin

# A suppression with this source is an address that bounced hard: mail cannot reach it.
BOUNCE_SOURCE = "bounce"


def candidate_emails(ctx: ThreadContext) -> list[str]:
    """Every address the store holds for the candidate, as stored, main address first."""
    found = [ctx.candidate.email] if ctx.candidate.email else []
    # Contract section 6: more addresses of the same person, `;`-separated.
    others = getattr(ctx.candidate, "other_emails", None) or ""
    found += [a.strip() for a in others.split(";") if a.strip()]
    return found


def bounced_emails(ctx: ThreadContext) -> set[str]:
    """The candidate's addresses known to bounce, normalised: a delivery report or the
    relay said so (bounced_address), or an entry an older release put on the list."""
    return set(ctx.bounced) | {
        normalise_email(entry.email)
        for entry in ctx.suppressions
        if entry.email and entry.source == BOUNCE_SOURCE
    }


def usable_emails(ctx: ThreadContext) -> list[str]:
    """The candidate's addresses a message can be written to and that have not bounced."""
    bounced = bounced_emails(ctx)
    usable = []
    for address in candidate_emails(ctx):
        try:
            check_address(address)
        except AddressError:
            continue
        if normalise_email(address) not in bounced:
            usable.append(address)
    return usable


def usable_linkedin(ctx: ThreadContext) -> str | None:
    """The candidate's LinkedIn profile URL, when it names a LinkedIn profile at all."""
    url = ctx.candidate.linkedin_url
    key = normalise_linkedin(url)
    return url if key.startswith("linkedin.com/") and len(key) > len("linkedin.com/") else None


def no_address(ctx: ThreadContext) -> Flag | None:
    """The thread's channel has no usable address: nowhere to send a follow-up."""
    channel = ctx.thread.channel
    if channel == Channel.INMAIL:
        if usable_linkedin(ctx):
            return None
        value = ctx.candidate.linkedin_url or None
        message = (
            f"No usable LinkedIn profile URL for an InMail (“{quote(value)}” is not one)"
            if value
            else "No LinkedIn profile URL: an InMail has nowhere to go"
        )
        return Flag("no_address", BLOCK, message, field_evidence("linkedin_url", value))
    if channel == Channel.EMAIL:
        if usable_emails(ctx):
            return None
        known = candidate_emails(ctx)
        bounced = sorted(bounced_emails(ctx) & {normalise_email(a) for a in known})
        if not known:
            message = "No email address: an email has nowhere to go"
        elif bounced:
            message = f"Every email address bounced ({', '.join(bounced)})"
        else:
            message = "No valid email address: mail cannot be written to " + quote(", ".join(known))
        return Flag(
            "no_address",
            BLOCK,
            message,
            field_evidence("email", ctx.candidate.email, addresses=known, bounced=bounced),
        )
    return None
