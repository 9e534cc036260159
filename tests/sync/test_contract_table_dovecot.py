"""Contract section 7's table end to end: mail APPENDed to a real Dovecot, `followups sync`,
then `followups schedule` and `threads list` as cron and a person run them."""

from __future__ import annotations

import json

from builders import DAY, NOW
from send_team import cli, email_of, email_team

from tests.mailbox.mail import delivery_report, message
from tests.support.mailboxes import mailbox_for

NOW_ARGS = ("--now", NOW.isoformat())
OOO = "I am out of the office until 2025-11-20 with limited access to email."
PEOPLE = ("c-reply", "c-auto", "c-stop", "c-bounce", "c-delay", "c-hand", "c-quiet")


def test_every_row_of_the_table_through_dovecot(sqlite_engine, tmp_path, dovecot, monkeypatch):
    email_team(*PEOPLE).load(sqlite_engine, tmp_path / "export")
    db = ("--db", str(sqlite_engine.url))
    mailbox = mailbox_for(dovecot, monkeypatch, "sam", recruiter="sam")
    inbox = [
        message(sender=email_of("c-reply"), message_id="reply@example.test"),
        message(
            OOO,
            sender=email_of("c-auto"),
            subject="Out of office",
            headers={"Auto-Submitted": "auto-replied"},
            message_id="ooo@example.test",
        ),
        message("Please stop contacting me.", sender=email_of("c-stop"), message_id="stop@x.test"),
        delivery_report(email_of("c-bounce"), quoted_id=None, message_id="dsn-1@mx.test"),
        delivery_report(
            email_of("c-delay"),
            action="delayed",
            status="4.4.1",
            quoted_id=None,
            message_id="dsn-2@mx.test",
        ),
        message(sender="nobody@else.example", message_id="stranger@else.example"),
    ]
    dovecot.append(mailbox.account, inbox, when=NOW - DAY)
    by_hand = message(
        "Hi, any news?",
        sender="Sam Carter <sam@acme-robotics.com>",
        to=email_of("c-hand"),
        at=NOW - DAY,
        message_id="by-hand@acme-robotics.com",
    )
    dovecot.append(mailbox.account, by_hand, folder="Sent", when=NOW - DAY)
    config = tmp_path / "followups.toml"
    config.write_text('[company]\nname = "Acme Robotics"\n' + mailbox.toml(), encoding="utf-8")
    args = (*db, "--config", str(config))

    synced = cli("sync", *args, *NOW_ARGS, "--json")
    again = cli("sync", *args, *NOW_ARGS, "--json")
    scheduled = cli("schedule", *args, *NOW_ARGS, "--json")
    threads = cli("threads", "list", *args, "--json")

    assert synced.returncode == 0, synced.stderr
    (counts,) = json.loads(synced.stdout)["mailboxes"]
    assert {k: counts[k] for k in ("fetched", "replies", "auto_replies", "opt_outs")} == {
        "fetched": 7,
        "replies": 1,
        "auto_replies": 1,
        "opt_outs": 1,
    }
    assert (counts["bounces"], counts["outbound"], counts["ignored"]) == (1, 1, 2)
    assert json.loads(again.stdout)["mailboxes"][0]["fetched"] == 0
    assert scheduled.returncode == 0, scheduled.stderr
    assert threads.returncode == 0, threads.stderr
    state = {t["candidate_id"]: (t["state"], set(t["reasons"])) for t in json.loads(threads.stdout)}
    assert state["c-reply"] == ("suppressed", {"replied"})
    assert state["c-auto"] == ("waiting", {"out_of_office"})
    assert state["c-stop"][0] == "suppressed" and "do_not_contact" in state["c-stop"][1]
    assert state["c-bounce"][0] == "suppressed" and "undelivered" in state["c-bounce"][1]
    assert state["c-delay"] == ("drafted", set())
    assert state["c-hand"][0] == "drafted" and "recent_contact" in state["c-hand"][1]
    assert state["c-quiet"] == ("drafted", set())

    # "Why did this person get nothing?", asked by a person: the evidence names the mail.
    why = cli("threads", "list", *args, "--candidate", "c-reply")
    assert why.returncode == 0, why.stderr
    assert "replied:" in why.stdout
    assert "mail in sam/INBOX, Message-ID <reply@example.test>" in why.stdout
