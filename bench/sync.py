"""Benchmark: `followups sync` against a plain imapclient fetch of the same mailbox.

    python bench/sync.py [--messages 10000] [--db URL]     (as root: it starts Dovecot)

Starts a private Dovecot (testkit/dovecot.py), APPENDs a realistic mix of mail to one
user's INBOX and Sent (candidates' replies, out-of-office replies, bounces, opt-outs, mail
from strangers and newsletters, a few large attachments), builds a store whose candidates
those messages concern, then times, in the same run:
1. the first sync: search, sizes, BODY.PEEK[] in batches, every message parsed, classified
   and stored, each batch committed with the folder's last UID;
   against a plain imapclient session that logs in, selects, searches and fetches the same
   bodies and does nothing with them. Goal: within 1.5x.
2. a second sync with nothing new; against one login + select + search of each folder.
   Goal: within 2x.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from imapclient import IMAPClient  # noqa: E402

from drafts.mailbox.sync import sync_mailboxes  # noqa: E402
from store.config import Settings  # noqa: E402
from store.db import open_store  # noqa: E402
from store.importer import import_export  # noqa: E402
from testkit.dovecot import Account, Dovecot, dovecot_missing  # noqa: E402

NOW = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
CANDIDATES = 3000
ROUNDS = 5  # the no-news sync is a few milliseconds: the median of several runs


def write_export(folder: Path) -> None:
    """One recruiter, one role, CANDIDATES people each sent an email 10 days ago."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = {
        "recruiters.csv": [["recruiter", "name"], ["mara", "Mara Lind"]],
        "roles.csv": [["role_id", "title", "status"], ["role-1", "Controls Engineer", "open"]],
        "candidates.csv": [["candidate_id", "full_name", "email", "company", "ats_status"]]
        + [
            [f"c{n}", f"Person {n}", f"c{n}@example.test", "Northwind", "prospect"]
            for n in range(CANDIDATES)
        ],
        "touchpoints.csv": [
            ["touchpoint_id", "candidate_id", "role_id", "recruiter", "channel", "direction"]
            + ["occurred_at", "subject", "body"]
        ]
        + [
            [f"tp{n}", f"c{n}", "role-1", "mara", "email", "outbound"]
            + [(NOW - timedelta(days=10)).isoformat() + "Z", "Controls at Acme", "Hi there"]
            for n in range(CANDIDATES)
        ],
    }
    for name, lines in rows.items():
        with (folder / name).open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(lines)


def _message(sender: str, to: str, subject: str, body: str, at: datetime, **headers) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    message["Date"] = format_datetime(at.replace(tzinfo=UTC))
    message["Message-ID"] = make_msgid(domain="mail.example.test")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return bytes(message)


def _bounce(to: str, at: datetime) -> bytes:
    """An RFC 3464 report: the recipient's address failed with 5.1.1."""
    return (
        "From: MAILER-DAEMON@mx.example.test\r\nTo: mara@acme-robotics.com\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        f"Date: {format_datetime(at.replace(tzinfo=UTC))}\r\n"
        f"Message-ID: {make_msgid(domain='mx.example.test')}\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
        "--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.test\r\n\r\n"
        f"Final-Recipient: rfc822; {to}\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--b1--\r\n"
    ).encode()


def mail_mix(count: int, rng: random.Random) -> list[tuple[str, bytes]]:
    """(folder, raw) for `count` messages: what a recruiter's mailbox holds in a quarter."""
    mix = []
    long_text = "We are hiring across robotics, controls and perception. " * 40
    for n in range(count):
        who = f"c{rng.randrange(CANDIDATES)}@example.test"
        at = NOW - timedelta(minutes=rng.randrange(60 * 24 * 60))
        kind = rng.random()
        if kind < 0.25:
            text = f"Thanks for reaching out, let's talk. ({n})\n\n> Hi there"
            raw = _message(who, "mara@acme-robotics.com", "Re: Controls at Acme", text, at)
        elif kind < 0.30:
            text = "I am out of office until next Monday."
            raw = _message(who, "mara@acme-robotics.com", "Out of office", text, at,
                           Auto_Submitted="auto-replied")  # fmt: skip
        elif kind < 0.32:
            raw = _message(who, "mara@acme-robotics.com", "Re: Controls at Acme",
                           "Please stop contacting me.", at)  # fmt: skip
        elif kind < 0.35:
            raw = _bounce(who, at)
        elif kind < 0.45:
            raw = _message("mara@acme-robotics.com", who, "Following up", "Hi, checking in.", at)
            mix.append(("Sent", raw))
            continue
        elif kind < 0.46:  # 1% large digests (~140 kB)
            raw = _message(f"news{n}@lists.example.org", "mara@acme-robotics.com", "Digest",
                           long_text * 60, at)  # fmt: skip
        else:
            raw = _message(f"someone{n}@example.org", "mara@acme-robotics.com", f"Note {n}",
                           long_text, at)  # fmt: skip
        mix.append(("INBOX", raw))
    return mix


