"""connector state: OAuth2 token rows and seen webhook event ids

Revision ID: 0002c
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002c"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "connector_tokens",
        sa.Column("connector", sa.String(length=128), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("connector", name=op.f("pk_connector_tokens")),
    )
    op.create_table(
        "webhook_events_seen",
        sa.Column("connector", sa.String(length=128), nullable=False),
        sa.Column("event_id", sa.String(length=256), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("connector", "event_id", name=op.f("pk_webhook_events_seen")),
    )
    with op.batch_alter_table("webhook_events_seen", schema=None) as batch_op:
        batch_op.create_index("ix_webhook_events_seen_received_at", ["received_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("webhook_events_seen", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_events_seen_received_at")
    op.drop_table("webhook_events_seen")
    op.drop_table("connector_tokens")
