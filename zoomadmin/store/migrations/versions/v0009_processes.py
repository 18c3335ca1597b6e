"""Processes on a shared database: each agent's and desk's heartbeat, the leader's status.

Revision ID: 0009_processes
Revises: 0008_session_changes
Create Date: 2026-12-07

A new table only, so it follows any database at 0008.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_processes"
down_revision: str | None = "0008_session_changes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create zoomadmin_process."""
    op.create_table(
        "zoomadmin_process",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("account", sa.String(), nullable=False),
        sa.Column("host", sa.String(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("leading", sa.Boolean(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("leading_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zoomadmin_process")),
    )
    op.create_index("ix_zoomadmin_process_account", "zoomadmin_process", ["account", "seen_at"])


def downgrade() -> None:
    """Drop zoomadmin_process."""
    op.drop_index("ix_zoomadmin_process_account", table_name="zoomadmin_process")
    op.drop_table("zoomadmin_process")
