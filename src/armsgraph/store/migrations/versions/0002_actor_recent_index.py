"""Migration 0002: event_participants.last_seen and an (entity, last_seen, event) index.

An actor's latest events (`events --actor`, the actor page, the network of an actor) then
read one index range instead of sorting every event the actor takes part in.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch copy): both SQLite and PostgreSQL do it in place.
    op.add_column("event_participants", sa.Column("last_seen", sa.String(length=32), nullable=True))
    op.execute(
        "UPDATE event_participants SET last_seen = "
        "(SELECT events.last_seen FROM events WHERE events.id = event_participants.event_id)"
    )
    op.create_index(
        "ix_event_participants_entity_last_seen",
        "event_participants",
        ["entity_id", "last_seen", "event_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_event_participants_entity_last_seen", table_name="event_participants")
    with op.batch_alter_table("event_participants", schema=None) as batch_op:
        batch_op.drop_column("last_seen")
