"""status history: from which moment a candidate had which ATS status (contract section 6)

Revision ID: 0004_status_history
Revises: 0003_send_claim
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004_status_history"
down_revision: str | None = "0003_send_claim"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "status_history",
        sa.Column("candidate_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("ats_status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["candidate.candidate_id"]),
        sa.PrimaryKeyConstraint("candidate_id", "changed_at"),
    )


def downgrade() -> None:
    op.drop_table("status_history")
