"""The schedule queue: one intent row per Zoom write of a curriculum.

Revision ID: 0003_schedule_queue
Revises: 0002_meetings_quota_audit
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_schedule_queue"
down_revision: str | None = "0002_meetings_quota_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create schedule_intent."""
    op.create_table(
        "schedule_intent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch", sa.String(), nullable=False),
        sa.Column("marker", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("zoom_user_id", sa.String(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=True),
        sa.Column("topic", sa.String(), nullable=False),
        sa.Column("meeting_type", sa.Integer(), nullable=False),
        sa.Column("start_local", sa.String(), nullable=False),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("weekly_days", sa.String(), nullable=True),
        sa.Column("end_times", sa.Integer(), nullable=True),
        sa.Column("first_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("session_starts", sa.JSON(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("wait_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.BigInteger(), nullable=True),
        sa.Column("claimed_by", sa.String(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["host_id"], ["host.id"], name="fk_schedule_intent_host_id_host", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["schedule_intent.id"],
            name="fk_schedule_intent_parent_id_schedule_intent",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_schedule_intent"),
        sa.UniqueConstraint("marker", name="uq_schedule_intent_marker"),
    )
    op.create_index("ix_schedule_intent_batch", "schedule_intent", ["batch"])
    op.create_index("ix_schedule_intent_host_id", "schedule_intent", ["host_id"])
    op.create_index(
        "ix_schedule_intent_queue",
        "schedule_intent",
        ["state", "zoom_user_id", "first_start", "seq"],
    )


def downgrade() -> None:
    """Drop the table this revision created."""
    op.drop_index("ix_schedule_intent_queue", table_name="schedule_intent")
    op.drop_index("ix_schedule_intent_host_id", table_name="schedule_intent")
    op.drop_index("ix_schedule_intent_batch", table_name="schedule_intent")
    op.drop_table("schedule_intent")
