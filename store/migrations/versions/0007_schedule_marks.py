"""incremental scheduling: triggers mark what changed (schedule_mark), and when and with
which config the scheduler last decided (schedule_state)

Revision ID: 0007_schedule_marks
Revises: 0006_mailbox

Triggers, not calls in each writer: the importer, mailbox sync, suppress, review, send,
forget and any later writer mark what they touch without knowing it. An UPDATE marks only
when a watched column really changed, so re-importing an unchanged export marks nothing.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007_schedule_marks"
down_revision: str | None = "0006_mailbox"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table: ((kind, column) marked, columns whose change marks on UPDATE). Frozen here, as a
# migration must be: a later change to the watched columns is a later migration.
WATCHED: dict[str, tuple[tuple[tuple[str, str], ...], tuple[str, ...]]] = {
    "touchpoint": (
        (("candidate", "candidate_id"),),
        [
            "candidate_id",
            "role_id",
            "recruiter",
            "channel",
            "direction",
            "occurred_at",
            "delivery",
            "subject",
            "body",
            "source",
            "mailbox",
            "folder",
            "message_id",
            "automatic",
            "returns_at",
        ],
    ),
    "candidate": (
        (("candidate", "candidate_id"),),
        [
            "candidate_id",
            "full_name",
            "first_name",
            "email",
            "linkedin_url",
            "company",
            "title",
            "location",
            "timezone",
            "ats_status",
            "do_not_contact",
            "notes",
            "other_emails",
        ],
    ),
    "candidate_address": ((("candidate", "candidate_id"),), ("address", "candidate_id")),
    "suppression": (
        (("candidate", "candidate_id"), ("address", "email"), ("linkedin", "linkedin_url")),
        ["candidate_id", "email", "linkedin_url", "reason", "source", "created_at", "created_by"],
    ),
    "bounced_address": (
        (("address", "address"),),
        ["address", "bounced_at", "source", "touchpoint_id", "reason"],
    ),
    "role": ((("role", "role_id"),), ["role_id", "title", "status", "hiring_manager", "location"]),
    "recruiter": (
        (("recruiter", "recruiter"),),
        ["recruiter", "name", "email", "daily_limit", "status"],
    ),
    # The scheduler's own writes (state, reasons, ...) are not inputs: they never mark.
    "thread": (
        (("candidate", "candidate_id"),),
        ["candidate_id", "role_id", "channel", "recruiter", "initial_touchpoint_id", "initial_at"],
    ),
    # Which drafts exist and their status decide `already drafted` and the candidate rule.
    "draft": ((("candidate", "candidate_id"),), ["candidate_id", "thread_id", "step", "status"]),
}

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION schedule_mark_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    i integer;
    seen jsonb[] := ARRAY[]::jsonb[];
BEGIN
    IF TG_OP <> 'DELETE' THEN seen := array_append(seen, to_jsonb(NEW)); END IF;
    IF TG_OP <> 'INSERT' THEN seen := array_append(seen, to_jsonb(OLD)); END IF;
    FOR i IN 0 .. TG_NARGS / 2 - 1 LOOP
        INSERT INTO schedule_mark (kind, value)
        SELECT DISTINCT TG_ARGV[2 * i], r ->> TG_ARGV[2 * i + 1]
        FROM unnest(seen) AS r
        WHERE r ->> TG_ARGV[2 * i + 1] IS NOT NULL;
    END LOOP;
    RETURN NULL;
END
$$
"""


def _sqlite_triggers(table: str, marks, watched) -> list[str]:
    def inserts(ref: str, only_if_changed: bool) -> str:
        lines = []
        for kind, column in marks:
            changed = f" AND OLD.{column} IS NOT NEW.{column}" if only_if_changed else ""
            lines.append(
                f"INSERT INTO schedule_mark (kind, value) SELECT '{kind}', {ref}.{column} "
                f"WHERE {ref}.{column} IS NOT NULL{changed};"
            )
        return " ".join(lines)

    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in watched)
    name = f"schedule_mark_{table}"
    return [
        f'CREATE TRIGGER {name}_ins AFTER INSERT ON "{table}" BEGIN {inserts("NEW", False)} END',
        f'CREATE TRIGGER {name}_del AFTER DELETE ON "{table}" BEGIN {inserts("OLD", False)} END',
        f'CREATE TRIGGER {name}_upd AFTER UPDATE ON "{table}" WHEN {changed} '
        f"BEGIN {inserts('NEW', False)} {inserts('OLD', True)} END",
    ]


def _pg_triggers(table: str, marks, watched) -> list[str]:
    args = ", ".join(f"'{part}'" for pair in marks for part in pair)
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in watched)
    name = f"schedule_mark_{table}"
    return [
        f'CREATE TRIGGER {name}_ins_del AFTER INSERT OR DELETE ON "{table}" '
        f"FOR EACH ROW EXECUTE FUNCTION schedule_mark_row({args})",
        f'CREATE TRIGGER {name}_upd AFTER UPDATE ON "{table}" FOR EACH ROW '
        f"WHEN ({changed}) EXECUTE FUNCTION schedule_mark_row({args})",
    ]


def upgrade() -> None:
    op.create_table(
        "schedule_mark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "schedule_state",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("config_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute(PG_FUNCTION)
    for table, (marks, watched) in WATCHED.items():
        make = _pg_triggers if postgres else _sqlite_triggers
        for statement in make(table, marks, watched):
            op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in WATCHED:
        for suffix in ("ins", "del", "upd", "ins_del"):
            name = f"schedule_mark_{table}_{suffix}"
            op.execute(
                f'DROP TRIGGER IF EXISTS {name} ON "{table}"'
                if postgres
                else f"DROP TRIGGER IF EXISTS {name}"
            )
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS schedule_mark_row()")
    op.drop_table("schedule_state")
    op.drop_table("schedule_mark")
