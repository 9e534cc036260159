"""The thread rules: who may be followed up, and why not (contract section 4).

Every rule is a plain function of a ThreadContext that returns a Flag (or None). The
scheduler asks them before writing a draft, the review app before approving one and the
sender before delivering one: the same functions, on the data as it is at that moment.

A rule whose answer moves with time alone (it reads `ctx.now`) must give that moment to
drafts.writing.incremental (`_timed`), or a run that decides only what changed misses it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from functools import lru_cache

from drafts.rules.addresses import no_address
from drafts.rules.context import ThreadContext, TouchpointView
from drafts.rules.delivery import undelivered
from drafts.rules.detect import find_opt_out, is_auto_reply, return_date
from drafts.rules.flags import BLOCK, WARN, Flag, field_evidence, quote, touchpoint_evidence
from store.clock import iso
from store.text import email_domain, normalise_company, normalise_domain, normalise_email

# An out-of-office reply that names no return date holds the thread this long after it.
OUT_OF_OFFICE_DEFAULT_HOLD = timedelta(days=7)


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")


def _inbound_after_initial(ctx: ThreadContext) -> list[TouchpointView]:
    return [t for t in ctx.after_initial if t.direction == "inbound"]


def automatic(tp: TouchpointView) -> bool:
    """An automatic reply: by its headers (mail read from a mailbox) or by its wording."""
    return tp.automatic or is_auto_reply(tp.subject, tp.body)


def _real_replies(ctx: ThreadContext) -> list[TouchpointView]:
    return [t for t in _inbound_after_initial(ctx) if not automatic(t)]


# The scheduler asks about every thread of the store: company names repeat across
# candidates and the config's lists never change within a run, so both are normalised once.
_company = lru_cache(maxsize=65_536)(normalise_company)


@lru_cache(maxsize=64)
def _names(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(normalise_company(n) for n in names) - {""}


def company_in(company: str | None, names: Iterable[str]) -> bool:
    """Whether a company is one of `names`, ignoring case, punctuation and legal suffixes."""
    return bool(company) and _company(company) in _names(tuple(names))


def _our_names(ctx: ThreadContext) -> tuple[str, ...]:
    company = ctx.settings.company
    return (company.name, *company.aliases)


# --- blocking rules ---------------------------------------------------------------------


def replied(ctx: ThreadContext) -> Flag | None:
    """The candidate wrote to us after the initial message: any channel, role or recruiter."""
    replies = _real_replies(ctx)
    if not replies:
        return None
    first = replies[0]
    return Flag(
        "replied",
        BLOCK,
        f"Replied by {first.channel} on {_day(first.occurred_at)}, after the initial message "
        f"of {_day(ctx.initial.occurred_at)}",
        touchpoint_evidence(first),
    )


def _added(entry) -> dict[str, str]:
    found = {}
    if getattr(entry, "created_by", None):
        found["added_by"] = entry.created_by
    if getattr(entry, "created_at", None):
        found["added_at"] = entry.created_at.isoformat()
    return found


def do_not_contact(ctx: ThreadContext) -> Flag | None:
    """Marked do-not-contact, on the suppression list, or asked us to stop in any message."""
    if ctx.candidate.do_not_contact:
        return Flag(
            "do_not_contact",
            BLOCK,
            "Marked do-not-contact in the ATS",
            field_evidence("do_not_contact", True, notes=quote(ctx.candidate.notes) or None),
        )
    if ctx.suppressions:
        entry = ctx.suppressions[0]
        matched = next(
            (k for k in ("candidate_id", "email", "linkedin_url") if getattr(entry, k)), "entry"
        )
        return Flag(
            "do_not_contact",
            BLOCK,
            f"On the suppression list (matched by {matched.replace('_', ' ')})",
            field_evidence(
                "suppression",
                getattr(entry, matched),
                reason=entry.reason,
                source=entry.source,
                # Who put them on the list, and when (unknown for imported entries).
                **_added(entry),
            ),
        )
    for tp in ctx.touchpoints:
        if tp.direction != "inbound":
            continue
        words = find_opt_out(tp.subject) or find_opt_out(tp.body)
        if words:
            return Flag(
                "do_not_contact",
                BLOCK,
                f"Asked us to stop ({tp.channel}, {_day(tp.occurred_at)}): “{quote(words)}”",
                touchpoint_evidence(tp),
            )
    return None


def employee(ctx: ThreadContext) -> Flag | None:
    """Already works here: hired, our company as current employer, or our email domain."""
    candidate = ctx.candidate
    if candidate.ats_status == "hired":
        return Flag("employee", BLOCK, "Hired (ATS status)", field_evidence("ats_status", "hired"))
    if company_in(candidate.company, _our_names(ctx)):
        return Flag(
            "employee",
            BLOCK,
            f"Current company is ours: {candidate.company}",
            field_evidence("company", candidate.company),
        )
    ours = {normalise_domain(d) for d in ctx.settings.company.domains} - {""}
    # Every address of the person counts (contract section 6), email first.
    for address in candidate.addresses if ours else ():
        domain = email_domain(address)
        # A subdomain (eu.acme-robotics.com) is ours too; a look-alike is not.
        if domain and any(domain == d or domain.endswith("." + d) for d in ours):
            which = "email" if address == normalise_email(candidate.email) else "other_emails"
            return Flag(
                "employee",
                BLOCK,
                f"Email address is on our domain ({domain})",
                field_evidence(which, candidate.email if which == "email" else address),
            )
    return None


def in_process(ctx: ThreadContext) -> Flag | None:
    """Already interviewing or holding an offer."""
    status = ctx.candidate.ats_status
    if status in ("active", "offer"):
        what = "Interviewing" if status == "active" else "Holding an offer"
        return Flag(
            "in_process",
            BLOCK,
            f"{what} (ATS status {status})",
            field_evidence("ats_status", status),
        )
    return None


def declined(ctx: ThreadContext) -> Flag | None:
    """Declined, withdrew or was rejected."""
    status = ctx.candidate.ats_status
    if status in ("declined", "withdrawn", "rejected"):
        return Flag(
            "declined", BLOCK, f"ATS status is {status}", field_evidence("ats_status", status)
        )
    return None


def too_late(ctx: ThreadContext) -> Flag | None:
    """The initial message is older than max_age_days."""
    age = ctx.now - ctx.initial.occurred_at
    limit = timedelta(days=ctx.settings.cadence.max_age_days)
    if age <= limit:
        return None
    return Flag(
        "too_late",
        BLOCK,
        f"The initial message is {age.days} days old; follow-ups stop after "
        f"{ctx.settings.cadence.max_age_days} days",
        touchpoint_evidence(ctx.initial) | {"age_days": age.days},
    )


def thread_followups(ctx: ThreadContext) -> list[TouchpointView]:
    """Outbound messages on this thread after its initial message."""
    thread = ctx.thread
    return [
        t
        for t in ctx.after_initial
        if t.direction == "outbound" and t.channel == thread.channel and t.role_id == thread.role_id
    ]


def followups_exhausted(ctx: ThreadContext) -> Flag | None:
    """The thread already had max_followups follow-ups."""
    sent = thread_followups(ctx)
    limit = ctx.settings.cadence.max_followups
    if len(sent) < limit:
        return None
    last = sent[-1] if sent else ctx.initial
    return Flag(
        "followups_exhausted",
        BLOCK,
        f"Already followed up {len(sent)} time(s); the limit is {limit}",
        touchpoint_evidence(last) | {"followups": len(sent)},
    )


def never_contact_company(ctx: ThreadContext) -> Flag | None:
    """Works at a company we never contact people at."""
    company = ctx.candidate.company
    if company_in(company, ctx.settings.company.never_contact_companies):
        return Flag(
            "never_contact_company",
            BLOCK,
            f"Works at {company}, a company we never contact people at",
            field_evidence("company", company),
        )
    return None


def recruiter_inactive(ctx: ThreadContext) -> Flag | None:
    """The thread's recruiter is paused or flagged."""
    recruiter = ctx.recruiter
    if recruiter is None or recruiter.status == "active":
        return None
    return Flag(
        "recruiter_inactive",
        BLOCK,
        f"Recruiter {recruiter.recruiter} is {recruiter.status}",
        field_evidence("recruiter.status", recruiter.status, recruiter=recruiter.recruiter),
    )


