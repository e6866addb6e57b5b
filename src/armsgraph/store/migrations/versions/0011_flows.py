"""Migration 0011: the view `flows` (supplier → recipient → system rows) and `ontology_sides`.

ontology_sides holds each role's side as the ontology's registry gives it (filled here,
kept in step by Store.rebuild); flows reads it with events, event_participants and
entities, so it names no role. A view only: no stored row changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from armsgraph.store.flows import FLOWS_VIEW, side_rows

    table = op.create_table(
        "ontology_sides",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("side", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("kind", "name"),
    )
    op.bulk_insert(table, side_rows())
    op.execute(FLOWS_VIEW)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS flows")
    op.drop_table("ontology_sides")
