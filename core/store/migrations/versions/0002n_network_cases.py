"""network cases: a case kind and the link from a person's case to its network case

Revision ID: 0002n
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002n"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=16), server_default="person", nullable=False))
        batch_op.add_column(sa.Column("network_key", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("network_key")
        batch_op.drop_column("kind")
