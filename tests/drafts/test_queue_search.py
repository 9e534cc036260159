"""The queue's search on both databases: every visible field, case and accents folded."""

from __future__ import annotations

import pytest
from builders import NOW, basic_team, make_settings

from drafts.review.queue import QueueFilter, count_queue, load_page
from drafts.writing.scheduler import schedule


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("kruger", {"c-1"}),
        ("KRÜGER", {"c-1"}),
        ("globex", {"c-2"}),
        ("zoe.muller@", {"c-2"}),
        ("northwind", {"c-3"}),
        ("50%", set()),  # a LIKE wildcard is a literal character
    ],
)
def test_search_finds_what_is_shown(engine, tmp_path, typed, found):
    team = basic_team("c-1", "c-2", "c-3")
    rows = team.files["candidates.csv"]
    rows[0].update(full_name="Jörg Krüger", company="Initrode")
    rows[1].update(full_name="Zoë Müller", company="Globex Corporation", email="zoe.muller@x.test")
    rows[2].update(full_name="Ada Park", company="Northwind Automation")
    team.load(engine, tmp_path)
    schedule(engine, make_settings(), NOW, actor="test")
    filt = QueueFilter(search=typed)
    with engine.connect() as conn:
        page = load_page(conn, filt, reviewer="kim", now=NOW)
        total = count_queue(conn, filt, reviewer="kim", now=NOW)
    assert {row.candidate_id for row in page} == found and total == len(found)