# --- warnings ---------------------------------------------------------------------------


def role_closed(ctx: ThreadContext) -> Flag | None:
    """The role is filled, closed or on hold."""
    role = ctx.role
    if role is None or role.status == "open":
        return None
    return Flag(
        "role_closed",
        WARN,
        f"The role “{role.title}” is {role.status.replace('_', ' ')}",
        field_evidence("role.status", role.status, role_id=role.role_id),
    )


def competitor(ctx: ThreadContext) -> Flag | None:
    """Works at a competitor: a draft is allowed, a reviewer should know."""
    company = ctx.candidate.company
    if company_in(company, ctx.settings.company.competitors):
        title = f" ({ctx.candidate.title})" if ctx.candidate.title else ""
        return Flag(
            "competitor",
            WARN,
            f"Works at a competitor: {company}{title}",
            field_evidence("company", company, title=ctx.candidate.title),
        )
    return None


def recent_contact(ctx: ThreadContext) -> Flag | None:
    """Anyone at our company sent this candidate something recently (other than the initial)."""
    window = timedelta(days=ctx.settings.cadence.min_days_between_messages)
    recent = [
        t
        for t in ctx.touchpoints
        if t.direction == "outbound"
        and t.touchpoint_id != ctx.initial.touchpoint_id
        and (t.delivery or "delivered") == "delivered"
        and ctx.now - window <= t.occurred_at <= ctx.now
    ]
    if not recent:
        return None
    last = recent[-1]
    who = last.recruiter or "someone"
    return Flag(
        "recent_contact",
        WARN,
        f"{who} sent a {last.channel} on {_day(last.occurred_at)}, within "
        f"{ctx.settings.cadence.min_days_between_messages} days",
        touchpoint_evidence(last),
    )


