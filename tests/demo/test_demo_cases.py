"""The demo export: each case is what it claims to be, re-derived from the rows alone."""

from __future__ import annotations

from datetime import timedelta

from demo import DEMO_DOMAIN
from tests.support.demo_export import DAY, STOP_WORDS, company_key, linkedin_key


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
        ours += company_key(c["company"]) == "acme robotics" or c["email"].endswith(DEMO_DOMAIN)
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
    assert any(linkedin_key(e["linkedin_url"]) in {linkedin_key(u) for u in urls} for e in entries)


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
    assert company_key(c["company"]) == "acme robotics" and c["email"].endswith("@" + DEMO_DOMAIN)
    assert c["ats_status"] == "prospect"
    (ceo,) = manifest.categories["competitor_ceo"]
    assert export.candidates[ceo]["title"] == "CEO"
    assert company_key(export.candidates[ceo]["company"]) == "globex"
    for cid in _members(manifest, "never_contact_company"):
        assert company_key(export.candidates[cid]["company"]) == "initech"


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
        assert company_key(c["company"]) not in {"acme robotics", "acme", "globex", "initech"}
        assert not c["email"].casefold().endswith("@" + DEMO_DOMAIN), cid
        assert "ignore previous" not in (c["notes"] + c["title"]).casefold(), cid
