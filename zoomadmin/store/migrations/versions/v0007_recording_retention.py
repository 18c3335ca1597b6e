"""Tenants' recording retention policies.

Revision ID: 0007_recording_retention
Revises: 0006_recordings
Create Date: 2026-12-07

Self-contained: it only creates its own table.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_recording_retention"
down_revision: str | None = "0006_recordings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create recording_retention (one row per tenant that has a policy)."""
    op.create_table(
        "recording_retention",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("keep_days", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name="fk_recording_retention_tenant_id_tenant",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", name="pk_recording_retention"),
    )


def downgrade() -> None:
    """Drop the retention policies."""
    op.drop_table("recording_retention")