def other_threads(ctx: ThreadContext) -> Flag | None:
    """The candidate has other due threads; only this one gets a draft."""
    if not ctx.other_due_threads:
        return None
    return Flag(
        "other_threads",
        WARN,
        f"{len(ctx.other_due_threads)} other thread(s) with this candidate are due; "
        "only this one was drafted",
        {"threads": list(ctx.other_due_threads)},
    )


def out_of_office_reply(ctx: ThreadContext) -> TouchpointView | None:
    """The automatic reply, when it is the only inbound after the initial message."""
    inbound = _inbound_after_initial(ctx)
    if inbound and all(automatic(t) for t in inbound):
        return inbound[-1]
    return None


def out_of_office_until(ctx: ThreadContext) -> datetime | None:
    """Until when an out-of-office reply holds the thread (None: no such reply)."""
    reply = out_of_office_reply(ctx)
    if reply is None:
        return None
    if reply.returns_at is not None:
        return reply.returns_at
    back = return_date(f"{reply.subject or ''}\n{reply.body or ''}", reply.occurred_at)
    if back is None:
        return reply.occurred_at + OUT_OF_OFFICE_DEFAULT_HOLD
    return datetime(back.year, back.month, back.day)


def out_of_office(ctx: ThreadContext) -> Flag | None:
    """The only answer was an automatic out-of-office reply (the hold is over by now)."""
    reply = out_of_office_reply(ctx)
    if reply is None:
        return None
    until = out_of_office_until(ctx)
    return Flag(
        "out_of_office",
        WARN,
        f"Only an automatic out-of-office reply ({_day(reply.occurred_at)}); "
        f"held until {_day(until)}"
        if until
        else "Only an automatic out-of-office reply",
        touchpoint_evidence(reply) | {"hold_until": iso(until)},
    )


Rule = Callable[[ThreadContext], Flag | None]

BLOCKING_RULES: tuple[Rule, ...] = (
    replied,
    do_not_contact,
    employee,
    in_process,
    declined,
    undelivered,
    too_late,
    followups_exhausted,
    never_contact_company,
    recruiter_inactive,
    no_address,
)
WARNING_RULES: tuple[Rule, ...] = (
    role_closed,
    competitor,
    recent_contact,
    other_threads,
    out_of_office,
)


def blocking_flags(ctx: ThreadContext) -> list[Flag]:
    """Every blocking finding for this thread now. Empty means it may be contacted."""
    return [flag for rule in BLOCKING_RULES if (flag := rule(ctx)) is not None]


def warning_flags(ctx: ThreadContext) -> list[Flag]:
    """Every warning a reviewer should see with the draft."""
    return [flag for rule in WARNING_RULES if (flag := rule(ctx)) is not None]


def evaluate(ctx: ThreadContext) -> list[Flag]:
    """All findings, blocking first."""
    return blocking_flags(ctx) + warning_flags(ctx)


def due_at(ctx: ThreadContext) -> datetime:
    """When the thread becomes due: first_followup_after_days after the initial message."""
    return ctx.initial.occurred_at + timedelta(days=ctx.settings.cadence.first_followup_after_days)
