"""Migration 0003 moves senders' claims to their own columns and keeps every claim."""

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from store.db import MIGRATIONS_DIR, make_engine


def _alembic(conn) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = conn
    return cfg


def _insert(conn, draft_id: int, status: str, claimed_by: str | None) -> None:
    conn.execute(
        text(
            "INSERT INTO draft (id, thread_id, step, candidate_id, channel, status, body, "
            "original_body, engine, created_at, version, attempts, cancel_codes, "
            "claimed_by, claim_expires_at) VALUES (:id, 't', :id, 'c', 'email', :status, "
            "'b', 'b', 'jinja', '2025-11-07 10:00:00', 1, 0, '[]', :by, "
            "'2025-11-07 10:10:00')"
        ),
        {"id": draft_id, "status": status, "by": claimed_by},
    )


def test_sender_claims_move_and_reviewer_leases_stay(db_url):
    engine = make_engine(db_url)
    with engine.begin() as conn:
        command.upgrade(_alembic(conn), "0002")
        conn.execute(
            text(
                "INSERT INTO candidate (candidate_id, full_name, first_name, "
                "ats_status, do_not_contact) VALUES ('c', 'C', 'C', 'prospect', false)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO thread (thread_id, candidate_id, channel, "
                "initial_touchpoint_id, initial_at, state, reasons) VALUES "
                "('t', 'c', 'email', 'tp', '2025-11-01 10:00:00', 'drafted', '[]')"
            )
        )
        _insert(conn, 1, "pending", "ann")
        _insert(conn, 2, "sending", "send:host:1:run")
        _insert(conn, 3, "unknown", "send:host:2:run")
        _insert(conn, 4, "approved", None)
    with engine.begin() as conn:
        command.upgrade(_alembic(conn), "head")
    query = text(
        "SELECT id, claimed_by, send_claimed_by, claim_expires_at IS NULL, "
        "send_claim_expires_at IS NULL FROM draft ORDER BY id"
    )
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(query)]
    assert rows == [
        (1, "ann", None, False, True),
        (2, None, "send:host:1:run", True, False),
        (3, None, "send:host:2:run", True, False),
        (4, None, None, False, True),
    ]
    with engine.begin() as conn:
        command.downgrade(_alembic(conn), "0002")
        back = [
            tuple(r) for r in conn.execute(text("SELECT id, claimed_by FROM draft ORDER BY id"))
        ]
    assert back == [(1, "ann"), (2, "send:host:1:run"), (3, "send:host:2:run"), (4, None)]
    engine.dispose()
