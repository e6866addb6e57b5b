"""Migration 0009: full-text search over documents and event evidence (store/search.py).

SQLite: the FTS5 tables documents_fts and evidence_fts with the triggers that keep them in
step with documents and event_sources, filled from the stored rows. PostgreSQL: GIN
indexes over the tsvector of the same columns. Nothing existing changes.
"""

from __future__ import annotations

from alembic import op

from armsgraph.store import search

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    search.install(op.get_bind())


def downgrade() -> None:
    search.uninstall(op.get_bind())
