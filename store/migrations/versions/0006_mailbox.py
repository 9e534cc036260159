"""mailbox sync: where a touchpoint came from, every address of a candidate, bounced
addresses and how far each mailbox folder has been read

Revision ID: 0006_mailbox
Revises: 0005_privacy
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006_mailbox"
down_revision: str | None = "0005_privacy"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("other_emails", sa.Text(), nullable=True))
    # Touchpoints already stored came from an export or from followups' own sending.
    with op.batch_alter_table("touchpoint", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "source",
                sqlmodel.sql.sqltypes.AutoString(length=20),
                server_default="import",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column("mailbox", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
        batch_op.add_column(
            sa.Column("folder", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True)
        )
        batch_op.add_column(
            sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=998), nullable=True)
        )
        batch_op.add_column(
            sa.Column("automatic", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("returns_at", sa.DateTime(), nullable=True))
        batch_op.create_index("ix_touchpoint_message_id", ["message_id"], unique=False)
        batch_op.create_unique_constraint(
            "uq_touchpoint_message_candidate", ["message_id", "candidate_id"]
        )
    op.execute("UPDATE touchpoint SET source = 'followups' WHERE draft_id IS NOT NULL")

    op.create_table(
        "candidate_address",
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("candidate_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["candidate.candidate_id"]),
        sa.PrimaryKeyConstraint("address", "candidate_id"),
    )
    with op.batch_alter_table("candidate_address", schema=None) as batch_op:
        batch_op.create_index("ix_candidate_address_candidate_id", ["candidate_id"], unique=False)
    # Every candidate's email as an address; stored emails are in their written form, and the
    # next import writes the normalised one (store.addresses), so lower-case is enough here.
    op.execute(
        "INSERT INTO candidate_address (address, candidate_id) "
        "SELECT DISTINCT lower(email), candidate_id FROM candidate WHERE email IS NOT NULL "
        "AND email <> ''"
    )

    op.create_table(
        "bounced_address",
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("bounced_at", sa.DateTime(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("touchpoint_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("address"),
    )
    # Hard bounces the sender met used to sit on the do-not-contact list; they block email
    # to the address (undelivered), not the person.
    op.execute(
        "INSERT INTO bounced_address (address, bounced_at, source, reason, evidence) "
        "SELECT email, CURRENT_TIMESTAMP, 'smtp', coalesce(reason, 'bounced'), '{}' "
        "FROM suppression WHERE source = 'bounce' AND email IS NOT NULL"
    )
    op.execute("DELETE FROM suppression WHERE source = 'bounce'")
    op.create_table(
        "mailbox_folder",
        sa.Column("mailbox", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("folder", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("uidvalidity", sa.BigInteger(), nullable=False),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("highest_modseq", sa.BigInteger(), nullable=True),
        sa.Column("synced_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("mailbox", "folder"),
    )


def downgrade() -> None:
    op.drop_table("mailbox_folder")
    op.drop_table("bounced_address")
    with op.batch_alter_table("candidate_address", schema=None) as batch_op:
        batch_op.drop_index("ix_candidate_address_candidate_id")
    op.drop_table("candidate_address")
    with op.batch_alter_table("touchpoint", schema=None) as batch_op:
        batch_op.drop_constraint("uq_touchpoint_message_candidate", type_="unique")
        batch_op.drop_index("ix_touchpoint_message_id")
        batch_op.drop_column("returns_at")
        batch_op.drop_column("automatic")
        batch_op.drop_column("message_id")
        batch_op.drop_column("folder")
        batch_op.drop_column("mailbox")
        batch_op.drop_column("source")
    # Not a batch: SQLite would copy and DROP the candidate table, which every other table
    # references (with foreign keys on, the drop fails). SQLite 3.35+ drops a column itself.
    op.drop_column("candidate", "other_emails")
