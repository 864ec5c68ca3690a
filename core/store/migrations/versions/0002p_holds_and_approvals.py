"""playbooks in full: outbox compare-and-swap and event cursor, executor leases, hold state machine, approvals

Revision ID: 0002p
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002p"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("event_cursor", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("not_before", TZ, nullable=True))
        batch_op.add_column(sa.Column("done_at", TZ, nullable=True))
    op.create_table(
        "outbox_leases",
        sa.Column("dedup_key", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("lease_until", TZ, nullable=False),
        sa.PrimaryKeyConstraint("dedup_key", "action", name=op.f("pk_outbox_leases")),
    )
    with op.batch_alter_table("payout_holds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("via", sa.String(length=16), server_default="gate", nullable=False))
        batch_op.add_column(sa.Column("release_approvals", sa.Integer(), server_default="2", nullable=False))
        batch_op.add_column(sa.Column("round", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("task", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", TZ, nullable=True))
        batch_op.add_column(sa.Column("warned_for", TZ, nullable=True))
        batch_op.add_column(sa.Column("closed_at", TZ, nullable=True))
    op.create_table(
        "hold_approvals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("hold_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=256), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["hold_id"], ["payout_holds.id"], name=op.f("fk_hold_approvals_hold_id_payout_holds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hold_approvals")),
        sa.UniqueConstraint(
            "hold_id", "round", "decision", "actor", name=op.f("uq_hold_approvals_hold_id_round_decision_actor")
        ),
    )


def downgrade() -> None:
    op.drop_table("hold_approvals")
    with op.batch_alter_table("payout_holds", schema=None) as batch_op:
        for name in ("closed_at", "warned_for", "updated_at", "task", "last_error", "attempts", "round"):
            batch_op.drop_column(name)
        batch_op.drop_column("release_approvals")
        batch_op.drop_column("via")
    op.drop_table("outbox_leases")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        for name in ("done_at", "not_before", "event_cursor", "revision"):
            batch_op.drop_column(name)
