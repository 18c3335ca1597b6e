"""Meetings and their occurrences, the per-host daily quota ledger, and the audit log.

Revision ID: 0002_meetings_quota_audit
Revises: 0001_tenants_and_hosts
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_meetings_quota_audit"
down_revision: str | None = "0001_tenants_and_hosts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create meeting, meeting_occurrence, quota_ledger and audit_log."""
    op.create_table(
        "meeting",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(), nullable=False),
        sa.Column("meeting_type", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["host_id"], ["host.id"], name="fk_meeting_host_id_host", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_meeting"),
    )
    op.create_index("ix_meeting_host_id", "meeting", ["host_id"])
    op.create_table(
        "meeting_occurrence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.BigInteger(), nullable=False),
        sa.Column("occurrence_id", sa.String(), nullable=False),
        sa.Column("start_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name="fk_meeting_occurrence_meeting_id_meeting",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_meeting_occurrence"),
        sa.UniqueConstraint(
            "meeting_id", "occurrence_id", name="uq_meeting_occurrence_meeting_id_occurrence_id"
        ),
    )
    op.create_index("ix_meeting_occurrence_start_time", "meeting_occurrence", ["start_time"])
    op.create_table(
        "quota_ledger",
        sa.Column("host_id", sa.String(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("daily_limit", sa.Integer(), nullable=False),
        sa.Column("exhausted", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("host_id", "day", name="pk_quota_ledger"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("object_type", sa.String(), nullable=False),
        sa.Column("object_id", sa.String(), nullable=False),
        sa.Column("old_value", sa.JSON(), nullable=True),
        sa.Column("new_value", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_object", "audit_log", ["object_type", "object_id"])


def downgrade() -> None:
    """Drop the tables this revision created."""
    op.drop_index("ix_audit_log_object", table_name="audit_log")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("quota_ledger")
    op.drop_index("ix_meeting_occurrence_start_time", table_name="meeting_occurrence")
    op.drop_table("meeting_occurrence")
    op.drop_index("ix_meeting_host_id", table_name="meeting")
    op.drop_table("meeting")
