"""The demo export: well-formed CSVs, deterministic, and each case is what it claims to be.

The checks re-derive every category from the rows alone (not from how demo.py built them),
so a change that quietly turns a "never answered" candidate into a blocked one fails here.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from store.demo import DEMO_DOMAIN, write_demo_export

# An ordinary morning, and an awkward moment: not UTC, fractional seconds, a new year.
NOWS = [
    datetime(2025, 11, 15, 9, 30, tzinfo=UTC),
    datetime(2026, 1, 2, 23, 59, 59, 500000, tzinfo=timezone(timedelta(hours=5))),
]
FILES = ["recruiters.csv", "roles.csv", "candidates.csv", "touchpoints.csv", "suppressions.csv"]
REQUIRED = {
    "recruiters.csv": {"recruiter", "name", "email", "daily_limit", "status"},
    "roles.csv": {"role_id", "title", "status", "hiring_manager", "location"},
    "candidates.csv": {
        "candidate_id",
        "full_name",
        "first_name",
        "email",
        "linkedin_url",
        "company",
        "title",
        "location",
        "timezone",
        "ats_status",
        "do_not_contact",
        "notes",
    },
    "touchpoints.csv": {
        "touchpoint_id",
        "candidate_id",
        "role_id",
        "recruiter",
        "channel",
        "direction",
        "occurred_at",
        "delivery",
        "subject",
        "body",
    },
    "suppressions.csv": {"candidate_id", "email", "linkedin_url", "reason"},
}
DAY = timedelta(days=1)
STOP_WORDS = ("stop contacting", "remove me", "unsubscribe")


class Export:
    """The parsed files plus the per-candidate views the category checks need."""

    def __init__(self, directory: Path, now: datetime) -> None:
        self.now = now.astimezone(UTC)
        self.rows = {}
        for name in FILES:
            with (directory / name).open(encoding="utf-8", newline="") as handle:
                self.rows[name] = list(csv.DictReader(handle))
        self.candidates = {c["candidate_id"]: c for c in self.rows["candidates.csv"]}
        self.roles = {r["role_id"]: r for r in self.rows["roles.csv"]}
        self.recruiters = {r["recruiter"]: r for r in self.rows["recruiters.csv"]}
        self.touchpoints = defaultdict(list)
        for tp in self.rows["touchpoints.csv"]:
            tp["at"] = datetime.fromisoformat(tp["occurred_at"])
            self.touchpoints[tp["candidate_id"]].append(tp)
        for tps in self.touchpoints.values():
            tps.sort(key=lambda t: (t["at"], t["touchpoint_id"]))

    def threads(self, candidate_id: str) -> dict[tuple[str, str], list[dict]]:
        """(role, channel) -> its outbound messages, initial first (contract: Threads)."""
        threads = defaultdict(list)
        for tp in self.touchpoints[candidate_id]:
            thread_channel = tp["channel"] in ("inmail", "email")
            if tp["direction"] == "outbound" and tp["role_id"] and thread_channel:
                threads[(tp["role_id"], tp["channel"])].append(tp)
        return dict(threads)

    def due(self, moment: datetime) -> bool:
        """Old enough for a first follow-up (7 days), not too old (28 days)."""
        return 7 * DAY < self.now - moment < 28 * DAY

    def only_thread(self, candidate_id: str) -> list[dict]:
        (messages,) = self.threads(candidate_id).values()
        return messages

    def inbound_after(self, candidate_id: str, moment: datetime) -> list[dict]:
        return [
            tp
            for tp in self.touchpoints[candidate_id]
            if tp["direction"] == "inbound" and tp["at"] > moment
        ]

    def suppressed(self, candidate_id: str) -> bool:
        c = self.candidates[candidate_id]
        for entry in self.rows["suppressions.csv"]:
            if entry["candidate_id"] == candidate_id:
                return True
            if entry["email"] and entry["email"].casefold() == c["email"].casefold():
                return True
            if entry["linkedin_url"] and _linkedin(entry["linkedin_url"]) == _linkedin(
                c["linkedin_url"]
            ):
                return True
        return False


def _linkedin(url: str) -> str:
    value = re.sub(r"^[a-z]+://", "", url.strip().casefold())
    return value.removeprefix("www.").rstrip("/")


def _company(name: str) -> str:
    words = re.sub(r"[^\w\s]", " ", name.casefold()).split()
    while words and words[-1] in {"inc", "llc", "ltd", "corp", "corporation", "gmbh", "co"}:
        words.pop()
    return " ".join(words)


@pytest.fixture(scope="module", params=NOWS, ids=["november", "new-year-utc+5"])
def exported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """One export per ``now``, shared by the module's tests: (directory, manifest, Export)."""
    directory = tmp_path_factory.mktemp("demo")
    manifest = write_demo_export(directory, request.param)
    return directory, manifest, Export(directory, request.param)


