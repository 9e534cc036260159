"""a sender's claim in columns of its own, apart from reviewer leases

Revision ID: 0003_send_claim
Revises: 0002

Until now a reviewer's lease (on a pending draft) and a sender's claim (on a draft it
delivers) shared draft.claimed_by/claim_expires_at. The sender's claims move to
send_claimed_by/send_claim_expires_at, keeping every claim that exists: a draft in
`sending` or `unknown` carries its sender's claim; any other status carries, at most, a
reviewer's lease, which stays where it was.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003_send_claim"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out, not imported: a migration is frozen at the schema it was written for.
SENDER_STATUSES = "('sending', 'unknown')"


def upgrade() -> None:
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("send_claimed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.add_column(sa.Column("send_claim_expires_at", sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE draft SET send_claimed_by = claimed_by, "
        "send_claim_expires_at = claim_expires_at, "
        "claimed_by = NULL, claim_expires_at = NULL "
        f"WHERE status IN {SENDER_STATUSES} AND claimed_by IS NOT NULL"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE draft SET claimed_by = send_claimed_by, "
        "claim_expires_at = send_claim_expires_at "
        "WHERE send_claimed_by IS NOT NULL"
    )
    with op.batch_alter_table("draft", schema=None) as batch_op:
        batch_op.drop_column("send_claim_expires_at")
        batch_op.drop_column("send_claimed_by")
