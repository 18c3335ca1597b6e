"""Session changes: a meeting's join link; a queue entry's occurrence and new recurrence.

Revision ID: 0008_session_changes
Revises: 0007_recording_retention
Create Date: 2026-12-07

Adds nullable columns only (existing rows keep their meaning: a create or a delete of an
occurrence has neither), so it follows any revision that keeps the two tables.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_session_changes"
down_revision: str | None = "0007_recording_retention"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add meeting.join_url, schedule_intent.occurrence_id and schedule_intent.recurrence."""
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("join_url", sa.String(), nullable=True))
    with op.batch_alter_table("schedule_intent") as batch:
        batch.add_column(sa.Column("occurrence_id", sa.String(), nullable=True))
        batch.add_column(sa.Column("recurrence", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Drop the three columns."""
    with op.batch_alter_table("schedule_intent") as batch:
        batch.drop_column("recurrence")
        batch.drop_column("occurrence_id")
    with op.batch_alter_table("meeting") as batch:
        batch.drop_column("join_url")
