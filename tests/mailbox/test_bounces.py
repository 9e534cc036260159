"""Delivery reports: a hard bounce marks the reported message `bounced` and blocks email
to the address (`undelivered`, with the report as evidence); a delay changes nothing."""

from __future__ import annotations

from mail import ADA, INITIAL_AT, delivery_report, ingest, load
from sqlalchemy import select

from drafts.writing.scheduler import schedule
from store import models
from tests.drafts.builders import DAY, NOW, make_settings, threads_by_id

LATER_ID = "later-1@acme-robotics.com"


def deliveries(engine) -> dict[str, str]:
    tp = models.Touchpoint.__table__
    with engine.connect() as conn:
        rows = conn.execute(
            select(tp.c.touchpoint_id, tp.c.delivery).where(tp.c.direction == "outbound")
        )
        return dict(rows.all())


def bounced(engine) -> list[dict]:
    table = models.BouncedAddress.__table__
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(table))]


def add_later_email(engine) -> None:
    """A second email to Ada (another role), sent after the first, with its Message-ID."""
    tp = models.Touchpoint.__table__
    with engine.begin() as conn:
        conn.execute(
            tp.insert(),
            {
                "touchpoint_id": "tp-ada-2",
                "candidate_id": "c-ada",
                "role_id": None,
                "recruiter": "sam",
                "channel": "email",
                "direction": "outbound",
                "occurred_at": INITIAL_AT + DAY,
                "delivery": "delivered",
                "source": "import",
                "message_id": LATER_ID,
                "automatic": False,
            },
        )


def test_a_report_quoting_our_message_id_bounces_that_message(engine, tmp_path):
    load(engine, tmp_path)
    add_later_email(engine)

    assert ingest(engine, delivery_report(at=INITIAL_AT + 2 * DAY)) == "bounces"
    schedule(engine, make_settings(), NOW)

    assert deliveries(engine) == {
        "tp-ada": "bounced",
        "tp-ada-2": "delivered",
        "tp-ben": "delivered",
    }
    [entry] = bounced(engine)
    assert entry["address"] == ADA and entry["touchpoint_id"] == "tp-ada"
    assert entry["evidence"]["report_message_id"] == "dsn-1@mx.example.com"
    assert entry["evidence"]["status"] == "5.1.1"
    threads = threads_by_id(engine)
    assert threads["c-ada:r-1:email"]["state"] == "suppressed"
    assert "undelivered" in threads["c-ada:r-1:email"]["reasons"]
    [flag] = [f for f in threads["c-ada:r-1:email"]["flags"] if f["code"] == "undelivered"]
    assert flag["evidence"]["touchpoint_id"] == "tp-ada"
    assert flag["evidence"]["delivery"] == "bounced"
    assert flag["evidence"]["report_message_id"] == "dsn-1@mx.example.com"
    assert "do_not_contact" not in threads["c-ada:r-1:email"]["reasons"]
    assert threads["c-ben:r-1:email"]["state"] == "drafted"


def test_a_report_without_the_message_id_bounces_the_latest_email_to_the_address(engine, tmp_path):
    load(engine, tmp_path)
    add_later_email(engine)

    assert ingest(engine, delivery_report(quoted_id=None, at=INITIAL_AT + 2 * DAY)) == "bounces"
    schedule(engine, make_settings(), NOW)

    assert deliveries(engine)["tp-ada-2"] == "bounced"
    assert deliveries(engine)["tp-ada"] == "delivered"
    # The first email was delivered, but email to the address is blocked now, with the report.
    thread = threads_by_id(engine)["c-ada:r-1:email"]
    assert thread["state"] == "suppressed" and "undelivered" in thread["reasons"]
    [flag] = [f for f in thread["flags"] if f["code"] == "undelivered"]
    assert flag["evidence"]["report_message_id"] == "dsn-1@mx.example.com"
    assert flag["evidence"]["address"] == ADA


def test_a_delay_changes_nothing_but_the_count(engine, tmp_path):
    load(engine, tmp_path)
    before = deliveries(engine)

    got = ingest(engine, delivery_report(action="delayed", status="4.4.1"))
    schedule(engine, make_settings(), NOW)

    assert got == "ignored"
    assert deliveries(engine) == before and bounced(engine) == []
    assert threads_by_id(engine)["c-ada:r-1:email"]["state"] == "drafted"


def test_a_report_about_a_stranger_is_ignored(engine, tmp_path):
    load(engine, tmp_path)

    assert ingest(engine, delivery_report("someone@else.example")) == "ignored"
    assert bounced(engine) == []


def test_a_bounce_to_another_address_of_hers_blocks_only_that_address(engine, tmp_path):
    load(engine, tmp_path)

    assert ingest(engine, delivery_report("ada@home.example", quoted_id=None)) == "bounces"
    schedule(engine, make_settings(), NOW)

    assert [b["address"] for b in bounced(engine)] == ["ada@home.example"]
    # Follow-ups go to her main address, which still works.
    assert threads_by_id(engine)["c-ada:r-1:email"]["state"] == "drafted"


EXIM_BOUNCE = b"""From: Mail Delivery System <Mailer-Daemon@mx.example.net>
To: sam@acme-robotics.com
Subject: Mail delivery failed: returning message to sender
Message-ID: <exim-1@mx.example.net>
Date: Thu, 30 Oct 2025 09:00:00 +0000
Auto-Submitted: auto-replied

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  ben@example.org
    SMTP error from remote mail server after RCPT TO:<ben@example.org>:
    host mx.example.org [192.0.2.1]: 550 5.1.1 User unknown

------ This is a copy of the message, including all the headers. ------

From: sam@acme-robotics.com
To: ben@example.org
Subject: About r-1
"""


def test_a_bounce_in_exims_own_format_is_read_too(engine, tmp_path):
    load(engine, tmp_path)

    assert ingest(engine, EXIM_BOUNCE) == "bounces"
    schedule(engine, make_settings(), NOW)

    assert [b["address"] for b in bounced(engine)] == ["ben@example.org"]
    assert deliveries(engine)["tp-ben"] == "bounced"
    assert "undelivered" in threads_by_id(engine)["c-ben:r-1:email"]["reasons"]


def test_a_person_writing_about_an_undeliverable_parcel_is_not_a_bounce(engine, tmp_path):
    load(engine, tmp_path)
    raw = (
        b"From: Ada <ada@example.com>\nTo: sam@acme-robotics.com\n"
        b"Subject: Re: undeliverable\nMessage-ID: <p-1@example.com>\n\n"
        b"The following address(es) failed: ben@example.org. Anyway, happy to talk!\n"
    )

    assert ingest(engine, raw) == "replies"
    assert bounced(engine) == []


def test_a_global_delivery_status_report_is_read_like_any_other(engine, tmp_path):
    load(engine, tmp_path)
    raw = delivery_report().replace(b"message/delivery-status", b"message/global-delivery-status")

    assert ingest(engine, raw) == "bounces"

    [entry] = bounced(engine)
    assert (entry["address"], entry["evidence"]["format"]) == (ADA, "rfc3464")
    assert entry["evidence"]["status"] == "5.1.1"
