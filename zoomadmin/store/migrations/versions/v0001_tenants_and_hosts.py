"""Tenants and their host users.

Revision ID: 0001_tenants_and_hosts
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_tenants_and_hosts"
down_revision: str | None = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create tenant and host."""
    op.create_table(
        "tenant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("slug", sa.String(), nullable=False),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("mailbox", sa.String(), nullable=False),
        sa.Column("domain", sa.String(), nullable=False),
        sa.Column("email_scheme", sa.String(), nullable=False),
        sa.Column("settings_policy", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tenant"),
        sa.UniqueConstraint("name", name="uq_tenant_name"),
        sa.UniqueConstraint("slug", name="uq_tenant_slug"),
    )
    op.create_table(
        "host",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=True),
        sa.Column("zoom_user_id", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("first_name", sa.String(), nullable=False),
        sa.Column("last_name", sa.String(), nullable=False),
        sa.Column("user_type", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("missing_in_zoom", sa.Boolean(), nullable=False),
        sa.Column("changed_in_zoom", sa.String(), nullable=True),
        sa.Column("last_synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenant.id"], name="fk_host_tenant_id_tenant", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_host"),
        sa.UniqueConstraint("email", name="uq_host_email"),
        sa.UniqueConstraint("zoom_user_id", name="uq_host_zoom_user_id"),
    )
    op.create_index("ix_host_tenant_id", "host", ["tenant_id"])


def downgrade() -> None:
    """Drop host and tenant."""
    op.drop_index("ix_host_tenant_id", table_name="host")
    op.drop_table("host")
    op.drop_table("tenant")