def test_same_now_and_seed_give_identical_bytes(tmp_path: Path, exported) -> None:
    directory, _, export = exported
    write_demo_export(tmp_path, export.now)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (directory / name).read_bytes(), name


def test_another_seed_gives_another_team(tmp_path: Path, exported) -> None:
    directory, _, export = exported
    write_demo_export(tmp_path, export.now, seed=1)
    assert (tmp_path / "candidates.csv").read_bytes() != (directory / "candidates.csv").read_bytes()


def test_every_file_has_the_contract_columns(exported) -> None:
    directory, _, export = exported
    for name in FILES:
        with (directory / name).open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert REQUIRED[name] <= set(header), name
        assert export.rows[name], name


def test_ids_are_unique_and_well_formed(exported) -> None:
    _, _, export = exported
    for name, column, pattern in [
        ("recruiters.csv", "recruiter", r"[a-z]+"),
        ("roles.csv", "role_id", r"r-[a-z]+-\d{3}"),
        ("candidates.csv", "candidate_id", r"c-\d{4}"),
        ("touchpoints.csv", "touchpoint_id", r"tp-\d{6}"),
    ]:
        ids = [row[column] for row in export.rows[name]]
        assert len(ids) == len(set(ids)), name
        assert all(re.fullmatch(pattern, i) for i in ids), name


def test_values_are_the_contracts(exported) -> None:
    _, _, export = exported
    assert {r["status"] for r in export.recruiters.values()} == {"active", "paused"}
    assert {r["status"] for r in export.roles.values()} == {"open", "filled", "closed", "on_hold"}
    for c in export.candidates.values():
        assert c["full_name"].strip()
        assert c["ats_status"] in {
            "prospect",
            "active",
            "offer",
            "hired",
            "rejected",
            "declined",
            "withdrawn",
        }
        assert c["do_not_contact"] in {"true", "false"}
    for tp in export.rows["touchpoints.csv"]:
        assert tp["channel"] in {"inmail", "email", "phone", "sms", "meeting", "other"}
        assert tp["direction"] in {"outbound", "inbound"}
        if tp["direction"] == "inbound":
            assert tp["delivery"] == ""
        else:
            assert tp["delivery"] in {"", "delivered", "bounced", "failed", "pending"}
    for entry in export.rows["suppressions.csv"]:
        assert entry["candidate_id"] or entry["email"] or entry["linkedin_url"]


def test_every_reference_resolves(exported) -> None:
    _, _, export = exported
    for tp in export.rows["touchpoints.csv"]:
        assert tp["candidate_id"] in export.candidates
        assert not tp["role_id"] or tp["role_id"] in export.roles
        assert tp["recruiter"] in export.recruiters
    for entry in export.rows["suppressions.csv"]:
        assert not entry["candidate_id"] or entry["candidate_id"] in export.candidates


def test_every_touchpoint_is_before_now_with_an_offset(exported) -> None:
    _, _, export = exported
    for tp in export.rows["touchpoints.csv"]:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", tp["occurred_at"])
        assert tp["at"] < export.now


def test_text_is_realistic_and_international(exported) -> None:
    _, _, export = exported
    names = {c["full_name"] for c in export.candidates.values()}
    assert {"Zoë Müller", "José Núñez", "李娜", "Siobhán O'Connor"} <= names
    assert len(names) == len(export.candidates)
    initials = [
        m[0] for c in export.candidates for m in export.threads(c).values() if m[0]["role_id"]
    ]
    assert all(tp["subject"] and tp["body"] for tp in initials)
    assert {tp["channel"] for tp in initials} == {"inmail", "email"}
    channels = {tp["channel"] for tp in export.rows["touchpoints.csv"]}
    assert {"phone", "meeting"} <= channels
    assert any(not tp["role_id"] for tp in export.rows["touchpoints.csv"])


