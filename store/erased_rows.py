"""A later import after `forget`: every row of an erased person is dropped (section 8).

Rows are compared by keyed hash (store.erasure) of their candidate id, addresses and
LinkedIn URL, before anything is checked or written; a warning names the file and the
lines, never the person.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from store.erasure import ErasedMatcher, identifiers

# The files whose rows name a person, and the columns that do.
_PERSON_COLUMNS = {
    "candidates.csv": ("candidate_id", "email", "other_emails", "linkedin_url"),
    "touchpoints.csv": ("candidate_id", None, None, None),
    "suppressions.csv": ("candidate_id", "email", None, "linkedin_url"),
    "status_history.csv": ("candidate_id", None, None, None),
}
MAX_LINES_SHOWN = 20


def skip_erased_rows(conn: Connection, parsed: dict[str, Any]) -> list[str]:
    """Drop every row of an erased person from a parsed export, before anything is checked
    or written; one warning per file naming its lines (never the person)."""
    matcher = ErasedMatcher(conn)
    if not matcher:
        return []
    skipped_ids: set[str] = set()
    warnings = []
    for name, columns in _PERSON_COLUMNS.items():
        if name not in parsed:
            continue
        file = parsed[name]
        kept_rows, kept_lines, dropped = [], [], []
        for row, line in zip(file.rows, file.lines, strict=True):
            id_col, email_col, other_col, linkedin_col = columns
            found = identifiers(
                row.get(id_col),
                row.get(email_col) if email_col else None,
                row.get(other_col) if other_col else None,
                row.get(linkedin_col) if linkedin_col else None,
            )
            if row.get(id_col) in skipped_ids or matcher.erased(*found):
                if name == "candidates.csv":
                    skipped_ids.add(row[id_col])
                dropped.append(line)
                continue
            kept_rows.append(row)
            kept_lines.append(line)
        if dropped:
            file.rows, file.lines = kept_rows, kept_lines
            shown = ", ".join(str(n) for n in dropped[:MAX_LINES_SHOWN])
            more = (
                f" and {len(dropped) - MAX_LINES_SHOWN} more"
                if len(dropped) > MAX_LINES_SHOWN
                else ""
            )
            noun = "line" if len(dropped) == 1 else "lines"
            warnings.append(
                f"{name}, {noun} {shown}{more}: skipped: a person erased from this store "
                "(followups forget); nothing of theirs was imported"
            )
    return warnings
