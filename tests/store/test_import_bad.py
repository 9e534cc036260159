"""`followups import`: a bad export is a located error and writes nothing.

"Store unchanged" is checked by dumping every table before and after, on SQLite and (with
FOLLOWUPS_TEST_PG) on PostgreSQL.
"""

from __future__ import annotations

import random
import string
from pathlib import Path

import pytest

from store import FollowupsError
from store.importer import ImportFailed, import_export
from tests.support.import_export import (
    Export,
    base_export,
    dump,
    grown_export,
    header_of,
    set_cells,
    write_csv,
    write_export,
)

# --------------------------------------------------------------------------- bad exports
#
# Lines are physical lines of the file, as an editor shows them: c1's notes and t3's body
# span two lines, so in candidates.csv c2 starts on line 4, and t4 on line 5 of touchpoints.csv.


def case_missing_file(folder: Path, files: Export) -> list[str]:
    write_export(folder, files)
    (folder / "touchpoints.csv").unlink()
    return ["touchpoints.csv", "missing"]


def case_missing_column(folder: Path, files: Export) -> list[str]:
    for row in files["candidates.csv"]:
        del row["ats_status"]
    write_export(folder, files)
    return ["candidates.csv, line 1, column ats_status", "missing"]


def case_missing_required_value(folder: Path, files: Export) -> list[str]:
    set_cells(files, "roles.csv", 1, title="  ")
    write_export(folder, files)
    return ["roles.csv, line 3, column title", "required"]


def case_unknown_enum(folder: Path, files: Export) -> list[str]:
    set_cells(files, "touchpoints.csv", 1, channel="fax")
    write_export(folder, files)
    return ["touchpoints.csv, line 3, column channel", "'fax'", "inmail"]


def case_unknown_status(folder: Path, files: Export) -> list[str]:
    set_cells(files, "candidates.csv", 2, ats_status="ghosted")
    write_export(folder, files)
    return ["candidates.csv, line 5, column ats_status", "'ghosted'"]


def case_bad_boolean(folder: Path, files: Export) -> list[str]:
    set_cells(files, "candidates.csv", 0, do_not_contact="maybe")
    write_export(folder, files)
    return ["candidates.csv, line 2, column do_not_contact", "'maybe'"]


def case_bad_timestamp(folder: Path, files: Export) -> list[str]:
    set_cells(files, "touchpoints.csv", 0, occurred_at="2025-13-45 25:00")
    write_export(folder, files)
    return ["touchpoints.csv, line 2, column occurred_at", "2025-13-45 25:00"]


def case_bad_timestamp_after_multiline_cell(folder: Path, files: Export) -> list[str]:
    # Row 1's body spans 3 physical lines, so row 2 starts on line 5 of the file.
    set_cells(files, "touchpoints.csv", 0, body="one\ntwo\nthree")
    set_cells(files, "touchpoints.csv", 1, occurred_at="last tuesday")
    write_export(folder, files)
    return ["touchpoints.csv, line 5, column occurred_at", "last tuesday"]


def case_bad_timezone(folder: Path, files: Export) -> list[str]:
    set_cells(files, "candidates.csv", 1, timezone="Mars/Olympus")
    write_export(folder, files)
    return ["candidates.csv, line 4, column timezone", "Mars/Olympus"]


def case_duplicate_id(folder: Path, files: Export) -> list[str]:
    files["candidates.csv"].append(dict(files["candidates.csv"][0], full_name="Ada Again"))
    write_export(folder, files)
    return ["candidates.csv, line 7, column candidate_id", "'c1'", "first on line 2"]


def case_duplicate_column(folder: Path, files: Export) -> list[str]:
    write_export(folder, files)
    write_csv(
        folder / "roles.csv", ["role_id", "title", "status", "title"], [["r1", "a", "open", "b"]]
    )
    return ["roles.csv, line 1, column title", "twice"]


def case_unknown_candidate(folder: Path, files: Export) -> list[str]:
    set_cells(files, "touchpoints.csv", 6, candidate_id="c404")
    write_export(folder, files)
    return ["touchpoints.csv, line 9, column candidate_id", "'c404'"]


def case_unknown_role(folder: Path, files: Export) -> list[str]:
    set_cells(files, "touchpoints.csv", 2, role_id="r404")
    write_export(folder, files)
    return ["touchpoints.csv, line 5, column role_id", "'r404'"]


def case_suppression_of_unknown_candidate(folder: Path, files: Export) -> list[str]:
    files["suppressions.csv"].append({"candidate_id": "c404"})
    write_export(folder, files)
    return ["suppressions.csv, line 6, column candidate_id", "'c404'"]


def case_latin1(folder: Path, files: Export) -> list[str]:
    write_export(folder, files)
    write_export(folder, {"candidates.csv": files["candidates.csv"]}, encoding="latin-1")
    return ["candidates.csv, line 4", "0xfa", "UTF-8"]


def case_empty_file(folder: Path, files: Export) -> list[str]:
    write_export(folder, files)
    (folder / "roles.csv").write_bytes(b"")
    return ["roles.csv, line 1", "empty"]


