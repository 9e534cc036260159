"""Whatever bytes a server hands over, reading them raises nothing but Unreadable, and what
is read holds no control characters (property tests on real messages, mutated)."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mail import INBOX, SENT, delivery_report, load, message

from drafts.mailbox.ingest import COUNT_KEYS, ingest_message
from drafts.mailbox.reading import Unreadable, read_head, read_message
from tests.drafts.builders import NOW

SEEDS = [
    message(),
    message(None, html="<p>Hi <b>there</b></p><blockquote>old</blockquote>"),
    message("Out of office", headers={"Auto-Submitted": "auto-replied"}),
    delivery_report(),
    delivery_report(quoted_id=None, action="delayed", status="4.4.1"),
    # Raw 8-bit bytes where only ASCII belongs: in a name, a subject and a Message-ID.
    message()
    .replace(b"Ada Park", b"Ad\xe9 \xff Park")
    .replace(b"Re: About", b"Re: \xc3\x28")
    .replace(b"reply-1@", b"reply-\xfe1@"),
]
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@st.composite
def mutated(draw) -> bytes:
    raw = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 8))):
        where = draw(st.integers(0, len(raw)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        chunk = draw(st.binary(min_size=1, max_size=12))
        if action == "insert":
            raw[where:where] = chunk
        elif action == "delete":
            del raw[where : where + len(chunk)]
        else:
            raw[where : where + len(chunk)] = chunk
    return bytes(raw)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mutated(), st.binary(max_size=400)))
def test_reading_any_bytes_raises_nothing_but_unreadable(raw):
    for sent_folder in (False, True):
        try:
            read_head(raw, sent_folder=sent_folder)
            facts = read_message(raw, sent_folder=sent_folder)
        except Unreadable:
            continue
        for text in (facts.subject, facts.body, facts.sender, *facts.recipients):
            assert not _CONTROL.search(text.replace("\n", "").replace("\t", ""))


def test_ingesting_any_bytes_stores_or_counts_never_fails(sqlite_engine, tmp_path):
    load(sqlite_engine, tmp_path)

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(mutated())
    def ingest_any(raw):
        with sqlite_engine.connect() as conn, conn.begin() as transaction:
            for source in (INBOX, SENT):
                assert ingest_message(conn, raw, source, now=NOW) in COUNT_KEYS
            transaction.rollback()

    ingest_any()
