"""privacy: who added a suppression and when; what remains of an erased person

Revision ID: 0005_privacy
Revises: 0004_status_history

suppression gains created_at/created_by (unknown for older entries). erased_identifier
keeps keyed hashes of an erased person's identifiers; store_secret keeps the key.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005_privacy"
down_revision: str | None = "0004_status_history"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("suppression", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
    op.create_table(
        "erased_identifier",
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("person", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("erased_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("digest"),
    )
    with op.batch_alter_table("erased_identifier", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_erased_identifier_person"), ["person"], unique=False)
    op.create_table(
        "store_secret",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("store_secret")
    with op.batch_alter_table("erased_identifier", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_erased_identifier_person"))
    op.drop_table("erased_identifier")
    with op.batch_alter_table("suppression", schema=None) as batch_op:
        batch_op.drop_column("created_by")
        batch_op.drop_column("created_at")
