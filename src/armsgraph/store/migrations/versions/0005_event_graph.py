"""Migration 0005: event_graph, each event's actors and edges as the network draws them.

The network view then reads one row per event instead of every participant of 1,000
events and their entities. Existing events get their rows in 0006, which completes the
table (0005 must not call today's write path: it writes 0006's columns too).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_graph",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("graph", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("event_graph")
