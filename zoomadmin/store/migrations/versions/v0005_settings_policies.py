"""Settings policies per tenant (with the Zoom group holding them) and hosts' settings snapshots.

Self-contained: it creates two new tables and reads only ``tenant``, so it chains after any
revision that keeps ``tenant.settings_policy``. A tenant's free-text "settings policy" becomes
the note of a stored default policy; the column stays (nothing reads it for policies any more).

Revision ID: 0005_settings_policies
Revises: 0003_schedule_queue
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_settings_policies"
down_revision: str | None = "0003_schedule_queue"
branch_labels = None
depends_on = None

#: The default policy as of this revision (frozen here: later code may change its own default).
_DEFAULT_SETTINGS = [
    {"key": "recording.auto_recording", "value": "cloud", "locked": True},
    {"key": "recording.cloud_recording", "value": True, "locked": True},
    {"key": "recording.host_delete_cloud_recording", "value": False, "locked": True},
    {"key": "in_meeting.waiting_room", "value": True, "locked": True},
    {"key": "schedule_meeting.join_before_host", "value": False, "locked": False},
    {
        "key": "schedule_meeting.require_password_for_scheduled_meetings",
        "value": True,
        "locked": False,
    },
]


def upgrade() -> None:
    """Create settings_policy and host_settings_snapshot; carry free-text policies over."""
    policy = op.create_table(
        "settings_policy",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("zoom_group_id", sa.String(), nullable=True),
        sa.Column("zoom_group_name", sa.String(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenant.id"],
            name="fk_settings_policy_tenant_id_tenant",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", name="pk_settings_policy"),
    )
    op.create_table(
        "host_settings_snapshot",
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["host_id"],
            ["host.id"],
            name="fk_host_settings_snapshot_host_id_host",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("host_id", name="pk_host_settings_snapshot"),
    )
    op.create_index(
        "ix_host_settings_snapshot_fetched_at", "host_settings_snapshot", ["fetched_at"]
    )
    _carry_free_text(policy)


def _carry_free_text(policy: sa.Table) -> None:
    tenant = sa.table(
        "tenant",
        sa.column("id", sa.Integer()),
        sa.column("name", sa.String()),
        sa.column("settings_policy", sa.String()),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(tenant.c.id, tenant.c.name, tenant.c.settings_policy, tenant.c.updated_at)
    ).all()
    values = [
        {
            "tenant_id": tid,
            "name": f"{name} hosts",
            "body": {"name": f"{name} hosts", "note": text, "settings": _DEFAULT_SETTINGS},
            "zoom_group_id": None,
            "zoom_group_name": "",
            "updated_at": updated,
        }
        for tid, name, text, updated in rows
        if text and text.strip()
    ]
    if values:
        op.bulk_insert(policy, values)


def downgrade() -> None:
    """Drop the tables this revision created (the free-text column was never touched)."""
    op.drop_index("ix_host_settings_snapshot_fetched_at", table_name="host_settings_snapshot")
    op.drop_table("host_settings_snapshot")
    op.drop_table("settings_policy")
