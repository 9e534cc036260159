"""Making up one person at a time: names, addresses, and the messages of their threads.

Every random choice goes through one `random.Random`, in a fixed order, so the same `now`
and seed always give the same people.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from demo.names import FIXED_NAMES, NATIVE_SCRIPT_NAMES, REGIONS
from demo.team import (
    ACTIVE_RECRUITERS,
    COMPANIES,
    FAMILY_PITCH,
    FAMILY_TITLES,
    PERSONAL_DOMAINS,
    RECRUITER_NAMES,
    RECRUITER_WEIGHTS,
    reserved_domain,
)
from demo.texts import EMAIL_TEMPLATES, INMAIL_TEMPLATES
from store.enums import THREAD_CHANNELS
from store.words import reply_subject


@dataclass
class Person:
    """A candidate before ids are handed out, with their touchpoints and suppressions."""

    category: str
    row: dict[str, str]
    touchpoints: list[dict] = field(default_factory=list)
    suppressions: list[dict[str, str]] = field(default_factory=list)


def _ascii(text: str) -> str:
    """Lowercase ASCII letters and digits only, for email addresses and profile slugs."""
    text = text.translate(str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss"}))
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in text.lower() if c.isalnum() or c in " -").strip()


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class PersonBuilder:
    """Builds the people of each category. Every random choice goes through ``self.rng``."""

    def __init__(self, now: datetime, rng: random.Random) -> None:
        self.now = now
        self.rng = rng
        self.used_names: dict[str, bool] = {}
        self.used_emails: dict[str, bool] = {}
        self.fixed_names = list(FIXED_NAMES)
        self.native = list(NATIVE_SCRIPT_NAMES)

    # -- time ---------------------------------------------------------------------------
    def ago(self, days: float) -> datetime:
        """A minute-aligned moment ``days`` before now (always strictly before now)."""
        return (self.now - timedelta(days=days)).replace(second=0, microsecond=0)

    def sent(self, low: float, high: float) -> datetime:
        """When the team sent something, between ``low`` and ``high`` days ago.

        Recruiters work 13:00-23:00 UTC (US office hours), so outreach lands then; the
        window edges stay exact because the cadence rules are measured against them.
        """
        while True:
            moment = self.ago(self.rng.uniform(low, high))
            moment = moment.replace(hour=self.rng.randint(13, 22))
            if self.ago(high) <= moment <= self.ago(low):
                return moment

    def due_at(self, low: float = 7.3, high: float = 27.5) -> datetime:
        """An initial message old enough for a first follow-up but not too old (7..28 days)."""
        return self.sent(low, high)

    def after(self, moment: datetime, low_hours: float, high_hours: float) -> datetime:
        """A moment after ``moment`` and at least an hour before now."""
        later = moment + timedelta(hours=self.rng.uniform(low_hours, high_hours))
        return min(later, self.ago(1 / 24)).replace(second=0, microsecond=0)

    # -- people -------------------------------------------------------------------------
    def person(
        self,
        category: str,
        family: str,
        *,
        with_email: bool | None = None,
        with_linkedin: bool | None = None,
        **row: str,
    ) -> Person:
        """A prospect with a fresh name, a title in ``family`` and an ordinary employer.

        ``row`` overrides any candidate column; ``with_email``/``with_linkedin`` force an address or
        a profile URL on (True) or off (False) instead of leaving it to chance.
        """
        rng = self.rng
        full, first, slug, location, timezone = self._name()
        if "full_name" in row:
            full = row["full_name"]
            slug = "-".join(_ascii(full.removeprefix("Dr. ")).split()) or "candidate"
            self.used_names[full] = True
        company, domain = rng.choice(COMPANIES)
        if with_email is None:
            with_email = rng.random() < 0.55
        # Real exports lack a profile URL now and then (`no_address` shows it); the demo
        # keeps that to people who never answered, so every other case still shows its own
        # flag. Their URL takes no random draw, so everyone else stays who they were.
        plain_profile = False
        if with_linkedin is None:
            with_linkedin = rng.random() < 0.93
            plain_profile = not with_linkedin and category != "never_answered"
        address = ""
        if with_email:
            host = reserved_domain(domain) if rng.random() < 0.2 else rng.choice(PERSONAL_DOMAINS)
            address = self._unique_email(slug, host)
        # About a third of ATS records carry a first name even when it is the obvious one.
        if not first and rng.random() < 0.3:
            first = full.split()[0]
        base = {
            "full_name": full,
            "first_name": first,
            "email": address,
            "linkedin_url": f"https://www.linkedin.com/in/{slug}-{rng.randrange(16**4):04x}"
            if with_linkedin
            else (f"https://www.linkedin.com/in/{slug}" if plain_profile else ""),
            "company": company if rng.random() < 0.95 else "",
            "title": rng.choice(FAMILY_TITLES[family].split("|")),
            "location": location if rng.random() < 0.95 else "",
            "timezone": timezone if rng.random() < 0.9 else "",
            "ats_status": "prospect",
            "do_not_contact": "false",
            "notes": rng.choice(["", "", "", "", "Met at ROSCon", "Referred by a team member"]),
        }
        base.update(row)
        return Person(category, base)

    def _name(self) -> tuple[str, str, str, str, str]:
        """(full name, explicit first name, ascii slug, location, timezone), never reused."""
        rng = self.rng
        if self.native and rng.random() < 0.02:
            full, slug, location, tz = self.native.pop(0)
            self.used_names[full] = True
            return full, "", slug, location, tz
        weights = [region[0] for region in REGIONS]
        while True:
            _, givens, families, places, family_first = rng.choices(REGIONS, weights)[0]
            given, surname = rng.choice(givens.split()), rng.choice(families.split())
            full = f"{surname} {given}" if family_first else f"{given} {surname}"
            if full not in self.used_names:
                break
        self.used_names[full] = True
        location, tz = rng.choice(places)
        slug = "-".join(_ascii(f"{given} {surname}").split())
        return full, given if family_first else "", slug, location, tz

    def _unique_email(self, slug: str, host: str) -> str:
        """An address in one of the usual shapes, numbered when the name is taken."""
        parts = slug.split("-")
        local = self.rng.choice(
            [".".join(parts), "".join(parts), parts[0][0] + "." + parts[-1], "_".join(parts)]
        )
        address, n = f"{local}@{host}", 1
        while address in self.used_emails:
            n += 1
            address = f"{local}{n}@{host}"
        self.used_emails[address] = True
        return address

    # -- touchpoints --------------------------------------------------------------------
    def recruiter(self, *, other_than: str | None = None) -> str:
        """An active recruiter, busier ones more often; never the paused one."""
        choices = [r for r in ACTIVE_RECRUITERS if r != other_than]
        weights = [
            w for r, w in zip(ACTIVE_RECRUITERS, RECRUITER_WEIGHTS, strict=True) if r in choices
        ]
        return self.rng.choices(choices, weights)[0]

    def initial(
        self,
        p: Person,
        role: tuple,
        recruiter: str,
        channel: str,
        at: datetime,
        delivery: str = "delivered",
    ) -> dict:
        """Append the first outbound message of a thread, worded for the role and person."""
        templates = INMAIL_TEMPLATES if channel == "inmail" else EMAIL_TEMPLATES
        subject, body = self.rng.choice(templates)
        row = p.row
        if row["title"] and row["company"]:
            background = f"as {row['title']} at {row['company']}"
        elif row["title"]:
            background = f"as {row['title']}"
        else:
            background = "in robotics"
        family = role[0].split("-")[1]
        fields = {
            "first": row["first_name"] or row["full_name"].split()[0],
            "role": role[1],
            "a_role": ("an " if role[1][0] in "AEIOU" else "a ") + role[1],
            "where": role[4],
            "background": background,
            "pitch": FAMILY_PITCH[family],
            "recruiter": RECRUITER_NAMES[recruiter],
        }
        tp = {"role_id": role[0], "recruiter": recruiter, "channel": channel}
        tp.update(direction="outbound", occurred_at=at, delivery=delivery)
        tp.update(subject=subject.format(**fields), body=body.format(**fields))
        p.touchpoints.append(tp)
        return tp

    def reply(
        self, p: Person, to: dict, at: datetime, body: str, subject: str = "", **changes: str
    ) -> dict:
        """Append a later touchpoint on ``to``'s thread: by default the candidate's answer.

        ``changes`` override role_id, recruiter, channel or direction; the subject
        defaults to "Re: " and the original subject.
        """
        tp = {key: to[key] for key in ("role_id", "recruiter", "channel")}
        tp.update(direction="inbound", occurred_at=at, delivery="")
        tp.update(subject=subject or reply_subject(to["subject"]), body=body)
        tp.update(changes)
        if tp["direction"] == "outbound" and tp["channel"] in THREAD_CHANNELS:
            tp["delivery"] = "delivered"
        p.touchpoints.append(tp)
        return tp

    def thread_channel(self, p: Person) -> str:
        """InMail mostly; people we have an email address for sometimes get email instead."""
        return "email" if p.row["email"] and self.rng.random() < 0.25 else "inmail"

    def simple(self, category: str, roles: list[tuple], at: datetime, **row: str) -> Person:
        """A person with one delivered initial message at ``at`` and nothing else."""
        role = self.rng.choice(roles)
        p = self.person(category, role[0].split("-")[1], **row)
        self.initial(p, role, self.recruiter(), self.thread_channel(p), at)
        return p
