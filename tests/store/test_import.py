"""`followups import`: what a good ATS export becomes in the store, and re-imports.

Every export here is written by the test itself with the csv module, so each test shows
the exact input a user would hand over.
"""

from __future__ import annotations

from datetime import datetime

from store import models
from store.db import open_store
from store.importer import import_export
from tests.support.import_export import (
    IMPORTED_AT,
    base_export,
    by_key,
    dump,
    grown_export,
    header_of,
    rows_of,
    write_csv,
    write_export,
)

# --------------------------------------------------------------------------- a good import


def test_small_export_lands_in_the_store(engine, tmp_path):
    report = import_export(engine, write_export(tmp_path / "export", base_export()))

    assert {name: (c.rows, c.new) for name, c in report.files.items()} == {
        "recruiters.csv": (2, 2),
        "roles.csv": (2, 2),
        "candidates.csv": (3, 3),
        "touchpoints.csv": (8, 8),
        "suppressions.csv": (3, 3),
    }
    assert (report.threads, report.new_threads) == (3, 3)

    recruiters = by_key(engine, models.Recruiter, "recruiter")
    assert recruiters["sam"]["daily_limit"] == 50
    assert recruiters["sam"]["email"] == "sam@acme-robotics.com"
    assert recruiters["alex"]["status"] == "paused"  # enum values match in any case

    roles = by_key(engine, models.Role, "role_id")
    assert roles["r1"]["hiring_manager"] == "Jo"
    assert roles["r2"]["status"] == "filled"
    assert roles["r2"]["location"] is None  # empty optional cell: unknown

    candidates = by_key(engine, models.Candidate, "candidate_id")
    assert candidates["c1"]["notes"] == 'Met at PyCon.\nLikes robots, "big" ones.'
    assert candidates["c1"]["timezone"] == "Europe/London"
    assert candidates["c2"]["full_name"] == "Núñez, José"
    assert candidates["c2"]["ats_status"] == "active"
    assert [candidates[c]["do_not_contact"] for c in ("c1", "c2", "c3")] == [False, False, True]
    assert candidates["c2"]["notes"] is None

    touchpoints = by_key(engine, models.Touchpoint, "touchpoint_id")
    assert set(touchpoints) == {f"t{i}" for i in (1, 3, 4, 5, 6, 7, 8, 9)}
    # An offset is converted to UTC; a timestamp without one is UTC already.
    assert touchpoints["t3"]["occurred_at"] == datetime(2025, 11, 1, 7, 0)
    assert touchpoints["t4"]["occurred_at"] == datetime(2025, 11, 4, 10, 0)
    assert touchpoints["t3"]["channel"] == "inmail"
    assert touchpoints["t3"]["body"] == "Hi Ada,\nwould you like to build robots with us?"
    assert touchpoints["t6"]["role_id"] is None

    suppressions = rows_of(engine, models.Suppression)
    assert {(s["candidate_id"], s["email"], s["linkedin_url"]) for s in suppressions} == {
        (None, "someone@example.com", None),  # email matches case-insensitively
        (None, None, "linkedin.com/in/ghost"),  # scheme, www., case and slash dropped
        ("c3", None, None),
    }


def test_threads_are_candidate_role_channel_with_the_earliest_outbound_as_initial(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "export", base_export()))

    threads = {
        (t["candidate_id"], t["role_id"], t["channel"]): t for t in rows_of(engine, models.Thread)
    }
    # Not threads: a phone call (t5), an InMail with no role (t6), an inbound-only pair (t9).
    assert set(threads) == {("c1", "r1", "inmail"), ("c1", "r1", "email"), ("c2", "r2", "email")}

    inmail = threads[("c1", "r1", "inmail")]
    assert inmail["initial_touchpoint_id"] == "t3"  # earliest in time, second in the file
    assert inmail["initial_at"] == datetime(2025, 11, 1, 7, 0)
    assert inmail["recruiter"] == "sam"
    assert threads[("c1", "r1", "email")]["initial_touchpoint_id"] == "t4"
    assert threads[("c2", "r2", "email")]["initial_touchpoint_id"] == "t7"
    assert threads[("c2", "r2", "email")]["recruiter"] == "jordan"
    assert {t["state"] for t in threads.values()} == {"waiting"}
    assert all(t["reasons"] == [] for t in threads.values())


def test_first_name_is_derived_only_when_empty(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "export", base_export()))
    candidates = by_key(engine, models.Candidate, "candidate_id")
    assert candidates["c1"]["first_name"] == "Ada"  # "Dr. Ada Lovelace", title dropped
    assert candidates["c2"]["first_name"] == "Pepe"  # given: kept as written
    assert candidates["c3"]["first_name"] == "Grace"  # column absent from the row: derived


