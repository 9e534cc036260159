"""One normaliser for addresses and domains (issue 13), asked wherever one is compared.

A trailing dot, a zero-width space, full-width letters, case or an IDN spelling must not
let our own people (`employee`) or a do-not-contact address slip through, whichever side
(the candidate's address, `[company] domains`, the suppression list) is spelled oddly.
"""

from __future__ import annotations

import pytest
from builders import NOW, basic_team, context, make_settings

from drafts.rules import thread_rules as rules
from drafts.rules.context import load_snapshot, thread_view
from store import models
from store.text import email_domain, normalise_domain, normalise_email

OURS = [
    "ada@acme-robotics.com.",  # trailing dot: a fully qualified name, still ours
    "ada@acme\u200b-robotics.com",  # zero-width space inside the domain
    "ada@acme-robotics\u2060.com",  # word joiner
    "ada@\uff41\uff43\uff4d\uff45-robotics.com",  # full-width letters
    "ada@ACME-ROBOTICS.COM",
    "ada@eu.acme-robotics.com.",  # a subdomain, with the dot
    " ada@acme-robotics.com\ufeff",  # a BOM at the end
    "ada@acme-robotics.com\u00ad",  # a soft hyphen
]
NOT_OURS = [
    "ada@acme-robotics.com.example.org",
    "ada@notacme-robotics.com",
    "ada@acme-robotics.co",
    "ada@acme-robotics.com@gmail.com",  # the domain is the part after the last @
]


@pytest.mark.parametrize("email", OURS)
def test_our_domain_however_spelled_is_employee(email):
    flag = rules.employee(context(email=email))
    assert flag is not None and flag.code == "employee", email


@pytest.mark.parametrize("email", NOT_OURS)
def test_look_alikes_are_not_ours(email):
    assert rules.employee(context(email=email)) is None


@pytest.mark.parametrize(
    "configured",
    [
        "acme-robotics.com.",
        "@acme-robotics.com",
        "ACME-Robotics.COM",
        "\uff41\uff43\uff4d\uff45-robotics.com",
        " acme-robotics.com ",
    ],
)
def test_the_configured_domain_is_normalised_the_same_way(configured):
    settings = make_settings(company={"domains": [configured]})
    flag = rules.employee(context(email="ada@acme-robotics.com", settings=settings))
    assert flag is not None and flag.code == "employee"


@pytest.mark.parametrize(
    ("configured", "email"),
    [("bücher.de", "ada@xn--bcher-kva.de"), ("xn--bcher-kva.de", "ada@BÜCHER.de")],
)
def test_an_international_domain_matches_in_either_spelling(configured, email):
    settings = make_settings(company={"domains": [configured]})
    flag = rules.employee(context(email=email, settings=settings))
    assert flag is not None and flag.code == "employee"


def test_the_normaliser_itself():
    assert normalise_domain("ACME\u200b-Robotics.com.") == "acme-robotics.com"
    assert normalise_domain("bücher.de") == "xn--bcher-kva.de"
    assert normalise_email(" Ada@ACME-robotics.com. ") == "ada@acme-robotics.com"
    assert normalise_email("\uff41da@acme.test") == "ada@acme.test"
    assert email_domain("no-at-sign") == ""


SUPPRESSED = {
    "trailing dot on the list": ("ada.park@gmail.com.", "ada.park@gmail.com"),
    "case and full width on the list": ("ＡＤＡ.park@GMAIL.com", "ada.park@gmail.com"),
    "zero-width in the candidate's address": ("ada.park@gmail.com", "ada.park@gm\u200bail.com"),
    "trailing dot on the candidate": ("ada.park@gmail.com", "ada.park@gmail.com."),
}


@pytest.mark.parametrize("name", SUPPRESSED)
def test_suppressions_match_through_the_same_normaliser(engine, tmp_path, name):
    listed, candidate_email = SUPPRESSED[name]
    team = basic_team("c-1")
    team.files["candidates.csv"][0].update(email=candidate_email)
    team.suppress(email=listed, reason="asked by phone").load(engine, tmp_path)
    with engine.connect() as conn:
        snapshot = load_snapshot(conn, make_settings(), NOW)
        thread = conn.execute(models.Thread.__table__.select()).mappings().one()
    flag = rules.do_not_contact(snapshot.context(thread_view(dict(thread))))
    assert flag is not None and flag.code == "do_not_contact"
