"""CSV for spreadsheets: any text a person wrote stays text when a lead opens the file."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

# A spreadsheet runs a cell that starts with one of these as a formula; a note, a name or a
# body written by anyone must not become one when the export is opened.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """A cell value that a spreadsheet shows as text, never evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_dicts(handle: TextIO, rows: list[dict[str, Any]], empty_fields: list[str]) -> None:
    """Rows of dicts as CSV with a header (``empty_fields`` when there are no rows)."""
    writer = csv.DictWriter(
        handle, fieldnames=list(rows[0]) if rows else empty_fields, lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()} for row in rows)


def write_rows(handle: TextIO, rows: Iterable[list[Any]]) -> None:
    """Plain rows (the first one the header) as CSV."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerows([spreadsheet_safe(v) for v in row] for row in rows)
