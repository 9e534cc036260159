"""Reading an ATS export: decoding each file, parsing every cell, collecting problems.

Nothing here writes: `store.importer` checks what was read against the store and writes
it all or nothing. Problems name the file, line and column and quote at most a bounded
part of the bad value.
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store import FollowupsError, status_history
from store.csv_schema import EXPORT_FILES, STATUS_HISTORY, SUPPRESSIONS, FileSpec
from store.text import clean, quoted

# Cells are bounded by the column parsers with a clear message; the csv module's own
# limit would otherwise stop a 10 MB cell with an unhelpful "field larger than field limit".
csv.field_size_limit(sys.maxsize)

MAX_PROBLEMS_SHOWN = 20
# One problem is one line of a terminal or two, whatever the export holds.
MAX_PROBLEM_CHARS = 280


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with the export, located precisely enough to fix it."""

    file: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            # Column names come from the file's header: a contract name, or quoted.
            plain = self.column.isascii() and self.column.replace("_", "").isalnum()
            where += f", column {self.column if plain else quoted(self.column, 40)}"
        text = f"{where}: {self.message}"
        # Every value is quoted short already; this bounds what a future message forgets to.
        return text if len(text) <= MAX_PROBLEM_CHARS else text[: MAX_PROBLEM_CHARS - 1] + "…"


class ImportFailed(FollowupsError):
    """The export has problems; nothing was written."""

    def __init__(self, problems: list[ImportProblem]):
        self.problems = problems
        shown = [str(p) for p in problems[:MAX_PROBLEMS_SHOWN]]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            shown.append(f"... and {len(problems) - MAX_PROBLEMS_SHOWN} more")
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(
            f"import failed with {len(problems)} {noun}; nothing was written:\n  "
            + "\n  ".join(shown)
        )


@dataclass
class ParsedFile:
    """The checked rows of one file, with the line each started on."""

    spec: FileSpec
    header: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


def _decode(path: Path, problems: list[ImportProblem]) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(ImportProblem(path.name, None, None, f"cannot read: {exc.strerror}"))
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start : exc.start + 1].hex()
        problems.append(
            ImportProblem(
                path.name,
                line,
                None,
                f"not UTF-8 (byte 0x{bad}); export the file as UTF-8 and import it again",
            )
        )
        return None


def read_file(path: Path, spec: FileSpec, problems: list[ImportProblem], warnings: list[str]):
    """Parse and check one file. Problems are appended; returns None when unreadable."""
    content = _decode(path, problems)
    if content is None:
        return None
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
    try:
        # Header names are printed in warnings and errors: no control characters in them.
        header = [clean(h).strip().casefold() for h in next(reader)]
    except StopIteration:
        problems.append(ImportProblem(spec.name, 1, None, "the file is empty (no header row)"))
        return None
    except csv.Error as exc:
        problems.append(ImportProblem(spec.name, 1, None, f"not valid CSV: {exc}"))
        return None

    missing = [c.name for c in spec.columns if c.required and c.name not in header]
    for name in missing:
        problems.append(ImportProblem(spec.name, 1, name, "required column is missing"))
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(ImportProblem(spec.name, 1, name, "column appears twice"))
        seen.add(name)
    unknown = [h for h in header if spec.column(h) is None]
    if unknown:
        shown = ", ".join(quoted(h, 40) for h in unknown[:10])
        more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        warnings.append(f"{spec.name}: ignoring unknown column(s) {shown}{more}")
    if missing:
        return None

    parsed = ParsedFile(spec, header)
    columns = [(i, spec.column(name)) for i, name in enumerate(header) if spec.column(name)]
    line = 2
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(header):
                problems.append(
                    ImportProblem(
                        spec.name,
                        start,
                        None,
                        f"{len(record)} cells but the header has {len(header)} columns",
                    )
                )
                continue
            row = _parse_row(spec, columns, record, start, problems)
            if row is not None:
                parsed.rows.append(row)
                parsed.lines.append(start)
    except csv.Error as exc:
        problems.append(ImportProblem(spec.name, line, None, f"not valid CSV: {exc}"))
        return None
    if spec.required and not parsed.rows:
        problems.append(
            ImportProblem(spec.name, 2, None, "the file has a header but no rows to import")
        )
    return parsed


def _parse_row(spec, columns, record, line, problems) -> dict[str, Any] | None:
    row: dict[str, Any] = {}
    ok = True
    for index, column in columns:
        cell = record[index] if index < len(record) else ""
        if not cell.strip():
            if column.required:
                problems.append(ImportProblem(spec.name, line, column.name, "a value is required"))
                ok = False
            row[column.name] = None
            continue
        try:
            row[column.name] = column.parse(cell)
        except ValueError as exc:
            problems.append(ImportProblem(spec.name, line, column.name, str(exc)))
            ok = False
            continue
        except Exception as exc:  # noqa: BLE001 - any surprise is still this cell's problem
            # A parser that trips over a value it never imagined must still name the cell,
            # never end the import with "unexpected OverflowError".
            problems.append(
                ImportProblem(
                    spec.name,
                    line,
                    column.name,
                    f"cannot read {quoted(cell)} ({type(exc).__name__})",
                )
            )
            ok = False
            continue
        if column.required and isinstance(row[column.name], str) and not row[column.name].strip():
            # Only control characters: nothing is left once they are stripped.
            problems.append(ImportProblem(spec.name, line, column.name, "a value is required"))
            ok = False
    identities = ("candidate_id", "email", "linkedin_url")
    if spec is SUPPRESSIONS and ok and not any(row.get(k) for k in identities):
        problems.append(
            ImportProblem(spec.name, line, None, "needs at least one of " + ", ".join(identities))
        )
        ok = False
    return row if ok else None


def read_export(directory: Path) -> tuple[dict[str, ParsedFile], list[str]]:
    """Read and check every file of an export. Raises ImportFailed with every problem found."""
    problems: list[ImportProblem] = []
    warnings: list[str] = []
    if not directory.is_dir():
        raise FollowupsError(
            f"{quoted(str(directory), 160, bare=True)} is not a folder "
            "(expected a folder of CSV files)"
        )
    parsed: dict[str, ParsedFile] = {}
    for spec in EXPORT_FILES:
        path = directory / spec.name
        if not path.is_file():
            if spec.required:
                where = quoted(str(directory), 160, bare=True)
                problems.append(ImportProblem(spec.name, None, None, f"missing from {where}"))
            continue
        result = read_file(path, spec, problems, warnings)
        if result is not None:
            parsed[spec.name] = result
    for result in parsed.values():
        _check_duplicates(result, problems)
    if problems:
        raise ImportFailed(problems)
    return parsed, warnings


def _check_duplicates(parsed: ParsedFile, problems: list[ImportProblem]) -> None:
    if parsed.spec is STATUS_HISTORY:
        for line, message in status_history.duplicate_lines(parsed.rows, parsed.lines):
            problems.append(ImportProblem(parsed.spec.name, line, "changed_at", message))
        return
    key = parsed.spec.key
    if key is None:
        return
    first_line: dict[str, int] = {}
    for row, line in zip(parsed.rows, parsed.lines, strict=True):
        value = row[key]
        if value in first_line:
            problems.append(
                ImportProblem(
                    parsed.spec.name,
                    line,
                    key,
                    f"duplicate id {quoted(value)} (first on line {first_line[value]})",
                )
            )
        else:
            first_line[value] = line
