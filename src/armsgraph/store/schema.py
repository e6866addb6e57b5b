"""The one database schema (SQLAlchemy Core), the same for SQLite and PostgreSQL.

Plain types only (text, integers, floats; dates as ISO 8601 text) so that sqlite3,
DuckDB and Datasette open the SQLite file as it is. Every change to these tables goes
with a numbered Alembic migration in store/migrations/versions/.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TextClause,
    func,
    text,
)

metadata = MetaData()

# A document as read: one row per distinct text (id = input id or content hash).
documents = Table(
    "documents",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("url", Text),
    Column("title", Text),
    Column("published", String(32)),  # ISO date or datetime as the source gave it
    Column("dateline", Text),
    Column("language", String(16)),
    Column("source", Text),  # file path (with :line) or URL it was read from
    Column("content_hash", String(40), nullable=False),
    Column("text", Text, nullable=False),
    Column("ingested_at", String(32), nullable=False),
)
Index("ix_documents_url", documents.c.url)
Index("ix_documents_content_hash", documents.c.content_hash)
Index("ix_documents_published", documents.c.published)

# What the extractor returned for each document, as its JSON contract; `rebuild`
# recomputes entities, events and facts from these rows alone.
extractions = Table(
    "extractions",
    metadata,
    Column(
        "document_id",
        String(200),
        ForeignKey("documents.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("json", Text, nullable=False),
)

# Canonical entities (country:ISO3, gazetteer ids, or a stable hash of type + name).
entities = Table(
    "entities",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("type", String(32), nullable=False),
    Column("name", Text, nullable=False),
    Column("country", String(8)),
    Column("category", Text),
    Column("wikidata", String(32)),
)
Index("ix_entities_type_name", entities.c.type, entities.c.name)
Index("ix_entities_country", entities.c.country)

aliases = Table(
    "aliases",
    metadata,
    Column(
        "entity_id",
        String(200),
        ForeignKey("entities.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("alias", String(300), primary_key=True),
)
Index("ix_aliases_alias", aliases.c.alias)

mentions = Table(
    "mentions",
    metadata,
    Column(
        "document_id",
        String(200),
        ForeignKey("documents.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("entity_id", String(200), ForeignKey("entities.id"), primary_key=True),
    Column("start", Integer, primary_key=True, autoincrement=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
)
Index("ix_mentions_entity", mentions.c.entity_id)

# One row per merged event (the same deal reported by several documents is one row).
events = Table(
    "events",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("type", String(32), nullable=False),
    Column("status", String(16), nullable=False),  # the latest source's status
    Column("first_seen", String(32)),  # earliest publication date of a source
    Column("last_seen", String(32)),  # latest publication date of a source
    Column("time_text", Text),
    Column("time_start", String(32)),
    Column("time_end", String(32)),
    Column("quantity", Float),
    Column("quantity_text", Text),
    Column("value_amount", Float),
    Column("value_currency", String(8)),
    Column("value_text", Text),
    Column("confidence", Float, nullable=False),
    Column("n_sources", Integer, nullable=False),
    Column("systems", Text),  # names and aliases of systems/programs, " | "-joined, to filter on
    Column("merge_key", String(40), nullable=False),  # hash of type + non-system participants
    # Set from the table `corrections` (store/corrections.py) whenever the event is written:
    # 1 when an analyst corrected or flagged it, 1 when an analyst hid it (migration 0010).
    Column("corrected", Integer, nullable=False, server_default="0"),
    Column("hidden", Integer, nullable=False, server_default="0"),
)
HIDDEN = text("hidden = 1")
# The few hidden events: whether there are any is one probe of this partial index.
Index("ix_events_hidden", events.c.id, sqlite_where=HIDDEN, postgresql_where=HIDDEN)
Index("ix_events_last_seen", events.c.last_seen)
Index("ix_events_type_last_seen", events.c.type, events.c.last_seen)
# The event's own dates as the since/until filters compare them (queries/filters.py
# date_conditions: its time, else its reports' dates), so that counting the events of a
# period reads a range instead of every row (migration 0012).
EVENT_END = func.coalesce(events.c.time_end, events.c.last_seen)
Index("ix_events_event_end", EVENT_END)
Index("ix_events_type_event_end", events.c.type, EVENT_END)
Index("ix_events_merge_key", events.c.merge_key)

event_participants = Table(
    "event_participants",
    metadata,
    Column(
        "event_id",
        String(64),
        ForeignKey("events.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("role", String(32), primary_key=True),
    Column("entity_id", String(200), ForeignKey("entities.id"), primary_key=True),
    # A copy of events.last_seen, kept in step by the write path, so that an actor's latest
    # events are one range of ix_event_participants_entity_last_seen instead of a sort of
    # all its events (migration 0002).
    Column("last_seen", String(32)),
)
Index("ix_event_participants_entity", event_participants.c.entity_id, event_participants.c.event_id)
Index(
    "ix_event_participants_entity_last_seen",
    event_participants.c.entity_id,
    event_participants.c.last_seen,
    event_participants.c.event_id,
)

# One row per report of an event: the document, its evidence and what that report said.
event_sources = Table(
    "event_sources",
    metadata,
    Column(
        "event_id",
        String(64),
        ForeignKey("events.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column(
        "document_id",
        String(200),
        ForeignKey("documents.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("local_event_id", String(200), primary_key=True),  # the event's id in its extraction
    Column("start", Integer),
    Column("end", Integer),
    Column("text", Text),  # the first evidence sentence; all spans are in local_json
    Column("status", String(16), nullable=False),  # status as this report gave it
    Column("published", String(32)),  # the document's publication date
    Column("attribution", Text),
    Column("local_json", Text, nullable=False),  # the event as extracted, entity ids canonical
    # What the merge needs of a report without parsing local_json (migration 0003): its
    # merge key and years to find the stored reports it may join, its systems/programs
    # (tab-separated ids), and what summarizing a merged event reads (resolve/merge.Report).
    Column("merge_key", String(40)),
    Column("year_min", Integer),
    Column("year_max", Integer),
    Column("objects", Text),
    Column("confidence", Float),
    Column("details", Integer),  # merge.TIME | merge.QUANTITY | merge.VALUE it gives
    # merge.Report.order as text that sorts the same in SQLite and in any PostgreSQL
    # collation (hex of the publication date, then the status rank; store.order_key).
    Column("sort_key", String(80)),
    # 1 on the first stored report of each (event, objects, year_min, year_max), else 0.
    Column("rep", Integer),
)
Index("ix_event_sources_event", event_sources.c.event_id)
# The merge's look-up: one entry per (event, systems, years) of a merge key, however many
# reports repeat it (migration 0004), so finding the events a new report may join does
# not slow down as a deal gathers reports.
REPRESENTATIVE = text("rep = 1")
Index(
    "ix_event_sources_merge_rep",
    event_sources.c.merge_key,
    event_sources.c.year_min,
    event_sources.c.year_max,
    event_sources.c.objects,
    event_sources.c.event_id,
    sqlite_where=REPRESENTATIVE,
    postgresql_where=REPRESENTATIVE,
)
Index("ix_event_sources_event_order", event_sources.c.event_id, event_sources.c.sort_key)


def gives(bit: int) -> TextClause:
    """The condition "the report gives this detail" (merge.TIME, QUANTITY, VALUE), written
    the same in queries as in the partial indexes below so that both databases use them."""
    return text(f"(details & {bit}) <> 0")


# An event's latest report giving a time, a quantity or a value, found without scanning
# the reports that do not (migration 0003).
for _name, _bit in (("time", 1), ("quantity", 2), ("value", 4)):
    Index(
        f"ix_event_sources_{_name}",
        event_sources.c.event_id,
        event_sources.c.sort_key,
        sqlite_where=gives(_bit),
        postgresql_where=gives(_bit),
    )

# What the network view draws of each event, written with the event (its actors and the
# pairs they link, store/graph.graph_json), so that drawing 1,000 events reads 1,000
# rows of this table instead of their participants and entities (migration 0005).
event_graph = Table(
    "event_graph",
    metadata,
    Column(
        "event_id",
        String(64),
        ForeignKey("events.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    # JSON: [[[role, entity id], ...], [[from, to, directed], ...]]
    Column("graph", Text, nullable=False),
    # Copies of the event's columns an edge shows and the order of an actor's latest
    # events, rewritten with the row whenever a report changes the event (migration 0006):
    # the network of an actor then reads this table alone.
    Column("type", String(32)),
    Column("status", String(16)),
    Column("systems", Text),
    Column("last_seen", String(32)),
    # In SQLite the rows live in the primary key's b-tree: one look-up per event, not two.
    sqlite_with_rowid=False,
)

# Every event id ever shown, and the event it stands for now (migration 0007). A live
# event's own id points to itself; when events merge, the survivor keeps the oldest id
# (smallest `seq`, then id) and the others point to it, so an id a user copied, a link or a
# note that names it still finds the event. Not derived: `rebuild` keeps it and gives the
# rebuilt events the ids their reports had.
event_ids = Table(
    "event_ids",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("event_id", String(64), nullable=False),
    # The order ids were issued in: the events a document creates share one number.
    Column("seq", Integer, nullable=False),
)
Index("ix_event_ids_event", event_ids.c.event_id)
Index("ix_event_ids_seq", event_ids.c.seq)

facts = Table(
    "facts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("subject", String(200), ForeignKey("entities.id"), nullable=False),
    Column("attribute", String(100), nullable=False),
    Column("value", Text, nullable=False),  # numbers as their decimal text
    Column("unit", String(32)),
    Column(
        "document_id",
        String(200),
        ForeignKey("documents.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("start", Integer),
    Column("end", Integer),
    Column("text", Text),
)
Index("ix_facts_subject", facts.c.subject)
Index("ix_facts_document", facts.c.document_id)

# What analysts said of events, kept apart from what was extracted (migration 0010): one row
# per change (a status, the entities of a role, hidden or shown again) or flag (a note
# alone), with who, when and why. Not derived: `rebuild` keeps it, and every write of an
# event applies its corrections again (store/corrections.py), following `event_ids` when
# the id it names has become an alias.
corrections = Table(
    "corrections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False),  # the event's id when it was corrected
    Column("field", String(64), nullable=False),  # status | role:ROLE | hidden | note
    Column("old_value", Text),  # before: a status, JSON [{id, name, ...}] of a role, 0/1
    Column("new_value", Text),
    Column("note", Text),  # why
    Column("by", String(200), nullable=False),
    Column("at", String(32), nullable=False),  # UTC, ISO 8601
)
Index("ix_corrections_event", corrections.c.event_id)

# Which side of a transfer each role stands on, copied from the ontology's registry
# (armsgraph.ontology.role_sides; store/flows.sync_sides) so that the SQL view `flows`
# (store/flows.FLOWS_VIEW) reads it instead of naming roles (migration 0011).
# kind "role": side supplier | receiver | symmetric | object (systems, programs);
# kind "entity_type": side thing (types that are never actors).
ontology_sides = Table(
    "ontology_sides",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("name", String(64), primary_key=True),
    Column("side", String(16), nullable=False),
)

# Tables derived from `extractions` (emptied and refilled by Store.rebuild), children first.
DERIVED_TABLES = (
    event_graph,
    event_sources,
    event_participants,
    events,
    facts,
    mentions,
    aliases,
    entities,
)

# -- watch: polled sources, watchlists and their notices (armsgraph.watch; migration 0008) --
# Times here are UTC instants as fixed-width ISO 8601 text (watch.clock.stamp), so they
# compare as text in both databases.

# A feed or page polled on a schedule, with what the last poll met (conditional-request
# validators, the last error, the next poll) and a lease held by the process polling it.
watch_sources = Table(
    "watch_sources",
    metadata,
    Column("id", String(40), primary_key=True),  # hash of the URL
    Column("url", Text, nullable=False),
    Column("every", Integer, nullable=False),  # seconds between polls
    Column("added_at", String(32), nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_poll_at", String(32)),
    Column(
        "last_status", Text
    ),  # what the last poll did, in words ("3 new entries", "not modified")
    Column("last_new", Integer, nullable=False, server_default="0"),
    Column("total_new", Integer, nullable=False, server_default="0"),
    Column("last_error", Text),
    Column("last_error_at", String(32)),
    Column("failures", Integer, nullable=False, server_default="0"),  # in a row; 0 after a success
    Column("next_poll_at", String(32)),  # NULL: due now
    Column("lease_owner", String(200)),
    Column("lease_until", String(32)),
)
Index("ix_watch_sources_url", watch_sources.c.url, unique=True)

# Feed entries (or page versions) already ingested, so a poll ingests only what is new.
watch_entries = Table(
    "watch_entries",
    metadata,
    Column("source_id", String(40), primary_key=True),
    Column("entry_key", String(40), primary_key=True),  # hash of the entry's id and text
    Column("document_id", String(200)),
    Column("seen_at", String(32), nullable=False),
)

# When each host was last asked, so that sources on one host keep a minimum interval.
watch_hosts = Table(
    "watch_hosts",
    metadata,
    Column("host", String(300), primary_key=True),
    Column("last_request_at", String(32), nullable=False),
)

# A saved event filter (the filters of `armsgraph events`) and where its notices go.
watchlists = Table(
    "watchlists",
    metadata,
    Column("name", String(100), primary_key=True),
    Column(
        "filters", Text, nullable=False
    ),  # JSON: actor, type, status, system, since, until, text
    Column("notify", Text, nullable=False),  # JSON: webhook, email [...], jsonl
    Column("secret", Text),  # the webhook's HMAC-SHA256 key
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("last_match_at", String(32)),  # when a notice was last made
    Column("n_notices", Integer, nullable=False, server_default="0"),
)

# What each watchlist last told of each event it matched: the notices are the differences.
watch_state = Table(
    "watch_state",
    metadata,
    Column("watchlist", String(100), primary_key=True),
    Column("event_id", String(64), primary_key=True),
    Column("status", String(16)),
    Column("sources", Text, nullable=False),  # JSON: sorted document ids of its reports
    Column("quantity", Float),
    Column("value_amount", Float),
    Column("value_currency", String(8)),
    Column("updated_at", String(32), nullable=False),
)

# The outbox: one row per watchlist and change, written in the transaction that records the
# change in watch_state, so a notice is made exactly once whatever stops the process.
watch_notices = Table(
    "watch_notices",
    metadata,
    Column("id", String(40), primary_key=True),  # hash of watchlist, event and the new state
    Column("watchlist", String(100), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),  # new | changed
    Column("summary", Text, nullable=False),
    Column("payload", Text, nullable=False),  # JSON: the notice as the webhook sends it
    Column("created_at", String(32), nullable=False),
)
Index("ix_watch_notices_watchlist", watch_notices.c.watchlist, watch_notices.c.created_at)

# One row per notice and channel target (webhook URL, e-mail address, JSON Lines file),
# written with the notice; delivery marks it done, or failed after its last attempt.
watch_deliveries = Table(
    "watch_deliveries",
    metadata,
    Column("notice_id", String(40), primary_key=True),
    Column("channel", String(16), primary_key=True),  # webhook | email | jsonl
    Column("target", String(500), primary_key=True),
    Column("status", String(16), nullable=False),  # pending | done | failed
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", String(32), nullable=False),
    Column("last_error", Text),
    Column("delivered_at", String(32)),
    Column("lease_owner", String(200)),
    Column("lease_until", String(32)),
)
Index("ix_watch_deliveries_due", watch_deliveries.c.status, watch_deliveries.c.next_attempt_at)
