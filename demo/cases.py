"""The story's cases: one method per kind of person the 847-message day reached."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from demo.builder import Person, PersonBuilder
from demo.team import (
    CLOSED_ROLES,
    DEMO_COMPANY,
    DEMO_DOMAIN,
    DEMO_THREAD_COUNT,
    OPEN_ROLES,
    RECRUITER_NAMES,
    ROLES,
)
from demo.texts import CATEGORY_SIZES, DECLINES, DNC_REPLY, FOLLOW_UP, INJECTION
from store.enums import THREAD_CHANNELS
from store.words import MONTHS as MONTH_NAMES
from store.words import WEEKDAYS, reply_subject


class DemoTeam(PersonBuilder):
    """Everyone in the demo export, case by case."""

    def replied_other_channel(self) -> Person:
        rng = self.rng
        role = rng.choice(ROLES)
        channel = rng.choices(["email", "phone", "meeting"], [5, 3, 2])[0]
        status = "active" if rng.random() < 0.8 else "prospect"
        p = self.person(
            "replied_other_channel", role[0].split("-")[1], with_email=channel == "email"
        )
        p.row["ats_status"] = status
        rec = self.recruiter()
        sent = self.due_at()
        tp = self.initial(p, role, rec, "inmail", sent)
        # A fifth answer about another opening, a fifth to a colleague: still a reply.
        other_role = rng.choice(ROLES) if rng.random() < 0.2 else role
        other_rec = self.recruiter(other_than=rec) if rng.random() < 0.2 else rec
        when = self.after(sent, 3, 5 * 24)
        first = p.row["first_name"] or p.row["full_name"].split()[0]
        if channel == "email":
            subject = reply_subject(tp["subject"])
            body = (
                f"Hi {RECRUITER_NAMES[other_rec].split()[0]},\n\nThanks for the InMail. I rarely "
                f"check LinkedIn, so replying here. I'm interested in the {other_role[1]} role; "
                f"my CV is attached. Tuesday or Thursday afternoon works for a call.\n\n{first}"
            )
        elif channel == "phone":
            subject = "Inbound call"
            body = (
                f"{first} called back after the InMail. 15-minute intro, interested in "
                f"{other_role[1]}. Phone screen booked."
            )
        else:
            subject = "Phone screen"
            body = f"First-round interview for {other_role[1]}. Moving to the technical round."
        answer = self.reply(
            p, tp, when, body, subject, role_id=other_role[0], recruiter=other_rec, channel=channel
        )
        if status == "active" and rng.random() < 0.4:
            later = self.after(when, 24, 6 * 24)
            body = f"Video interview with the hiring team for {other_role[1]}."
            self.reply(p, answer, later, body, "Technical interview", channel="meeting")
        return p

    def accepted_offer(self, index: int) -> Person:
        role = self.rng.choice(ROLES)
        p = self.person("accepted_offer", role[0].split("-")[1], with_email=True)
        # The InMail went out while they still worked elsewhere; the ATS moved on since.
        self.initial(p, role, self.recruiter(), "inmail", self.due_at())
        slug = p.row["email"].split("@")[0]
        if index < 5:  # started already: the ATS shows our name and our address
            p.row.update(company=DEMO_COMPANY, title=role[1], email=f"{slug}@{DEMO_DOMAIN}")
            p.row["ats_status"] = "hired"
        elif index == 5:  # hired, profile not updated yet, but the work address gives it away
            p.row.update(email=f"{slug}@{DEMO_DOMAIN}", ats_status="hired")
        else:
            p.row["ats_status"] = "hired" if index < 8 else "offer"
        p.row["notes"] = "Accepted offer" if p.row["ats_status"] == "hired" else "Offer out"
        return p

    def declined(self) -> Person:
        rng = self.rng
        role = rng.choice(ROLES)
        p = self.person("declined", role[0].split("-")[1])
        p.row["ats_status"] = rng.choices(["declined", "withdrawn", "rejected"], [55, 25, 20])[0]
        rec = self.recruiter()
        channel = self.thread_channel(p)
        sent = self.due_at()
        tp = self.initial(p, role, rec, channel, sent)
        reply = rng.choice(DECLINES).format(rec_first=RECRUITER_NAMES[rec].split()[0])
        answered = self.after(sent, 1, 4 * 24)
        if p.row["ats_status"] == "withdrawn":
            # Withdrew by writing to (or calling) the recruiter directly: the thread itself
            # never got an answer, which is all LinkedIn's automation looked at.
            channel = "email" if p.row["email"] else "phone"
            subject = "" if channel == "email" else "Phone call"
            self.reply(p, tp, answered, reply, subject, channel=channel)
        else:
            self.reply(p, tp, answered, reply)
        return p

    def do_not_contact(self, index: int) -> Person:
        rng = self.rng
        role = rng.choice(OPEN_ROLES)
        p = self.person(
            "do_not_contact", role[0].split("-")[1], with_email=index in (1, 4), with_linkedin=True
        )
        rec = self.recruiter()
        sent = self.due_at()
        if index == 0:  # the story's person: marked in the ATS and told us more than once
            p.row.update(do_not_contact="true", notes="DO NOT CONTACT")
            # A different role, so the old exchange is its own (long expired) thread.
            old_role = rng.choice([r for r in ROLES if r != role])
            old_rec = self.recruiter(other_than=rec)
            earlier = self.sent(80, 110)
            old = self.initial(p, old_role, old_rec, "inmail", earlier)
            self.reply(p, old, self.after(earlier, 2, 30), "Please stop contacting me.")
            tp = self.initial(p, role, rec, "inmail", sent)
            self.reply(p, tp, self.after(sent, 1, 20), DNC_REPLY)
        elif index == 1:  # suppressed by email, written in another case
            p.suppressions.append(
                {"email": p.row["email"].title(), "reason": "Asked to be removed by phone"}
            )
            self.initial(p, role, rec, "inmail", sent)
        elif index == 2:  # suppressed by profile URL, written the way people paste it
            url = p.row["linkedin_url"]
            loose = "http://LinkedIn.com/in/" + url.rsplit("/in/", 1)[1] + "/"
            p.suppressions.append({"linkedin_url": loose, "reason": "GDPR erasure request"})
            self.initial(p, role, rec, "inmail", sent)
        elif index == 3:  # suppressed by candidate id
            p.suppressions.append(
                {"candidate_id": "", "reason": "Requested no contact via careers@"}
            )
            self.initial(p, role, rec, "inmail", sent)
        else:  # the only answer is "unsubscribe"
            tp = self.initial(p, role, rec, "email", sent)
            self.reply(p, tp, self.after(sent, 2, 48), "unsubscribe")
        return p

    def undelivered(self, index: int) -> Person:
        rng = self.rng
        delivery = "pending" if index < 3 else rng.choice(["bounced", "failed"])
        row = {}
        if index == 3:  # the story's veterinarian
            row = {"title": "Veterinarian", "company": "Riverside Animal Clinic"}
        role = rng.choice(ROLES)
        p = self.person("undelivered", role[0].split("-")[1], **row)
        channel = "email" if p.row["email"] and rng.random() < 0.1 else "inmail"
        self.initial(p, role, self.recruiter(), channel, self.due_at(), delivery)
        return p

    def out_of_office(self, index: int) -> Person:
        """Six auto-replies; the first two and the last are still away at ``now``."""
        rng = self.rng
        today = self.now.date()

        def day(offset: int) -> date:
            return today + timedelta(days=offset)

        def long(d: date) -> str:
            return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"

        if index == 0:
            d = day(4)
            text = f"I am out of the office until {long(d)} with limited access to email."
        elif index == 1:
            d = day(2)
            text = (
                f"I'm on leave, returning on {d.isoformat()}. For urgent matters call the office."
            )
        elif index == 2:
            d = day(6)
            text = (
                f"Thanks for your message. I'm travelling and will be back on "
                f"{WEEKDAYS[d.weekday()]}, {d.day} {MONTH_NAMES[d.month - 1]}."
            )
        elif index == 3:
            d = day(-3)
            text = (
                f"Out of office until {MONTH_NAMES[d.month - 1][:3]} {d.day}. Replies will be slow."
            )
        elif index == 4:
            # DD/MM is ambiguous unless the day is past 12; prefer such a date when there is one.
            offsets = [o for o in range(-12, -1) if day(o).day > 12] or [-3]
            d = day(offsets[-1])
            text = f"Annual leave - back on {d.day:02d}/{d.month:02d}. Kind regards."
        else:
            d = None
            text = "I'm currently out of the office with limited access to email."
        # Sent days before the return date; the auto-reply lands minutes after the message.
        if d is None:  # undated: the 7-day wait after the reply is already over at now
            low, high = 9.5, 20.0
        elif d > today:
            low, high = 8.0, 20.0
        else:
            low, high = max(8.0, (today - d).days + 3.0), 24.0
        role = rng.choice(OPEN_ROLES)
        p = self.person("out_of_office", role[0].split("-")[1], with_email=True)
        rec = self.recruiter()
        sent = self.due_at(low, high)
        tp = self.initial(p, role, rec, "email", sent)
        when = sent + timedelta(minutes=rng.randint(1, 6))
        self.reply(p, tp, when, f"Automatic reply: {text}", f"Automatic reply: {tp['subject']}")
        return p

    def multiple_threads(self, index: int) -> Person:
        rng = self.rng
        first_role, second_role = rng.sample(OPEN_ROLES, 2)
        p = self.person("multiple_threads", first_role[0].split("-")[1], with_email=index >= 5)
        first_sent = self.due_at(12, 27)
        second_sent = self.due_at(7.5, 10)
        rec = self.recruiter()
        self.initial(p, first_role, rec, "inmail", first_sent)
        if index < 5:  # two roles, two recruiters who did not know of each other
            self.initial(p, second_role, self.recruiter(other_than=rec), "inmail", second_sent)
        else:  # the same role, once by InMail and once by email
            self.initial(p, first_role, rec, "email", second_sent)
        return p

    def recent_contact(self) -> Person:
        first_role, second_role = self.rng.sample(OPEN_ROLES, 2)
        p = self.person("recent_contact", first_role[0].split("-")[1], with_email=True)
        rec = self.recruiter()
        self.initial(p, first_role, rec, "inmail", self.due_at(8, 20))
        when = self.sent(2, 3)
        self.initial(p, second_role, self.recruiter(other_than=rec), "email", when)
        return p

    def already_followed_up(self) -> Person:
        role = self.rng.choice(OPEN_ROLES)
        p = self.person("already_followed_up", role[0].split("-")[1])
        rec = self.recruiter()
        channel = self.thread_channel(p)
        sent = self.due_at(15, 27)
        tp = self.initial(p, role, rec, channel, sent)
        first = p.row["first_name"] or p.row["full_name"].split()[0]
        body = FOLLOW_UP.format(first=first, role=role[1], recruiter=RECRUITER_NAMES[rec])
        when = self.after(sent, 7 * 24, 8 * 24)
        self.reply(p, tp, when, body, reply_subject(tp["subject"]), direction="outbound")
        return p

    def head_of_talent(self) -> Person:
        """InMailed about a role at his old job; he has run our talent team since."""
        p = self.simple("head_of_talent", [ROLES[11]], self.due_at(), full_name="Daniel Osei")
        p.row.update(company="Acme Robotics, Inc.", title="Head of Talent")
        p.row.update(email=f"daniel.osei@{DEMO_DOMAIN}", location="Boston, MA")
        p.row.update(timezone="America/New_York", notes="Joined us as Head of Talent.")
        return p

    def recruiter_inactive(self) -> Person:
        role = self.rng.choice(OPEN_ROLES)
        p = self.person("recruiter_inactive", role[0].split("-")[1])
        self.initial(p, role, "tomas", self.thread_channel(p), self.due_at())
        return p

    def injection(self, index: int) -> Person:
        if index == 0:  # Textual markup in a name must stay text
            return self.simple(
                "injection", OPEN_ROLES, self.due_at(), full_name="[@click=app.quit]Robin"
            )
        return self.simple(
            "injection",
            OPEN_ROLES,
            self.due_at(),
            title="Senior ML Engineer\u200b " + INJECTION,
            notes=INJECTION + "\u200b",
        )

    def never_answered(self) -> Person:
        row = {}
        if self.fixed_names:  # the names that must appear get drafts, so reviewers see them
            full, first, location, timezone = self.fixed_names.pop(0)
            row = {"full_name": full, "first_name": first, "location": location}
            row["timezone"] = timezone
        p = self.simple("never_answered", OPEN_ROLES, self.due_at(), **row)
        # Older outreach outside any thread: a voicemail or a text about the team in general.
        if self.rng.random() < 0.03:
            channel = self.rng.choice(["phone", "sms", "other"])
            body = {
                "phone": "Left a voicemail introducing the team.",
                "sms": "Hi, it's the Acme Robotics talent team. Would you be open to a chat?",
                "other": "Invited to the Acme Robotics open house through the events page.",
            }[channel]
            when = self.sent(35, 70)
            tp = {"role_id": "", "recruiter": self.recruiter(), "channel": channel}
            tp.update(direction="outbound", occurred_at=when, delivery="", subject="", body=body)
            p.touchpoints.append(tp)
        return p

    def build(self) -> list[Person]:
        """Everyone in the export, in a shuffled order so ids say nothing about the case."""
        rng = self.rng
        makers: dict[str, Callable[[int], Person]] = {
            "replied_other_channel": lambda i: self.replied_other_channel(),
            "accepted_offer": self.accepted_offer,
            "declined": lambda i: self.declined(),
            "do_not_contact": self.do_not_contact,
            "undelivered": self.undelivered,
            "head_of_talent": lambda i: self.head_of_talent(),
            "competitor_ceo": lambda i: self.simple(
                "competitor_ceo",
                [ROLES[10]],
                self.due_at(),
                full_name="Hannah Whitlock",
                company="Globex Corporation",
                title="CEO",
            ),
            "never_contact_company": lambda i: self.simple(
                "never_contact_company", OPEN_ROLES, self.due_at(), company="Initech LLC"
            ),
            "out_of_office": self.out_of_office,
            "too_late": lambda i: self.simple("too_late", OPEN_ROLES, self.sent(29, 60)),
            "not_due": lambda i: self.simple("not_due", OPEN_ROLES, self.sent(0.5, 6.5)),
            "multiple_threads": self.multiple_threads,
            "recent_contact": lambda i: self.recent_contact(),
            "already_followed_up": lambda i: self.already_followed_up(),
            "role_closed": lambda i: self.simple("role_closed", CLOSED_ROLES, self.due_at()),
            "recruiter_inactive": lambda i: self.recruiter_inactive(),
            "injection": self.injection,
        }
        people = [makers[name](i) for name, size in CATEGORY_SIZES.items() for i in range(size)]
        missing = DEMO_THREAD_COUNT - sum(len(threads_of(p.touchpoints)) for p in people)
        people += [self.never_answered() for _ in range(missing)]
        rng.shuffle(people)
        return people


def threads_of(touchpoints: list[dict]) -> dict[tuple[str, str], dict]:
    """(role_id, channel) -> initial message, for one person's touchpoints (contract: Threads)."""
    threads: dict[tuple[str, str], dict] = {}
    for tp in sorted(touchpoints, key=lambda t: t["occurred_at"]):
        key = (tp["role_id"], tp["channel"])
        if tp["direction"] == "outbound" and tp["role_id"] and tp["channel"] in THREAD_CHANNELS:
            threads.setdefault(key, tp)
    return threads
