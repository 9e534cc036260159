"""CSV exports for spreadsheets: text a person wrote never turns into a formula."""

import io

from store.spreadsheet import spreadsheet_safe, write_dicts


def test_formula_like_cells_are_kept_as_text():
    assert spreadsheet_safe('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert spreadsheet_safe("+1 555") == "'+1 555"
    assert spreadsheet_safe("@sam") == "'@sam"
    assert spreadsheet_safe("Too pushy") == "Too pushy"
    assert spreadsheet_safe(3) == 3


def test_concerns_csv_escapes_every_cell():
    out = io.StringIO()
    write_dicts(out, [{"draft_id": 1, "note": "=cmd|' /C calc'!A0"}], ["draft_id"])
    assert out.getvalue().splitlines() == ["draft_id,note", "1,'=cmd|' /C calc'!A0"]
