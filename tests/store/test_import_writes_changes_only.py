"""A re-import writes only the rows whose values changed (store.upsert's WHERE clause).

What a user notices: a nightly import of an export that barely moved costs what moved,
and (with the incremental schedule) leaves every unchanged thread undisturbed. Seen here
with a database trigger that records each row the import really updates.
"""

from __future__ import annotations

from sqlalchemy import text

from store.importer import import_export
from tests.support.import_export import base_export, set_cells, write_export

TRACKED = (("touchpoint", "touchpoint_id"), ("candidate", "candidate_id"), ("thread", "thread_id"))


def _record_updates(engine) -> None:
    """A trigger on touchpoint, candidate and thread noting every row an UPDATE rewrites."""
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE updated_row (tbl TEXT, id TEXT)"))
        if conn.dialect.name == "postgresql":
            conn.execute(
                text(
                    "CREATE FUNCTION note_update() RETURNS trigger AS $$ BEGIN "
                    "INSERT INTO updated_row VALUES (TG_TABLE_NAME, to_jsonb(NEW) ->> TG_ARGV[0]);"
                    " RETURN NEW; END $$ LANGUAGE plpgsql"
                )
            )
            for table, key in TRACKED:
                conn.execute(
                    text(
                        f"CREATE TRIGGER note_{table} AFTER UPDATE ON {table} "
                        f"FOR EACH ROW EXECUTE FUNCTION note_update('{key}')"
                    )
                )
        else:
            for table, key in TRACKED:
                conn.execute(
                    text(
                        f"CREATE TRIGGER note_{table} AFTER UPDATE ON {table} BEGIN "
                        f"INSERT INTO updated_row VALUES ('{table}', NEW.{key}); END"
                    )
                )


def _updated(engine) -> set[tuple[str, str]]:
    with engine.connect() as conn:
        return {tuple(r) for r in conn.execute(text("SELECT tbl, id FROM updated_row"))}


def test_reimporting_an_unchanged_export_rewrites_no_row(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "first", base_export()))
    _record_updates(engine)

    report = import_export(engine, write_export(tmp_path / "again", base_export()))

    assert report.files["touchpoints.csv"].rows == 8
    assert _updated(engine) == set()


def test_a_reimport_rewrites_only_the_rows_that_changed(engine, tmp_path):
    import_export(engine, write_export(tmp_path / "first", base_export()))
    _record_updates(engine)
    changed = base_export()
    set_cells(changed, "touchpoints.csv", 0, body="A corrected first message.")
    set_cells(changed, "candidates.csv", 1, company="Initech")

    import_export(engine, write_export(tmp_path / "again", changed))

    touched_tp = changed["touchpoints.csv"][0]["touchpoint_id"]
    touched_c = changed["candidates.csv"][1]["candidate_id"]
    assert _updated(engine) == {("touchpoint", touched_tp), ("candidate", touched_c)}
    with engine.connect() as conn:
        body = conn.execute(
            text("SELECT body FROM touchpoint WHERE touchpoint_id = :t"), {"t": touched_tp}
        ).scalar_one()
    assert body == "A corrected first message."
