"""Migration 0007: event_ids, every event id ever issued and the event it stands for now.

Merged events keep the oldest id; the ids of the events merged into them stay here as
aliases, so a copied id, a link or a note naming an event still finds it after later
ingests and after `rebuild`. Existing events get one row each, issued in the order of
their first report (first_seen, then id).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_ids",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_event_ids_event", "event_ids", ["event_id"], unique=False)
    op.create_index("ix_event_ids_seq", "event_ids", ["seq"], unique=False)
    # Window functions: SQLite 3.25+ and every supported PostgreSQL.
    op.execute(
        "INSERT INTO event_ids (id, event_id, seq) "
        "SELECT id, id, row_number() OVER (ORDER BY coalesce(first_seen, ''), id) FROM events"
    )


def downgrade() -> None:
    op.drop_index("ix_event_ids_seq", table_name="event_ids")
    op.drop_index("ix_event_ids_event", table_name="event_ids")
    op.drop_table("event_ids")
