"""Migration 0012: indexes on the event's own end date (its time, else its last report).

--since compares coalesce(time_end, last_seen) (queries/filters.date_conditions); with
these expression indexes counting the events of a period, with or without a type, reads
a range of an index instead of every event. Indexes only: no row changes.
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_events_event_end ON events ((coalesce(time_end, last_seen)))")
    op.execute(
        "CREATE INDEX ix_events_type_event_end ON events (type, (coalesce(time_end, last_seen)))"
    )


def downgrade() -> None:
    op.drop_index("ix_events_type_event_end", table_name="events")
    op.drop_index("ix_events_event_end", table_name="events")