def test_manifest_partitions_candidates_and_counts_threads(exported) -> None:
    _, manifest, export = exported
    assert manifest.now == export.now and manifest.now.utcoffset() == timedelta(0)
    ids = [i for members in manifest.categories.values() for i in members]
    assert sorted(ids) == sorted(export.candidates)
    assert manifest.thread_count == sum(len(export.threads(c)) for c in export.candidates)
    assert manifest.thread_count == 847
    sizes = {name: len(members) for name, members in manifest.categories.items()}
    assert sizes["replied_other_channel"] == 143
    assert sizes["accepted_offer"] == 11
    assert sizes["declined"] == 67
    assert sizes["undelivered"] == 93
    assert sizes["head_of_talent"] == sizes["competitor_ceo"] == 1
    assert sizes["never_answered"] > 400


def _members(manifest, name: str) -> list[str]:
    members = manifest.categories[name]
    assert members, name
    return members


def test_replied_other_channel(exported) -> None:
    _, manifest, export = exported
    elsewhere = 0
    for cid in _members(manifest, "replied_other_channel"):
        initial = export.only_thread(cid)[0]
        assert initial["channel"] == "inmail" and export.due(initial["at"])
        replies = export.inbound_after(cid, initial["at"])
        assert replies and {r["channel"] for r in replies} <= {"email", "phone", "meeting"}
        assert export.candidates[cid]["ats_status"] in {"active", "prospect"}
        if any(
            r["role_id"] != initial["role_id"] or r["recruiter"] != initial["recruiter"]
            for r in replies
        ):
            elsewhere += 1
    statuses = {
        export.candidates[c]["ats_status"] for c in manifest.categories["replied_other_channel"]
    }
    assert statuses == {"active", "prospect"}
    assert elsewhere > 0


def test_accepted_offer(exported) -> None:
    _, manifest, export = exported
    ours = 0
    for cid in _members(manifest, "accepted_offer"):
        c = export.candidates[cid]
        assert c["ats_status"] in {"hired", "offer"}
        ours += _company(c["company"]) == "acme robotics" or c["email"].endswith(DEMO_DOMAIN)
    assert ours >= 3


def test_declined(exported) -> None:
    _, manifest, export = exported
    for cid in _members(manifest, "declined"):
        assert export.candidates[cid]["ats_status"] in {"declined", "withdrawn", "rejected"}
        initial = export.only_thread(cid)[0]
        (reply,) = export.inbound_after(cid, initial["at"])
        assert "thanks" in reply["body"].casefold() or "appreciate" in reply["body"].casefold()
        assert not any(word in reply["body"].casefold() for word in STOP_WORDS)


def test_do_not_contact(exported) -> None:
    _, manifest, export = exported
    marked = by_list = by_reply = 0
    for cid in _members(manifest, "do_not_contact"):
        c = export.candidates[cid]
        asked = any(
            word in tp["body"].casefold()
            for tp in export.touchpoints[cid]
            if tp["direction"] == "inbound"
            for word in STOP_WORDS
        )
        marked += c["do_not_contact"] == "true" and c["notes"] == "DO NOT CONTACT"
        by_list += export.suppressed(cid)
        by_reply += asked and c["do_not_contact"] == "false" and not export.suppressed(cid)
        assert c["do_not_contact"] == "true" or export.suppressed(cid) or asked
    assert (marked, by_list, by_reply) == (1, 3, 1)
    # The list writes identifiers differently from the ATS, as real lists do: the rules
    # must normalise before they compare.
    emails = {c["email"] for c in export.candidates.values() if c["email"]}
    urls = {c["linkedin_url"] for c in export.candidates.values() if c["linkedin_url"]}
    entries = export.rows["suppressions.csv"]
    assert not any(e["email"] in emails or e["linkedin_url"] in urls for e in entries)
    assert any(e["email"].casefold() in {x.casefold() for x in emails} for e in entries)
    assert any(_linkedin(e["linkedin_url"]) in {_linkedin(u) for u in urls} for e in entries)


def test_undelivered(exported) -> None:
    _, manifest, export = exported
    for cid in _members(manifest, "undelivered"):
        first = next(t for t in export.touchpoints[cid] if t["direction"] == "outbound")
        assert first["delivery"] in {"bounced", "failed", "pending"}
        assert not export.inbound_after(cid, first["at"])