def fill(dovecot: Dovecot, account: Account, mix: list[tuple[str, bytes]]) -> None:
    """APPEND everything, several messages per command (MULTIAPPEND)."""
    with dovecot.client(account) as imap:
        for folder in ("INBOX", "Sent"):
            batch = [raw for name, raw in mix if name == folder]
            for start in range(0, len(batch), 500):
                imap.multiappend(folder, batch[start : start + 500])


def plain_fetch(dovecot: Dovecot, account: Account) -> tuple[float, int]:
    """Login, select, search, fetch every body: the same bytes the sync reads, unused."""
    started = time.perf_counter()
    fetched = 0
    client = IMAPClient("127.0.0.1", port=dovecot.port, ssl=False)
    client.login(account.user, account.password)
    since = (NOW - timedelta(days=90)).date()
    for folder in ("INBOX", "Sent"):
        client.select_folder(folder, readonly=True)
        uids = client.search(["SINCE", since])
        for start in range(0, len(uids), 200):
            fetched += len(client.fetch(uids[start : start + 200], ["BODY.PEEK[]"]))
    client.logout()
    return time.perf_counter() - started, fetched


def plain_check(dovecot: Dovecot, account: Account) -> float:
    """One login, then select + search in each folder the sync reads: the least an
    "anything new?" check can do."""
    started = time.perf_counter()
    client = IMAPClient("127.0.0.1", port=dovecot.port, ssl=False)
    client.login(account.user, account.password)
    for folder in ("INBOX", "Sent"):
        client.select_folder(folder, readonly=True)
        client.search(["UID", "1000000:*"])
    client.logout()
    return time.perf_counter() - started


def main() -> None:
    """Build, time both, print figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--db", help="a SQLAlchemy URL of an EMPTY store (default: temp SQLite)")
    args = parser.parse_args()
    if reason := dovecot_missing():
        raise SystemExit(reason)
    dovecot = Dovecot.start()
    try:
        account = dovecot.add_user("mara")
        os.environ["BENCH_IMAP_USER"], os.environ["BENCH_IMAP_PASSWORD"] = (
            account.user,
            account.password,
        )
        t0 = time.perf_counter()
        mix = mail_mix(args.messages, random.Random(15))
        fill(dovecot, account, mix)
        megabytes = sum(len(raw) for _, raw in mix) / 1e6
        print(f"mailbox: {len(mix)} messages, {megabytes:.1f} MB appended in "
              f"{time.perf_counter() - t0:.1f}s")  # fmt: skip
        with tempfile.TemporaryDirectory() as tmp:
            engine = open_store(args.db or f"sqlite:///{tmp}/bench.db")
            write_export(Path(tmp) / "export")
            import_export(engine, Path(tmp) / "export")
            settings = Settings.model_validate(
                {
                    "company": {"name": "Acme Robotics", "domains": ["acme-robotics.com"]},
                    "mailbox": [
                        {
                            "name": "mara",
                            "recruiter": "mara",
                            "host": "127.0.0.1",
                            "port": dovecot.port,
                            "security": "none",
                            "username_env": "BENCH_IMAP_USER",
                            "password_env": "BENCH_IMAP_PASSWORD",
                            "folders": ["INBOX"],
                            "sent_folders": ["Sent"],
                        }
                    ],
                }
            )
            plain_seconds, plain_count = plain_fetch(dovecot, account)
            started = time.perf_counter()
            (report,) = sync_mailboxes(engine, settings, now=NOW)
            first = time.perf_counter() - started
            assert report.error is None, report.error
            print(f"first sync ({engine.dialect.name}): {report.fetched} messages in {first:.2f}s"
                  f" ({report.fetched / first:,.0f}/s): {report.as_json()}")  # fmt: skip
            print(f"plain imapclient fetch of the same {plain_count} bodies: {plain_seconds:.2f}s")
            print(f"ratio: {first / plain_seconds:.2f}x (goal <= 1.5x)")
            again, check = [], []
            for _ in range(ROUNDS):
                started = time.perf_counter()
                (report,) = sync_mailboxes(engine, settings, now=NOW)
                again.append(time.perf_counter() - started)
                assert report.fetched == 0, report.as_json()
                check.append(plain_check(dovecot, account))
            again_s, check_s = sorted(again)[ROUNDS // 2], sorted(check)[ROUNDS // 2]
            print(f"second sync, nothing new: {again_s * 1000:.1f} ms (median of {ROUNDS})")
            print(f"login + select + search: {check_s * 1000:.1f} ms")
            print(f"ratio: {again_s / check_s:.2f}x (goal <= 2x)")
            engine.dispose()
    finally:
        dovecot.stop()


if __name__ == "__main__":
    main()
