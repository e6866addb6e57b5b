"""Migration 0010: corrections, what analysts changed, flagged or hid, kept apart from extractions.

A new table `corrections` (one row per change, with who, when and why), and two columns
of events that the write path sets from it: `corrected` and `hidden` (with a partial
index on the hidden ones). Existing events are neither.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_corrections_event", "corrections", ["event_id"], unique=False)
    # ADD COLUMN with a constant default: no table rewrite in SQLite or PostgreSQL 11+.
    op.add_column(
        "events", sa.Column("corrected", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column("events", sa.Column("hidden", sa.Integer(), server_default="0", nullable=False))
    op.create_index(
        "ix_events_hidden",
        "events",
        ["id"],
        unique=False,
        sqlite_where=sa.text("hidden = 1"),
        postgresql_where=sa.text("hidden = 1"),
    )


def downgrade() -> None:
    op.drop_index("ix_events_hidden", table_name="events")
    # ALTER TABLE DROP COLUMN (SQLite 3.35+), not a batch copy: dropping and renaming
    # `events` would delete the rows referring to it (ON DELETE CASCADE).
    op.drop_column("events", "hidden")
    op.drop_column("events", "corrected")
    op.drop_index("ix_corrections_event", table_name="corrections")
    op.drop_table("corrections")