def test_delivery_defaults_to_delivered_for_outbound_only(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "export", base_export()))
    touchpoints = by_key(engine, models.Touchpoint, "touchpoint_id")
    assert touchpoints["t3"]["delivery"] == "delivered"
    assert touchpoints["t5"]["delivery"] == "delivered"
    assert touchpoints["t4"]["delivery"] == "bounced"
    assert touchpoints["t8"]["delivery"] is None  # inbound: delivery does not apply
    assert touchpoints["t9"]["delivery"] is None


def test_recruiter_named_only_in_touchpoints_is_created_active_with_a_warning(engine, tmp_path):
    report = import_export(engine, write_export(tmp_path / "export", base_export()))
    recruiters = by_key(engine, models.Recruiter, "recruiter")
    assert set(recruiters) == {"sam", "alex", "jordan"}
    assert recruiters["jordan"]["status"] == "active"
    assert recruiters["jordan"]["name"] is None
    assert any("jordan" in w and "recruiters.csv" in w for w in report.warnings)


def test_recruiters_file_is_optional(engine, tmp_path):
    files = base_export()
    del files["recruiters.csv"], files["suppressions.csv"]
    report = import_export(engine, write_export(tmp_path / "export", files))
    assert "recruiters.csv" not in report.files
    recruiters = by_key(engine, models.Recruiter, "recruiter")
    # Every handle in touchpoints.csv exists, active: alex is no longer known to be paused.
    assert {k: r["status"] for k, r in recruiters.items()} == {
        "sam": "active",
        "alex": "active",
        "jordan": "active",
    }


def test_a_byte_order_mark_is_accepted(engine, tmp_path):
    plain = tmp_path / "plain"
    write_export(plain, base_export())
    import_export(engine, plain, now=IMPORTED_AT)
    expected = dump(engine)

    bom = write_export(tmp_path / "bom", base_export(), encoding="utf-8-sig")
    assert (bom / "candidates.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    other = open_store(f"sqlite:///{tmp_path / 'bom.db'}")
    try:
        report = import_export(other, bom, now=IMPORTED_AT)
        assert report.files["candidates.csv"].rows == 3
        assert not any("unknown" in w for w in report.warnings), report.warnings
        assert dump(other) == expected
    finally:
        other.dispose()


def test_column_order_is_free(engine, tmp_path):
    files = base_export()
    import_export(engine, write_export(tmp_path / "plain", files), now=IMPORTED_AT)
    reversed_order = {name: list(reversed(header_of(rows))) for name, rows in files.items()}
    shuffled = write_export(tmp_path / "shuffled", files, order=reversed_order)
    first_line = (shuffled / "touchpoints.csv").read_text().splitlines()[0]
    assert first_line.split(",") == reversed_order["touchpoints.csv"]

    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        import_export(other, shuffled, now=IMPORTED_AT)
        assert dump(other) == dump(engine)
    finally:
        other.dispose()


def test_header_names_ignore_case_and_surrounding_space(engine, tmp_path):
    folder = write_export(tmp_path / "export", base_export())
    write_csv(
        folder / "roles.csv",
        [" Role_ID ", "TITLE", "Status"],
        [["r1", "Robotics Engineer", "open"], ["r2", "Firmware Lead", "filled"]],
    )
    import_export(engine, folder)
    assert set(by_key(engine, models.Role, "role_id")) == {"r1", "r2"}


def test_unknown_column_is_ignored_with_a_warning(engine, tmp_path):
    files = base_export()
    for row in files["candidates.csv"]:
        row["ats_owner"] = "someone"
    report = import_export(engine, write_export(tmp_path / "export", files))
    assert any(
        w.startswith("candidates.csv") and "ats_owner" in w and "unknown" in w
        for w in report.warnings
    ), report.warnings
    assert len(rows_of(engine, models.Candidate)) == 3


def test_blank_lines_are_skipped(engine, tmp_path):
    folder = write_export(tmp_path / "export", base_export())
    with (folder / "roles.csv").open("a", newline="", encoding="utf-8") as handle:
        handle.write("\r\n,,\r\n\r\n")
    report = import_export(engine, folder)
    assert report.files["roles.csv"].rows == 2


# --------------------------------------------------------------------------- re-imports


def test_importing_the_same_export_twice_changes_nothing(engine, tmp_path):
    folder = write_export(tmp_path / "export", base_export())
    import_export(engine, folder)
    first = dump(engine)

    report = import_export(engine, folder)

    assert dump(engine) == first
    assert {name: c.new for name, c in report.files.items()} == dict.fromkeys(report.files, 0)
    assert report.new_threads == 0
    assert report.threads == 3
    # jordan exists now: the second run does not claim to add them again.
    assert not any("jordan" in w for w in report.warnings)


def test_a_later_export_with_more_rows_adds_them(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "monday", base_export()))
    before = dump(engine)

    report = import_export(engine, write_export(tmp_path / "tuesday", grown_export()))

    assert {name: c.new for name, c in report.files.items()} == {
        "recruiters.csv": 0,
        "roles.csv": 1,
        "candidates.csv": 1,
        "touchpoints.csv": 1,
        "suppressions.csv": 1,
    }
    assert (report.threads, report.new_threads) == (4, 1)
    after = dump(engine)
    for table, rows in before.items():
        for row in rows:
            assert row in after[table], f"{table} lost or changed {row}"
    assert by_key(engine, models.Recruiter, "recruiter")["riley"]["status"] == "active"
    assert by_key(engine, models.Candidate, "candidate_id")["c4"]["first_name"] == "Alan"


