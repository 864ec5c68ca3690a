"""model for the full indicator catalogue: résumé signature, profile age, phone line type, session
end, device software and location time, payee entity, payment approval, declarations on signals

Revision ID: 0002m
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002m"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def new_columns() -> dict[str, list[sa.Column[object]]]:
    """Fresh column objects per call: a Column can belong to one table only, and tests migrate many stores."""
    return {
        "workers": [
            sa.Column("resume_minhash", sa.JSON(), nullable=True),
            sa.Column("profile_created_on", sa.Date(), nullable=True),
        ],
        "worker_keys": [sa.Column("line_type", sa.String(length=16), nullable=True)],
        "engagements": [sa.Column("hours_per_week", sa.Float(), nullable=True)],
        "payout_accounts": [
            sa.Column("holder_type", sa.String(length=16), nullable=True),
            sa.Column("entity_key", sa.String(length=32), nullable=True),
            sa.Column("entity_formed_on", sa.Date(), nullable=True),
            sa.Column("entity_addr_key", sa.String(length=32), nullable=True),
            sa.Column("entity_addr_masked", sa.Text(), nullable=True),
        ],
        "payments": [sa.Column("approved", sa.Boolean(), nullable=True)],
        "access_events": [sa.Column("ended_at", TZ, nullable=True)],
        "devices": [
            sa.Column("shipped_to_country", sa.String(length=2), nullable=True),
            sa.Column("located_at", TZ, nullable=True),
            sa.Column("software", sa.JSON(), nullable=True),
        ],
        "hiring_signals": [
            sa.Column("country", sa.String(length=2), nullable=True),
            sa.Column("valid_from", sa.Date(), nullable=True),
            sa.Column("valid_until", sa.Date(), nullable=True),
            sa.Column("related_worker_remote_id", sa.String(length=256), nullable=True),
        ],
    }


def upgrade() -> None:
    for table, columns in new_columns().items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.add_column(column)


def downgrade() -> None:
    for table, columns in new_columns().items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in reversed(columns):
                batch_op.drop_column(column.name)
