"""code-hosting profiles: profiles, their repositories, a sample of their commits, their followers

Revision ID: 0002g
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002g"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
TABLES = ("profiles", "profile_repos", "profile_commits", "profile_follows")


def _record_columns() -> list[sa.Column[object]]:
    """The columns every record table starts with (as in ``schema._record_table``, owned)."""
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=128), nullable=False),
        sa.Column("remote_id", sa.String(length=256), nullable=False),
        sa.Column("modified_at", TZ, nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("ingested_at", TZ, nullable=False),
        sa.Column("remote_data", sa.JSON(), nullable=False),
        sa.Column("worker_remote_id", sa.String(length=256), nullable=False),
        sa.Column("worker_source", sa.String(length=128), nullable=True),
    ]


def _columns(table: str) -> list[sa.Column[object]]:
    """Fresh column objects per call: a Column can belong to one table only, and tests migrate many stores."""
    if table == "profiles":
        return [
            sa.Column("platform", sa.String(length=32), nullable=False),
            sa.Column("login", sa.Text(), nullable=False),
            sa.Column("account_key", sa.String(length=32), nullable=True),
            sa.Column("created_at", TZ, nullable=True),
            sa.Column("bio_key", sa.String(length=32), nullable=True),
            sa.Column("bio_words", sa.Integer(), nullable=True),
            sa.Column("bio_excerpt", sa.Text(), nullable=True),
            sa.Column("readme_key", sa.String(length=32), nullable=True),
            sa.Column("readme_words", sa.Integer(), nullable=True),
            sa.Column("blog", sa.Text(), nullable=True),
            sa.Column("company", sa.Text(), nullable=True),
            sa.Column("location", sa.Text(), nullable=True),
            sa.Column("location_country", sa.String(length=2), nullable=True),
            sa.Column("followers", sa.Integer(), nullable=True),
            sa.Column("following", sa.Integer(), nullable=True),
            sa.Column("public_repos", sa.Integer(), nullable=True),
            sa.Column("observed_at", TZ, nullable=True),
        ]
    if table == "profile_repos":
        return [
            sa.Column("profile_remote_id", sa.String(length=256), nullable=False),
            sa.Column("name", sa.Text(), nullable=False),
            sa.Column("fork", sa.Boolean(), nullable=False),
            sa.Column("parent", sa.Text(), nullable=True),
            sa.Column("created_at", TZ, nullable=True),
            sa.Column("pushed_at", TZ, nullable=True),
        ]
    if table == "profile_commits":
        return [
            sa.Column("profile_remote_id", sa.String(length=256), nullable=False),
            sa.Column("repo", sa.Text(), nullable=False),
            sa.Column("repo_fork", sa.Boolean(), nullable=False),
            sa.Column("sha", sa.String(length=64), nullable=False),
            sa.Column("tree_sha", sa.String(length=64), nullable=True),
            sa.Column("authored_at", TZ, nullable=True),
            sa.Column("committed_at", TZ, nullable=True),
            sa.Column("author_email_key", sa.String(length=32), nullable=True),
            sa.Column("author_email_masked", sa.Text(), nullable=True),
            sa.Column("committer_email_key", sa.String(length=32), nullable=True),
            sa.Column("committer_email_masked", sa.Text(), nullable=True),
            sa.Column("by_owner", sa.Boolean(), nullable=True),
        ]
    return [
        sa.Column("profile_remote_id", sa.String(length=256), nullable=False),
        sa.Column("follower_key", sa.String(length=32), nullable=False),
        sa.Column("follower_masked", sa.Text(), nullable=True),
        sa.Column("follower_created_at", TZ, nullable=True),
        sa.Column("follower_following", sa.Integer(), nullable=True),
        sa.Column("follower_followers", sa.Integer(), nullable=True),
        sa.Column("follower_repos", sa.Integer(), nullable=True),
        sa.Column("follower_follows", sa.JSON(), nullable=True),
    ]


def upgrade() -> None:
    for table in TABLES:
        op.create_table(
            table,
            *_record_columns(),
            *_columns(table),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint("source", "remote_id", name=op.f(f"uq_{table}_source_remote_id")),
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(f"ix_{table}_owner", ["source", "worker_remote_id"], unique=False)


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_owner")
        op.drop_table(table)