def test_our_own_people_and_other_companies(exported) -> None:
    _, manifest, export = exported
    (hot,) = manifest.categories["head_of_talent"]
    c = export.candidates[hot]
    assert _company(c["company"]) == "acme robotics" and c["email"].endswith("@" + DEMO_DOMAIN)
    assert c["ats_status"] == "prospect"
    (ceo,) = manifest.categories["competitor_ceo"]
    assert export.candidates[ceo]["title"] == "CEO"
    assert _company(export.candidates[ceo]["company"]) == "globex"
    for cid in _members(manifest, "never_contact_company"):
        assert _company(export.candidates[cid]["company"]) == "initech"


def test_out_of_office(exported) -> None:
    _, manifest, export = exported
    for cid in _members(manifest, "out_of_office"):
        initial = export.only_thread(cid)[0]
        assert export.due(initial["at"])
        (reply,) = export.inbound_after(cid, initial["at"])
        assert reply["body"].startswith("Automatic reply:")
        assert reply["at"] - initial["at"] < timedelta(minutes=10)
    assert len(manifest.categories["out_of_office"]) >= 5


def test_cadence_edges(exported) -> None:
    _, manifest, export = exported
    for cid in _members(manifest, "too_late"):
        assert export.now - export.only_thread(cid)[0]["at"] > 28 * DAY
    for cid in _members(manifest, "not_due"):
        assert export.now - export.only_thread(cid)[0]["at"] < 7 * DAY
    for cid in _members(manifest, "already_followed_up"):
        messages = export.only_thread(cid)
        assert len(messages) == 2 and export.due(messages[0]["at"])


def test_multiple_threads_and_recent_contact(exported) -> None:
    _, manifest, export = exported
    for cid in _members(manifest, "multiple_threads"):
        initials = [m[0] for m in export.threads(cid).values()]
        assert len(initials) == 2 and all(export.due(tp["at"]) for tp in initials)
    for cid in _members(manifest, "recent_contact"):
        initials = sorted((m[0] for m in export.threads(cid).values()), key=lambda t: t["at"])
        due, recent = initials
        assert export.due(due["at"]) and export.now - recent["at"] < 7 * DAY
        assert recent["recruiter"] != due["recruiter"] and recent["role_id"] != due["role_id"]


def test_role_closed_and_paused_recruiter(exported) -> None:
    _, manifest, export = exported
    for cid in _members(manifest, "role_closed"):
        initial = export.only_thread(cid)[0]
        assert export.roles[initial["role_id"]]["status"] in {"filled", "closed", "on_hold"}
    for cid in _members(manifest, "recruiter_inactive"):
        initial = export.only_thread(cid)[0]
        assert export.recruiters[initial["recruiter"]]["status"] == "paused"


def test_injection(exported) -> None:
    _, manifest, export = exported
    people = [export.candidates[c] for c in _members(manifest, "injection")]
    assert any(p["full_name"] == "[@click=app.quit]Robin" for p in people)
    assert any(
        "Ignore previous instructions" in p["notes"] + p["title"]
        and "\u200b" in p["notes"] + p["title"]
        for p in people
    )


def test_never_answered_is_clean(exported) -> None:
    """Nothing may block or warn on these: they are the drafts the demo should produce."""
    _, manifest, export = exported
    for cid in _members(manifest, "never_answered"):
        c = export.candidates[cid]
        initial = export.only_thread(cid)[0]
        assert len(export.only_thread(cid)) == 1, cid
        assert export.due(initial["at"]), cid
        assert initial["delivery"] == "delivered", cid
        assert export.roles[initial["role_id"]]["status"] == "open", cid
        assert export.recruiters[initial["recruiter"]]["status"] == "active", cid
        assert not [t for t in export.touchpoints[cid] if t["direction"] == "inbound"], cid
        others = [t for t in export.touchpoints[cid] if t is not initial]
        assert all(export.now - t["at"] > 7 * DAY for t in others), cid
        assert c["ats_status"] == "prospect" and c["do_not_contact"] == "false", cid
        assert not export.suppressed(cid), cid
        assert _company(c["company"]) not in {"acme robotics", "acme", "globex", "initech"}
        assert not c["email"].casefold().endswith("@" + DEMO_DOMAIN), cid
        assert "ignore previous" not in (c["notes"] + c["title"]).casefold(), cid
