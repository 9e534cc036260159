"""`other_emails` (contract section 6): checked like `email`, and every address of a person
counts wherever `email` counts."""

from __future__ import annotations

import pytest
from mail import team
from sqlalchemy import select

from drafts.writing.scheduler import schedule
from store import models
from store.importer import ImportFailed, import_export
from tests.drafts.builders import NOW, make_settings, threads_by_id


def addresses(engine) -> dict[str, list[str]]:
    table = models.CandidateAddress.__table__
    found: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for address, candidate_id in conn.execute(
            select(table.c.address, table.c.candidate_id).order_by(table.c.address)
        ):
            found.setdefault(candidate_id, []).append(address)
    return found


def test_every_address_is_stored_normalised_and_replaced_on_reimport(engine, tmp_path):
    export = team()
    import_export(engine, export.write(tmp_path / "one"))

    assert addresses(engine)["c-ada"] == [
        "ada.park@northwind.example",
        "ada@example.com",
        "ada@home.example",
    ]
    export.files["candidates.csv"][0]["other_emails"] = "ada@new.example"
    import_export(engine, export.write(tmp_path / "two"))

    assert addresses(engine)["c-ada"] == ["ada@example.com", "ada@new.example"]
    # A later export that leaves the cell empty keeps what the store knows.
    export.files["candidates.csv"][0]["other_emails"] = None
    import_export(engine, export.write(tmp_path / "three"))
    assert addresses(engine)["c-ada"] == ["ada@example.com", "ada@new.example"]


@pytest.mark.parametrize("bad", ["ada@example.com; not-an-address", "a..b@example.com"])
def test_a_bad_address_among_them_names_file_line_and_column(engine, tmp_path, bad):
    export = team()
    export.files["candidates.csv"][0]["other_emails"] = bad

    with pytest.raises(ImportFailed) as failure:
        import_export(engine, export.write(tmp_path))

    assert "candidates.csv, line 2, column other_emails" in str(failure.value)
    with engine.connect() as conn:
        assert conn.execute(select(models.Candidate.__table__)).all() == []


def test_a_suppressed_other_address_blocks_the_person(engine, tmp_path):
    export = team().suppress(email="ADA@home.example", reason="asked by phone")
    export.load(engine, tmp_path)

    schedule(engine, make_settings(), NOW)

    thread = threads_by_id(engine)["c-ada:r-1:email"]
    assert thread["state"] == "suppressed" and thread["reasons"] == ["do_not_contact"]


def test_an_other_address_on_our_domain_makes_them_an_employee(engine, tmp_path):
    export = team()
    export.files["candidates.csv"][1]["other_emails"] = "ben@eu.acme-robotics.com"
    export.load(engine, tmp_path)

    schedule(engine, make_settings(), NOW)

    assert threads_by_id(engine)["c-ben:r-1:email"]["reasons"] == ["employee"]