def case_huge_body(folder: Path, files: Export) -> list[str]:
    set_cells(files, "touchpoints.csv", 0, body="x" * 10_000_000)
    write_export(folder, files)
    return ["touchpoints.csv, line 2, column body", "10,000,000 characters", "limit"]


def case_header_only(folder: Path, files: Export) -> list[str]:
    write_export(folder, files)
    header = header_of(files["touchpoints.csv"])
    write_csv(folder / "touchpoints.csv", header, [])
    return ["touchpoints.csv", "no rows"]


def case_suppression_without_identifier(folder: Path, files: Export) -> list[str]:
    files["suppressions.csv"].insert(0, {"reason": "asked us to stop"})
    write_export(folder, files)
    return ["suppressions.csv, line 2", "candidate_id, email, linkedin_url"]


def case_bad_email(folder: Path, files: Export) -> list[str]:
    set_cells(files, "candidates.csv", 1, email="jose at example.org")
    write_export(folder, files)
    return ["candidates.csv, line 4, column email", "not an email address"]


def case_too_many_cells(folder: Path, files: Export) -> list[str]:
    write_export(folder, files)
    with (folder / "roles.csv").open("a", newline="", encoding="utf-8") as handle:
        handle.write("r9,Extra,open,x,y,surplus\r\n")
    return ["roles.csv, line 5", "6 cells", "5 columns"]


def case_broken_quoting(folder: Path, files: Export) -> list[str]:
    write_export(folder, files)
    with (folder / "roles.csv").open("a", newline="", encoding="utf-8") as handle:
        handle.write('r9,"Unclosed,open\r\n')
    return ["roles.csv", "not valid CSV"]


BAD_EXPORTS = [
    case_missing_file,
    case_missing_column,
    case_missing_required_value,
    case_unknown_enum,
    case_unknown_status,
    case_bad_boolean,
    case_bad_timestamp,
    case_bad_timestamp_after_multiline_cell,
    case_bad_timezone,
    case_duplicate_id,
    case_duplicate_column,
    case_unknown_candidate,
    case_unknown_role,
    case_suppression_of_unknown_candidate,
    case_latin1,
    case_empty_file,
    case_huge_body,
    case_header_only,
    case_suppression_without_identifier,
    case_bad_email,
    case_too_many_cells,
    case_broken_quoting,
]


@pytest.mark.parametrize("prior", ["empty store", "after a good import"])
@pytest.mark.parametrize("make_bad", BAD_EXPORTS, ids=lambda f: f.__name__.removeprefix("case_"))
def test_a_bad_export_is_a_located_error_and_writes_nothing(engine, tmp_path, prior, make_bad):
    if prior == "after a good import":
        import_export(engine, write_export(tmp_path / "monday", base_export()))
    before = dump(engine)
    # The bad export also holds good new rows: any partial write would show in the dump.
    expected = make_bad(tmp_path / "bad", grown_export())

    with pytest.raises(ImportFailed) as failure:
        import_export(engine, tmp_path / "bad")

    message = str(failure.value)
    for fragment in expected:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert "nothing was written" in message
    assert len(message) < 2_000  # a 10 MB cell is not echoed back
    assert dump(engine) == before


def test_every_problem_is_listed_not_just_the_first(engine, tmp_path):
    files = grown_export()
    set_cells(files, "touchpoints.csv", 0, channel="fax")
    set_cells(files, "touchpoints.csv", 1, direction="sideways")
    set_cells(files, "candidates.csv", 0, ats_status="ghosted")
    with pytest.raises(ImportFailed) as failure:
        import_export(engine, write_export(tmp_path / "bad", files))
    located = {(p.file, p.line, p.column) for p in failure.value.problems}
    assert located == {
        ("touchpoints.csv", 2, "channel"),
        ("touchpoints.csv", 3, "direction"),
        ("candidates.csv", 2, "ats_status"),
    }


def test_a_missing_folder_is_a_clear_error(engine, tmp_path):
    with pytest.raises(FollowupsError, match="not a folder"):
        import_export(engine, tmp_path / "nowhere")


def test_dry_run_checks_everything_and_writes_nothing(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "monday", base_export()))
    before = dump(engine)
    report = import_export(engine, write_export(tmp_path / "tuesday", grown_export()), dry_run=True)
    assert report.dry_run
    assert report.files["candidates.csv"].new == 1
    assert dump(engine) == before

    bad = grown_export()
    set_cells(bad, "touchpoints.csv", 2, role_id="r404")
    with pytest.raises(ImportFailed, match="r404"):
        import_export(engine, write_export(tmp_path / "bad", bad), dry_run=True)


def test_an_overlong_suppression_url_is_a_located_error_or_imports(engine, tmp_path, request):
    """A pasted junk URL must not surface as a raw database error."""
    files = base_export()
    letters = random.Random(7)  # incompressible: PostgreSQL compresses index entries
    junk = "".join(letters.choice(string.ascii_letters) for _ in range(3_900))
    files["suppressions.csv"].append({"linkedin_url": "linkedin.com/in/" + junk})
    before = dump(engine)
    try:
        import_export(engine, write_export(tmp_path / "export", files))
    except ImportFailed as exc:
        assert "suppressions.csv, line 5, column linkedin_url" in str(exc)
        assert dump(engine) == before
