"""`followups import DIR`: read an ATS export, check every cell, then write it all or nothing.

Reading and checking happen entirely before the first write, so a bad export leaves the
store exactly as it was. Writing is set-based (one upsert per table, in batches), which
is what keeps 100k touchpoints in seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Engine, bindparam, func, literal, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from store import FollowupsError, models, status_history
from store.addresses import replace_addresses
from store.clock import at_or_now
from store.csv_schema import SUPPRESSIONS
from store.erased_rows import skip_erased_rows
from store.import_files import (
    ImportFailed,
    ImportProblem,
    ParsedFile,
    read_export,
)
from store.suppressions import suppression_key
from store.text import first_name_of, normalise_email, normalise_linkedin, quoted
from store.upsert import upsert, upsert_select

THREAD_CHANNELS = models.THREAD_CHANNELS


@dataclass
class FileCounts:
    """How many rows of a file were new to the store and how many it already knew."""

    rows: int = 0
    new: int = 0


@dataclass
class ImportReport:
    """What an import did (or, with dry_run, would do)."""

    directory: Path
    dry_run: bool
    files: dict[str, FileCounts] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    threads: int = 0
    new_threads: int = 0


_EMPTY = ParsedFile(SUPPRESSIONS, [])
_FILLED = "_filled"


def _existing_ids(conn: Connection, column) -> set[str]:
    return set(conn.execute(select(column)).scalars())


def _check_references(parsed, known, problems) -> None:
    """Every id a row refers to must be in this export or already in the store."""

    def check(file: str, column: str, pool: set[str]) -> None:
        if file not in parsed:
            return
        for row, line in zip(parsed[file].rows, parsed[file].lines, strict=True):
            value = row.get(column)
            if value is not None and value not in pool:
                what = column.replace("_id", "")
                problems.append(
                    ImportProblem(file, line, column, f"unknown {what} {quoted(value)}")
                )

    check("touchpoints.csv", "candidate_id", known["candidates"])
    check("touchpoints.csv", "role_id", known["roles"])
    check("suppressions.csv", "candidate_id", known["candidates"])
    check(status_history.FILE, "candidate_id", known["candidates"])


def _ids(parsed, file: str, key: str) -> set[str]:
    return {row[key] for row in parsed[file].rows} if file in parsed else set()


def _prepare_rows(parsed: dict[str, ParsedFile]) -> None:
    """Fill what the store needs but the export may leave empty."""

    def fill(row: dict[str, Any], column: str, value: Any) -> None:
        # Filled in, not read: a new row needs it, but it must not overwrite a stored value.
        row[column] = value
        row.setdefault(_FILLED, set()).add(column)

    for row in parsed.get("recruiters.csv", _EMPTY).rows:
        if not row.get("status"):
            fill(row, "status", "active")
    if "candidates.csv" in parsed:
        for row in parsed["candidates.csv"].rows:
            if not row.get("first_name"):
                fill(row, "first_name", first_name_of(row["full_name"]))
            if row.get("do_not_contact") is None:
                fill(row, "do_not_contact", False)
    if "touchpoints.csv" in parsed:
        for row in parsed["touchpoints.csv"].rows:
            if row["direction"] == "inbound":
                row["delivery"] = None
            elif not row.get("delivery"):
                fill(row, "delivery", "delivered")
    if "suppressions.csv" in parsed:
        for row in parsed["suppressions.csv"].rows:
            row["email"] = normalise_email(row.get("email")) or None
            row["linkedin_url"] = normalise_linkedin(row.get("linkedin_url")) or None
            row["key"] = suppression_key(row.get("candidate_id"), row["email"], row["linkedin_url"])
            row["source"] = "import"


def import_export(
    engine: Engine,
    directory: Path,
    *,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Import a folder of CSV files: all of it, or (on any problem) none of it.

    `now` is the moment recorded for the statuses this import sees (status history).
    """
    say = progress or (lambda _msg: None)
    say("reading files")
    parsed, warnings = read_export(directory)
    report = ImportReport(directory, dry_run, warnings=warnings)
    _prepare_rows(parsed)

    with engine.begin() as conn:
        known = {
            "recruiters": _existing_ids(conn, models.Recruiter.recruiter),
            "roles": _existing_ids(conn, models.Role.role_id),
            "candidates": _existing_ids(conn, models.Candidate.candidate_id),
            "touchpoints": _existing_ids(conn, models.Touchpoint.touchpoint_id),
            "suppressions": _existing_ids(conn, models.Suppression.key),
        }
        # An erased person's rows are dropped before anything is checked or written.
        report.warnings += skip_erased_rows(conn, parsed)
        problems: list[ImportProblem] = []
        _check_references(
            parsed,
            {
                "candidates": known["candidates"] | _ids(parsed, "candidates.csv", "candidate_id"),
                "roles": known["roles"] | _ids(parsed, "roles.csv", "role_id"),
            },
            problems,
        )
        if problems:
            raise ImportFailed(problems)

        tables = (
            ("recruiters.csv", models.Recruiter, "recruiter", "recruiters"),
            ("roles.csv", models.Role, "role_id", "roles"),
            ("candidates.csv", models.Candidate, "candidate_id", "candidates"),
            ("touchpoints.csv", models.Touchpoint, "touchpoint_id", "touchpoints"),
            ("suppressions.csv", models.Suppression, "key", "suppressions"),
        )
        for file, _model, key, pool in tables:
            if file in parsed:
                rows = parsed[file].rows
                new = sum(1 for r in rows if r[key] not in known[pool])
                report.files[file] = FileCounts(rows=len(rows), new=new)
        if status_history.FILE in parsed:
            rows = parsed[status_history.FILE].rows
            report.files[status_history.FILE] = FileCounts(rows=len(rows), new=len(rows))

        named = {r.get("recruiter") for r in parsed.get("touchpoints.csv", _EMPTY).rows}
        named.discard(None)
        implied = sorted(named - known["recruiters"] - _ids(parsed, "recruiters.csv", "recruiter"))
        if implied:
            report.warnings.append(
                f"recruiters.csv: {len(implied)} recruiter(s) named only in touchpoints.csv "
                f"added as active: {', '.join(implied[:10])}{' ...' if len(implied) > 10 else ''}"
            )
        if dry_run:
            conn.rollback()
            return report

        statuses_before = status_history.stored_statuses(conn)
        for file, model, key, _pool in tables:
            if file == "touchpoints.csv" and implied:
                upsert(
                    conn,
                    models.Recruiter,
                    [{"recruiter": h, "status": "active"} for h in implied],
                    ["recruiter"],
                    update_columns=[],
                )
            if file in parsed:
                say(f"writing {file}")
                _write_checked(conn, model, key, parsed[file])
            if file == "candidates.csv" and file in parsed:
                _write_addresses(conn, [r["candidate_id"] for r in parsed[file].rows])
        say(f"writing {status_history.FILE}")
        status_history.record_import(
            conn,
            parsed.get(status_history.FILE, _EMPTY).rows,
            parsed.get("candidates.csv", _EMPTY).rows,
            statuses_before,
            at_or_now(now),
        )
        say("linking threads")
        report.threads, report.new_threads = rebuild_threads(conn)
    return report


