"""Store stage: the database of events (a SQLite file or PostgreSQL), written through one path.

`Store` opens (and migrates) a database and writes to it: `add` one document's extraction,
`rebuild` everything from the stored extractions; `ingest` runs sources through the
pipeline into it; reads are the functions of `armsgraph.store.queries`. `prepare`,
`document_row` and `document_from_row` give the rows a document becomes, for other writers
of the same tables (the Spark job).
"""

from armsgraph.store.db import database_url
from armsgraph.store.ingest import IngestInterrupted, IngestSummary, ingest
from armsgraph.store.rows import Prepared, document_from_row, document_row, prepare
from armsgraph.store.store import AddResult, Store

__all__ = [
    "AddResult",
    "IngestInterrupted",
    "IngestSummary",
    "Prepared",
    "Store",
    "database_url",
    "document_from_row",
    "document_row",
    "ingest",
    "prepare",
]
