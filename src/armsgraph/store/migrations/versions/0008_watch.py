"""Migration 0008: the tables of armsgraph.watch (polled sources, watchlists, notices).

watch_sources (feeds and pages polled on a schedule), watch_entries (what was ingested of
them), watch_hosts (when each host was last asked), watchlists (saved event filters and
where their notices go), watch_state (what each watchlist last told of each event),
watch_notices (the outbox) and watch_deliveries (one row per notice and channel target).
New tables only: nothing existing changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watch_sources",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("every", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.String(length=32), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("last_poll_at", sa.String(length=32), nullable=True),
        sa.Column("last_status", sa.Text(), nullable=True),
        sa.Column("last_new", sa.Integer(), server_default="0", nullable=False),
        sa.Column("total_new", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", sa.String(length=32), nullable=True),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_poll_at", sa.String(length=32), nullable=True),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("lease_until", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_watch_sources_url", "watch_sources", ["url"], unique=True)
    op.create_table(
        "watch_entries",
        sa.Column("source_id", sa.String(length=40), nullable=False),
        sa.Column("entry_key", sa.String(length=40), nullable=False),
        sa.Column("document_id", sa.String(length=200), nullable=True),
        sa.Column("seen_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("source_id", "entry_key"),
    )
    op.create_table(
        "watch_hosts",
        sa.Column("host", sa.String(length=300), nullable=False),
        sa.Column("last_request_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("host"),
    )
    op.create_table(
        "watchlists",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("filters", sa.Text(), nullable=False),
        sa.Column("notify", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("last_match_at", sa.String(length=32), nullable=True),
        sa.Column("n_notices", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "watch_state",
        sa.Column("watchlist", sa.String(length=100), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("sources", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=True),
        sa.Column("value_amount", sa.Float(), nullable=True),
        sa.Column("value_currency", sa.String(length=8), nullable=True),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("watchlist", "event_id"),
    )
    op.create_table(
        "watch_notices",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("watchlist", sa.String(length=100), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_watch_notices_watchlist", "watch_notices", ["watchlist", "created_at"], unique=False
    )
    op.create_table(
        "watch_deliveries",
        sa.Column("notice_id", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.String(length=32), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.String(length=32), nullable=True),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("lease_until", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("notice_id", "channel", "target"),
    )
    op.create_index(
        "ix_watch_deliveries_due",
        "watch_deliveries",
        ["status", "next_attempt_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_watch_deliveries_due", table_name="watch_deliveries")
    op.drop_table("watch_deliveries")
    op.drop_index("ix_watch_notices_watchlist", table_name="watch_notices")
    op.drop_table("watch_notices")
    op.drop_table("watch_state")
    op.drop_table("watchlists")
    op.drop_table("watch_hosts")
    op.drop_table("watch_entries")
    op.drop_index("ix_watch_sources_url", table_name="watch_sources")
    op.drop_table("watch_sources")
