"""Migration 0003: merge columns on event_sources (key, years, systems, confidence, order).

A new report then finds the stored reports it may join by an index on (merge_key, years)
and a merged event is summarized from these columns, instead of parsing the JSON of every
stored report of the same parties. Existing rows are filled from their local_json.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


# Partial indexes: an event's latest report giving a time, a quantity or a value.
_DETAILS = (("time", 1), ("quantity", 2), ("value", 4))


def _columns() -> list[sa.Column]:
    return [
        sa.Column("merge_key", sa.String(length=40), nullable=True),
        sa.Column("year_min", sa.Integer(), nullable=True),
        sa.Column("year_max", sa.Integer(), nullable=True),
        sa.Column("objects", sa.Text(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("details", sa.Integer(), nullable=True),
        sa.Column("sort_key", sa.String(length=80), nullable=True),
    ]


def upgrade() -> None:
    from armsgraph.store.merge_sql import merge_columns

    for column in _columns():
        op.add_column("event_sources", column)
    conn = op.get_bind()
    es = sa.table(
        "event_sources",
        sa.column("document_id"),
        sa.column("local_event_id"),
        sa.column("published"),
        sa.column("local_json"),
        *(sa.column(c.name) for c in _columns()),
    )
    update = (
        sa.update(es)
        .where(
            es.c.document_id == sa.bindparam("b_doc"),
            es.c.local_event_id == sa.bindparam("b_local"),
        )
        .values({c.name: sa.bindparam(c.name) for c in _columns()})
    )
    # Page through the rows by primary key: updating the table a cursor is still reading
    # is not safe in SQLite.
    after = ("", "")
    while True:
        rows = conn.execute(
            sa.select(es.c.document_id, es.c.local_event_id, es.c.published, es.c.local_json)
            .where(sa.tuple_(es.c.document_id, es.c.local_event_id) > sa.tuple_(*after))
            .order_by(es.c.document_id, es.c.local_event_id)
            .limit(2000)
        ).all()
        if not rows:
            break
        conn.execute(
            update,
            [
                {
                    "b_doc": r.document_id,
                    "b_local": r.local_event_id,
                    **merge_columns(json.loads(r.local_json), r.published),
                }
                for r in rows
            ],
        )
        after = (rows[-1].document_id, rows[-1].local_event_id)
    op.create_index(
        "ix_event_sources_merge",
        "event_sources",
        ["merge_key", "year_min", "year_max", "objects", "event_id"],
        unique=False,
    )
    op.create_index(
        "ix_event_sources_event_order", "event_sources", ["event_id", "sort_key"], unique=False
    )
    for name, bit in _DETAILS:
        where = sa.text(f"(details & {bit}) <> 0")
        op.create_index(
            f"ix_event_sources_{name}",
            "event_sources",
            ["event_id", "sort_key"],
            unique=False,
            sqlite_where=where,
            postgresql_where=where,
        )


def downgrade() -> None:
    for name, _bit in _DETAILS:
        op.drop_index(f"ix_event_sources_{name}", table_name="event_sources")
    op.drop_index("ix_event_sources_event_order", table_name="event_sources")
    op.drop_index("ix_event_sources_merge", table_name="event_sources")
    with op.batch_alter_table("event_sources", schema=None) as batch_op:
        for column in reversed(_columns()):
            batch_op.drop_column(column.name)
