"""The recordings index: recorded meetings, their files with local state, refresh marks.

Revision ID: 0006_recordings
Revises: 0005_settings_policies
Create Date: 2026-12-07

Self-contained: it only creates its own three tables, so it can follow any revision that
does not touch them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_recordings"
down_revision: str | None = "0005_settings_policies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create recording_meeting, recording_file and recording_refresh."""
    op.create_table(
        "recording_meeting",
        sa.Column("uuid", sa.String(), nullable=False),
        sa.Column("meeting_id", sa.BigInteger(), nullable=False),
        sa.Column("host_zoom_id", sa.String(), nullable=False),
        sa.Column("host_email", sa.String(), nullable=False),
        sa.Column("topic", sa.String(), nullable=False),
        sa.Column("start_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.String(), nullable=True),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("total_size", sa.BigInteger(), nullable=False),
        sa.Column("in_trash", sa.Boolean(), nullable=False),
        sa.Column("deleted_in_zoom", sa.Boolean(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("uuid", name="pk_recording_meeting"),
    )
    op.create_index(
        "ix_recording_meeting_host_start", "recording_meeting", ["host_zoom_id", "start_time"]
    )
    op.create_index("ix_recording_meeting_start_time", "recording_meeting", ["start_time"])
    op.create_table(
        "recording_file",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("meeting_uuid", sa.String(), nullable=False),
        sa.Column("file_type", sa.String(), nullable=False),
        sa.Column("file_extension", sa.String(), nullable=False),
        sa.Column("recording_type", sa.String(), nullable=False),
        sa.Column("file_size", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("recording_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("download_url", sa.String(), nullable=False),
        sa.Column("in_trash", sa.Boolean(), nullable=False),
        sa.Column("deleted_in_zoom", sa.Boolean(), nullable=False),
        sa.Column("local_state", sa.String(), nullable=False),
        sa.Column("local_path", sa.String(), nullable=True),
        sa.Column("local_error", sa.String(), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_uuid"],
            ["recording_meeting.uuid"],
            name="fk_recording_file_meeting_uuid_recording_meeting",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_recording_file"),
    )
    op.create_index("ix_recording_file_meeting_uuid", "recording_file", ["meeting_uuid"])
    op.create_index("ix_recording_file_local_state", "recording_file", ["local_state"])
    op.create_table(
        "recording_refresh",
        sa.Column("host_zoom_id", sa.String(), nullable=False),
        sa.Column("through", sa.Date(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("host_zoom_id", name="pk_recording_refresh"),
    )


def downgrade() -> None:
    """Drop the recordings index."""
    op.drop_table("recording_refresh")
    op.drop_index("ix_recording_file_local_state", table_name="recording_file")
    op.drop_index("ix_recording_file_meeting_uuid", table_name="recording_file")
    op.drop_table("recording_file")
    op.drop_index("ix_recording_meeting_start_time", table_name="recording_meeting")
    op.drop_index("ix_recording_meeting_host_start", table_name="recording_meeting")
    op.drop_table("recording_meeting")
