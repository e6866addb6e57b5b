"""The read API over the store: events, one event, actors, one actor, documents, corrections.

Every function takes an open SQLAlchemy `Connection` (from `Store.connect()`) and returns
plain dicts and lists ready for JSON, templates or a table, so the CLI, the web app and
the Python API all read the database the same way. Dates are ISO 8601 text.

    with store.connect() as conn:
        page = events(conn, EventFilters(actor="Egypt", type="arms_sale", limit=20))
        one = event(conn, page[0]["id"])
"""

from armsgraph.store.queries.actors import PARTNER_WINDOW, actor, actors
from armsgraph.store.queries.corrections import list_corrections
from armsgraph.store.queries.documents import (
    DocumentFilters,
    count_documents,
    document,
    document_texts,
    documents_list,
    publisher_of,
    stats,
)
from armsgraph.store.queries.events import (
    count_events,
    current_event_id,
    event,
    events,
    flow_label,
    flow_text,
    on_side,
    sources_of,
    with_sources,
)
from armsgraph.store.queries.filters import (
    MAX_RECENT_WINDOW,
    ORDERS,
    EventFilters,
    resolve_actor,
    resolve_system,
)
from armsgraph.store.queries.flows import flows, flows_of, sides_of
from armsgraph.store.queries.trends import deal_types, trends

__all__ = [
    "MAX_RECENT_WINDOW",
    "ORDERS",
    "PARTNER_WINDOW",
    "DocumentFilters",
    "EventFilters",
    "actor",
    "actors",
    "count_documents",
    "count_events",
    "current_event_id",
    "deal_types",
    "document",
    "document_texts",
    "documents_list",
    "event",
    "flows",
    "flows_of",
    "events",
    "list_corrections",
    "publisher_of",
    "flow_label",
    "flow_text",
    "on_side",
    "resolve_actor",
    "sides_of",
    "resolve_system",
    "sources_of",
    "with_sources",
    "stats",
    "trends",
]
