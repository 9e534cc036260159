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

# table: ((how, column) marked, columns whose change marks on UPDATE). `how` says how a
# column's value names candidates: it is one ("candidate"), or an address, a LinkedIn URL,
# a role or a recruiter of theirs. Frozen here, as a migration must be: a later change to
# what is watched is a later migration. candidate_address is derived from the candidate's
# own columns, which are watched; an import rewrites it whole, so it is not.
WATCHED: dict[str, tuple[tuple[tuple[str, str], ...], list[str]]] = {
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

# The candidates a value names, as SELECT ... (one placeholder: the value).
LOOKUP = {
    "candidate": "SELECT {v} WHERE {v} IS NOT NULL",
    "address": "SELECT candidate_id FROM candidate_address WHERE address = {v}",
    "linkedin": "SELECT candidate_id FROM candidate WHERE linkedin_url = {v}",
    "role": "SELECT DISTINCT candidate_id FROM thread WHERE role_id = {v}",
    "recruiter": "SELECT DISTINCT candidate_id FROM thread WHERE recruiter = {v}",
}

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION schedule_mark_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    i integer;
    v text;
    r jsonb;
    seen jsonb[] := ARRAY[]::jsonb[];
BEGIN
    IF TG_OP <> 'DELETE' THEN seen := array_append(seen, to_jsonb(NEW)); END IF;
    IF TG_OP <> 'INSERT' THEN seen := array_append(seen, to_jsonb(OLD)); END IF;
    FOR i IN 0 .. TG_NARGS / 2 - 1 LOOP
        FOREACH r IN ARRAY seen LOOP
            v := r ->> TG_ARGV[2 * i + 1];
            CONTINUE WHEN v IS NULL;
            CASE TG_ARGV[2 * i]
            WHEN 'candidate' THEN
                INSERT INTO schedule_mark (candidate_id) VALUES (v);
            WHEN 'address' THEN
                INSERT INTO schedule_mark (candidate_id) %(address)s;
            WHEN 'linkedin' THEN
                INSERT INTO schedule_mark (candidate_id) %(linkedin)s;
            WHEN 'role' THEN
                INSERT INTO schedule_mark (candidate_id) %(role)s;
            WHEN 'recruiter' THEN
                INSERT INTO schedule_mark (candidate_id) %(recruiter)s;
            END CASE;
        END LOOP;
    END LOOP;
    RETURN NULL;
END
$$
""" % {how: sql.format(v="v") for how, sql in LOOKUP.items()}


def _sqlite_triggers(table: str, marks, watched) -> list[str]:
    def inserts(ref: str) -> str:
        return " ".join(
            f"INSERT INTO schedule_mark (candidate_id) {LOOKUP[how].format(v=f'{ref}.{column}')};"
            for how, column in marks
        )

    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in watched)
    name = f"schedule_mark_{table}"
    return [
        f'CREATE TRIGGER {name}_ins AFTER INSERT ON "{table}" BEGIN {inserts("NEW")} END',
        f'CREATE TRIGGER {name}_del AFTER DELETE ON "{table}" BEGIN {inserts("OLD")} END',
        f'CREATE TRIGGER {name}_upd AFTER UPDATE ON "{table}" WHEN {changed} '
        f"BEGIN {inserts('NEW')} {inserts('OLD')} END",
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
        sa.Column("candidate_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "schedule_state",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("config_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_index("ix_candidate_linkedin", "candidate", ["linkedin_url"], unique=False)
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
    op.drop_index("ix_candidate_linkedin", table_name="candidate")
