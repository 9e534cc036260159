"""On SQLite, store.upsert runs sqlite3's executemany itself (the import's hot path).

It must store exactly what SQLAlchemy's own insert stores: the same text for datetimes,
the same JSON (a None in a JSON column included), the same 0/1 for booleans.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from sqlalchemy import insert

from store import models
from store.db import open_store
from store.upsert import upsert

AT = datetime(2025, 11, 7, 9, 30, 15, 123456)
ROWS = {
    models.Recruiter: [{"recruiter": "sam", "status": "active"}],
    models.Role: [{"role_id": "r1", "title": "Engineer", "status": "open"}],
    models.Candidate: [
        {
            "candidate_id": "c1",
            "full_name": "Ada",
            "first_name": "Ada",
            "ats_status": "prospect",
            "do_not_contact": True,
        },
        {
            "candidate_id": "c2",
            "full_name": "[bold]Zoë",
            "first_name": "Zoë",
            "ats_status": "active",
            "do_not_contact": False,
        },
    ],
    models.Touchpoint: [
        {
            "touchpoint_id": "t1",
            "candidate_id": "c1",
            "role_id": "r1",
            "recruiter": "sam",
            "channel": "email",
            "direction": "outbound",
            "occurred_at": AT,
            "body": "Hello\nthere",
            "automatic": False,
        }
    ],
    models.Thread: [
        {
            "thread_id": "c1:r1:email",
            "candidate_id": "c1",
            "role_id": "r1",
            "channel": "email",
            "initial_touchpoint_id": "t1",
            "initial_at": AT,
            "reasons": ["not_due", "ünïcode"],
            "hold_until": None,
        }
    ],
    models.FollowUpDraft: [
        {
            "thread_id": "c1:r1:email",
            "candidate_id": "c1",
            "role_id": "r1",
            "recruiter": "sam",
            "channel": "email",
            "status": "pending",
            "body": "Hi Ada",
            "original_body": "Hi Ada",
            "created_at": AT,
            "version": 1,
            "cancel_codes": [],
            "llm_meta": None,
            "attempts": 0,
        }
    ],
}
KEYS = {
    models.Recruiter: ["recruiter"],
    models.Role: ["role_id"],
    models.Candidate: ["candidate_id"],
    models.Touchpoint: ["touchpoint_id"],
    models.Thread: ["thread_id"],
    models.FollowUpDraft: ["thread_id", "step"],
}


def _raw(path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as conn:
        return {
            model.__tablename__: conn.execute(f"SELECT * FROM {model.__tablename__}").fetchall()
            for model in ROWS
        }


def test_upsert_stores_what_sqlalchemys_insert_stores(tmp_path):
    ours, theirs = tmp_path / "ours.db", tmp_path / "theirs.db"
    for path, write in (
        (ours, lambda conn, model, rows: upsert(conn, model, rows, KEYS[model], update_columns=[])),
        (theirs, lambda conn, model, rows: conn.execute(insert(model.__table__), rows)),
    ):
        engine = open_store(str(path))
        with engine.begin() as conn:
            for model, rows in ROWS.items():
                write(conn, model, [dict(r) for r in rows])
        engine.dispose()
    assert _raw(ours) == _raw(theirs)
    assert _raw(ours)["touchpoint"][0][6] == "2025-11-07 09:30:15.123456"
