"""Folding for search: the same answer in Python, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import literal, select

from store.search import fold, folded, search_pattern

CASES = {
    "Jörg KRÜGER": "jorg kruger",
    "Zoë Müller": "zoe muller",
    "José Núñez": "jose nunez",
    "Straße": "strasse",
    "Søren Ørsted": "soren orsted",
    "Łukasz Wałęsa": "lukasz walesa",
    "ÉCOLE": "ecole",
    "李娜": "李娜",
    "": "",
}


@pytest.mark.parametrize("text", CASES)
def test_fold_in_python_and_in_the_database(engine, text):
    assert fold(text) == CASES[text]
    with engine.connect() as conn:
        assert conn.execute(select(folded(literal(text)))).scalar() == CASES[text]


def test_like_wildcards_in_a_search_are_literal(engine):
    with engine.connect() as conn:
        hit = folded(literal("100% Krüger_x")).like(search_pattern("0% KRUGER_"), escape="\\")
        miss = folded(literal("100 Kruger x")).like(search_pattern("0% kruger_"), escape="\\")
        assert conn.execute(select(hit)).scalar()
        assert not conn.execute(select(miss)).scalar()