def _write_addresses(conn: Connection, candidate_ids: list[str]) -> None:
    """Every address of the imported candidates, as stored now (a blank cell kept what the
    store knew), where mail matching looks them up."""
    c = models.Candidate.__table__
    rows = []
    for start in range(0, len(candidate_ids), 500):
        chunk = candidate_ids[start : start + 500]
        rows += [
            dict(r._mapping)
            for r in conn.execute(
                select(c.c.candidate_id, c.c.email, c.c.other_emails).where(
                    c.c.candidate_id.in_(chunk)
                )
            )
        ]
    replace_addresses(conn, rows)


def _write_checked(conn: Connection, model, key: str, parsed: ParsedFile) -> None:
    """Write a file; should the database still refuse something the checks let through,
    say which file, and roll back everything (the caller's transaction ends in the raise)."""
    try:
        _write_file(conn, model, key, parsed)
    except (SQLAlchemyError, OverflowError, ValueError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise FollowupsError(
            f"import failed while writing {parsed.spec.name}; nothing was written: "
            f"{quoted(reason[0] if reason else type(exc).__name__, 160)}"
        ) from exc


def _write_file(conn: Connection, model, key: str, parsed: ParsedFile) -> None:
    """Upsert a file's rows. A re-import overwrites only what the export actually says:
    columns the file lacks, blank cells ("unknown") and values filled in by default all
    keep what the store knows. A stored do-not-contact or bounce is never undone by a
    later export that simply leaves the cell empty."""
    present = {c.name for c in parsed.spec.columns if c.name in parsed.header}
    base = present - {parsed.spec.key, "key", "source"}
    groups: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
    for row in parsed.rows:
        groups[frozenset(row.pop(_FILLED, ()))].append(row)
    for filled, rows in groups.items():
        update = sorted(base - filled)
        upsert(conn, model, rows, [key], update_columns=update, keep_stored_when_null=True)


def rebuild_threads(conn: Connection) -> tuple[int, int]:
    """(Re)derive threads from outbound touchpoints: candidate x role x channel.

    The first outbound touchpoint is the initial message. Thread state and reasons are the
    scheduler's and are kept. Returns (threads in the store, threads added now).

    One INSERT ... SELECT in the database: the first touchpoint of each thread picked by
    ROW_NUMBER, and a thread rewritten only when its recruiter or initial message changed
    (so an import that moved nothing writes no thread and marks none for the schedule).
    """
    tp = models.Touchpoint.__table__
    th = models.Thread.__table__
    outbound = (
        tp.c.direction == "outbound",
        tp.c.channel.in_(THREAD_CHANNELS),
        tp.c.role_id.is_not(None),
    )
    ranked = (
        select(
            tp.c.candidate_id,
            tp.c.role_id,
            tp.c.channel,
            tp.c.recruiter,
            tp.c.touchpoint_id,
            tp.c.occurred_at,
            func.row_number()
            .over(
                partition_by=(tp.c.candidate_id, tp.c.role_id, tp.c.channel),
                order_by=(tp.c.occurred_at, tp.c.touchpoint_id),
            )
            .label("n"),
        )
        .where(*outbound)
        .subquery()
    )
    # The same key as thread_key(): candidate:role:channel.
    key = ranked.c.candidate_id + ":" + ranked.c.role_id + ":" + ranked.c.channel
    first = select(
        key,
        ranked.c.candidate_id,
        ranked.c.role_id,
        ranked.c.channel,
        ranked.c.recruiter,
        ranked.c.touchpoint_id,
        ranked.c.occurred_at,
        literal("waiting"),
        bindparam("no_reasons", [], type_=JSON),
    ).where(ranked.c.n == 1)
    columns = [
        "thread_id",
        "candidate_id",
        "role_id",
        "channel",
        "recruiter",
        "initial_touchpoint_id",
        "initial_at",
        "state",
        "reasons",
    ]
    before = conn.execute(select(func.count()).select_from(th)).scalar_one()
    upsert_select(
        conn,
        th,
        columns,
        first,
        ["thread_id"],
        ["recruiter", "initial_touchpoint_id", "initial_at"],
    )
    threads = (
        select(tp.c.candidate_id, tp.c.role_id, tp.c.channel).where(*outbound).distinct().subquery()
    )
    derived = conn.execute(select(func.count()).select_from(threads)).scalar_one()
    after = conn.execute(select(func.count()).select_from(th)).scalar_one()
    return derived, after - before


def thread_key(candidate_id: str, role_id: str | None, channel: str) -> str:
    """The stable id of a thread, readable in logs and JSON."""
    return f"{candidate_id}:{role_id or '-'}:{channel}"
