"""`followups import`: untrusted text is stored clean and literal, whatever it holds."""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import models
from store.db import open_store
from store.importer import ImportFailed, import_export
from store.text import clean, first_name_of
from tests.support.import_export import (
    Export,
    base_export,
    by_key,
    dump,
    write_export,
)

# --------------------------------------------------------------------------- untrusted text

CONTROL_SAMPLES = "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f\x80\x85\x9b\x9f\u202a\u202e\u2066\u2069"


BIDI_CONTROLS = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def has_control(value: str) -> bool:
    """Any C0/C1 control (CR included) but newline and tab, DEL, or a bidi control mark."""
    return any(
        (unicodedata.category(ch) == "Cc" and ch not in "\n\t") or ch in BIDI_CONTROLS
        for ch in value
    )


def test_control_characters_are_stripped_from_names_and_bodies(engine, tmp_path):
    files = base_export()
    files["candidates.csv"][0]["full_name"] = "\u202eAda\x00 Love\x1b[31mlace\x7f\x85"
    files["candidates.csv"][0]["notes"] = "line\x9b one\r\nline\ttwo\x07"
    files["touchpoints.csv"][1]["body"] = "Hi\u2066 Ada\x08,\nbye\x0c\u202a"
    files["touchpoints.csv"][1]["subject"] = "\x1b]0;pwned\x07Robots"
    import_export(engine, write_export(tmp_path / "export", files))

    c1 = by_key(engine, models.Candidate, "candidate_id")["c1"]
    assert c1["full_name"] == "Ada Love[31mlace"
    assert c1["first_name"] == "Ada"
    assert c1["notes"] == "line one\nline\ttwo"  # newline and tab kept, CRLF normalised
    t3 = by_key(engine, models.Touchpoint, "touchpoint_id")["t3"]
    assert t3["body"] == "Hi Ada,\nbye"
    assert t3["subject"] == "]0;pwnedRobots"
    for value in (c1["full_name"], c1["notes"], t3["body"], t3["subject"]):
        assert not has_control(value), repr(value)


def test_markup_like_text_is_stored_literally(engine, tmp_path):
    files = base_export()
    files["candidates.csv"][0]["full_name"] = "[@click=app.quit]x"
    files["candidates.csv"][0]["notes"] = "[bold red]hi[/] {{ secret }} <script>"
    files["touchpoints.csv"][1]["body"] = "[link=https://evil.example]click[/link]"
    import_export(engine, write_export(tmp_path / "export", files))

    c1 = by_key(engine, models.Candidate, "candidate_id")["c1"]
    assert c1["full_name"] == "[@click=app.quit]x"
    assert c1["first_name"] == "[@click=app.quit]x"
    assert c1["notes"] == "[bold red]hi[/] {{ secret }} <script>"
    body = by_key(engine, models.Touchpoint, "touchpoint_id")["t3"]["body"]
    assert body == "[link=https://evil.example]click[/link]"


@pytest.mark.parametrize(
    ("column", "value"), [("full_name", "\u202e\x07"), ("candidate_id", "\x01")]
)
def test_a_required_cell_of_only_control_characters_is_an_error(engine, tmp_path, column, value):
    files = base_export()
    files["candidates.csv"][2][column] = value
    if column == "candidate_id":
        files["suppressions.csv"].pop()  # refers to c3
        files["touchpoints.csv"] = [
            t for t in files["touchpoints.csv"] if t["candidate_id"] != "c3"
        ]
    before = dump(engine)
    with pytest.raises(ImportFailed) as failure:
        import_export(engine, write_export(tmp_path / "export", files))
    assert f"candidates.csv, line 5, column {column}" in str(failure.value)  # c1 spans 2
    assert dump(engine) == before


# --------------------------------------------------------------------------- property

SPECIALS = list(CONTROL_SAMPLES) + [
    "\r\n",
    "\r",
    "\n",
    "\t",
    '"',
    ",",
    " ",
    "[@click=app.quit]",
    "[bold]",
    "[/]",
    "{{ name }}",
    "<b>",
    "\u2028",
    "\ufeff",
]
untrusted = st.lists(
    st.one_of(st.characters(codec="utf-8"), st.sampled_from(SPECIALS)), max_size=40
).map("".join)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(full_name=untrusted, notes=untrusted, body=untrusted)
def test_any_text_reads_back_cleaned(tmp_path, full_name, notes, body):
    if not clean(full_name).strip():
        full_name = "x" + full_name  # a required cell; blank is an error tested elsewhere
    files: Export = {
        "roles.csv": [{"role_id": "r1", "title": "Engineer", "status": "open"}],
        "candidates.csv": [
            {
                "candidate_id": "c1",
                "full_name": full_name,
                "ats_status": "prospect",
                "notes": notes,
            }
        ],
        "touchpoints.csv": [
            {
                "touchpoint_id": "t1",
                "candidate_id": "c1",
                "role_id": "r1",
                "recruiter": "sam",
                "channel": "inmail",
                "direction": "outbound",
                "occurred_at": "2025-11-01T09:00:00Z",
                "body": body,
            }
        ],
    }
    # A fresh store per example: a re-import keeps a stored first name by design.
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    sqlite_engine = open_store(f"sqlite:///{folder}/store.db")
    import_export(sqlite_engine, write_export(folder / "export", files))

    candidate = by_key(sqlite_engine, models.Candidate, "candidate_id")["c1"]
    touchpoint = by_key(sqlite_engine, models.Touchpoint, "touchpoint_id")["t1"]

    def expected(value: str) -> str | None:
        return clean(value) if value.strip() else None  # an empty optional cell is unknown

    assert candidate["full_name"] == clean(full_name)
    assert candidate["first_name"] == first_name_of(clean(full_name))
    assert candidate["notes"] == expected(notes)
    assert touchpoint["body"] == expected(body)
    for value in (candidate["full_name"], candidate["first_name"], candidate["notes"]):
        assert value is None or not has_control(value), repr(value)
    assert touchpoint["body"] is None or not has_control(touchpoint["body"])
