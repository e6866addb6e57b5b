"""Migration 0004: event_sources.rep marks one report per (event, systems, years).

The merge then finds the events a new report may join by reading one index entry per
distinct (event, systems, years) of its merge key instead of one per stored report, so
ingest does not slow down as much-reported deals gather reports. The index on every
report (ix_event_sources_merge, 0003) is replaced by a partial one on these.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_MERGE_COLUMNS = ["merge_key", "year_min", "year_max", "objects", "event_id"]


def upgrade() -> None:
    op.add_column("event_sources", sa.Column("rep", sa.Integer(), nullable=True))
    conn = op.get_bind()
    es = sa.table(
        "event_sources",
        *(sa.column(c) for c in ("document_id", "local_event_id", "rep", *_MERGE_COLUMNS)),
    )
    conn.execute(sa.update(es).values(rep=0))
    # The first report (by document and local id) of each combination becomes its
    # representative; pages by primary key, since SQLite cannot update what a cursor reads.
    seen: set[tuple] = set()
    after = ("", "")
    mark = (
        sa.update(es)
        .where(
            es.c.document_id == sa.bindparam("b_doc"),
            es.c.local_event_id == sa.bindparam("b_local"),
        )
        .values(rep=1)
    )
    while True:
        rows = conn.execute(
            sa.select(es.c.document_id, es.c.local_event_id, *(es.c[c] for c in _MERGE_COLUMNS))
            .where(sa.tuple_(es.c.document_id, es.c.local_event_id) > sa.tuple_(*after))
            .order_by(es.c.document_id, es.c.local_event_id)
            .limit(5000)
        ).all()
        if not rows:
            break
        first = []
        for r in rows:
            combo = (r.event_id, r.objects, r.year_min, r.year_max)
            if combo not in seen:
                seen.add(combo)
                first.append({"b_doc": r.document_id, "b_local": r.local_event_id})
        if first:
            conn.execute(mark, first)
        after = (rows[-1].document_id, rows[-1].local_event_id)
    op.drop_index("ix_event_sources_merge", table_name="event_sources")
    where = sa.text("rep = 1")
    op.create_index(
        "ix_event_sources_merge_rep",
        "event_sources",
        _MERGE_COLUMNS,
        unique=False,
        sqlite_where=where,
        postgresql_where=where,
    )


def downgrade() -> None:
    op.drop_index("ix_event_sources_merge_rep", table_name="event_sources")
    op.create_index("ix_event_sources_merge", "event_sources", _MERGE_COLUMNS, unique=False)
    with op.batch_alter_table("event_sources", schema=None) as batch_op:
        batch_op.drop_column("rep")