def test_a_later_export_updates_changed_values(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "monday", base_export()))
    files = base_export()
    files["candidates.csv"][0]["ats_status"] = "offer"
    files["candidates.csv"][0]["title"] = "Staff Engineer"
    files["roles.csv"][0]["status"] = "closed"
    import_export(engine, write_export(tmp_path / "tuesday", files))

    candidate = by_key(engine, models.Candidate, "candidate_id")["c1"]
    assert (candidate["ats_status"], candidate["title"]) == ("offer", "Staff Engineer")
    assert by_key(engine, models.Role, "role_id")["r1"]["status"] == "closed"


def test_a_later_export_without_notes_keeps_the_stored_notes(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "monday", base_export()))
    files = base_export()
    for row in files["candidates.csv"]:
        row.pop("notes", None)
        row["title"] = "Changed"
    assert "notes" not in header_of(files["candidates.csv"])

    import_export(engine, write_export(tmp_path / "tuesday", files))

    candidates = by_key(engine, models.Candidate, "candidate_id")
    assert candidates["c1"]["notes"] == 'Met at PyCon.\nLikes robots, "big" ones.'
    assert candidates["c3"]["notes"] == "Prefers email"
    assert candidates["c1"]["title"] == "Changed"  # the columns it does have are updated


def test_a_later_export_without_first_name_keeps_a_given_first_name(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "monday", base_export()))
    files = base_export()
    for row in files["candidates.csv"]:
        row.pop("first_name", None)
    assert "first_name" not in header_of(files["candidates.csv"])

    import_export(engine, write_export(tmp_path / "tuesday", files))

    assert by_key(engine, models.Candidate, "candidate_id")["c2"]["first_name"] == "Pepe"


def test_a_later_export_without_delivery_keeps_a_bounce(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "monday", base_export()))
    files = base_export()
    for row in files["touchpoints.csv"]:
        row.pop("delivery", None)
    assert "delivery" not in header_of(files["touchpoints.csv"])

    import_export(engine, write_export(tmp_path / "tuesday", files))

    assert by_key(engine, models.Touchpoint, "touchpoint_id")["t4"]["delivery"] == "bounced"


def test_touchpoints_without_the_optional_recruiter_column(engine, tmp_path):
    files = base_export()
    for row in files["touchpoints.csv"]:
        row.pop("recruiter", None)
    import_export(engine, write_export(tmp_path / "export", files))
    assert len(rows_of(engine, models.Touchpoint)) == 8
    assert {t["recruiter"] for t in rows_of(engine, models.Thread)} == {None}


def test_a_previously_imported_candidate_may_be_referred_to_later(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "monday", base_export()))
    files = {
        "roles.csv": base_export()["roles.csv"],
        "candidates.csv": [
            {"candidate_id": "c9", "full_name": "New Person", "ats_status": "prospect"}
        ],
        "touchpoints.csv": [
            {
                "touchpoint_id": "t20",
                "candidate_id": "c2",  # known from Monday, absent from this export
                "role_id": "r1",
                "recruiter": "sam",
                "channel": "email",
                "direction": "outbound",
                "occurred_at": "2025-11-10T09:00:00Z",
            }
        ],
    }
    report = import_export(engine, write_export(tmp_path / "tuesday", files))
    assert report.new_threads == 1
    assert "t20" in by_key(engine, models.Touchpoint, "touchpoint_id")
