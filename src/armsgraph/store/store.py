"""The database: open (and migrate) a SQLite file or a PostgreSQL URL, write extractions, rebuild.

All writes go through `Store.add` (one document and everything extracted from it, in one
transaction) and `Store.rebuild`; reads go through store/queries.py.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    create_engine,
    delete,
    event,
    func,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from armsgraph.errors import StoreError
from armsgraph.model import Document, Extraction, Fact, content_hash
from armsgraph.resolve import merge
from armsgraph.resolve.entities import resolve_event_json, resolve_with_ids
from armsgraph.store import queries
from armsgraph.store.merging import Merger as _Merger
from armsgraph.store.merging import (
    former_ids,
    insert_rows,
    preferred_ids,
    remove_reports,
    settle_ids,
)
from armsgraph.store.schema import (
    DERIVED_TABLES,
    aliases,
    documents,
    entities,
    event_graph,
    event_sources,
    events,
    extractions,
    facts,
    mentions,
)

DEFAULT_DB = "armsgraph.db"
# The PostgreSQL advisory lock every write transaction (and the migrations) holds: writers
# of one database take turns, as SQLite's BEGIN IMMEDIATE makes them. Without it two
# processes merging reports of one event at once each read the event before the other's
# report and one update was lost (n_sources one short).
_WRITE_LOCK = 0x61726D73  # "arms"
MIGRATIONS = Path(__file__).with_name("migrations")


def database_url(db: str | os.PathLike[str] | None = None) -> str:
    """The SQLAlchemy URL for `db`: a path (SQLite), a sqlite:/postgresql: URL, or
    ARMSGRAPH_DB, or ./armsgraph.db. `postgresql://` uses the psycopg (3) driver."""
    value = str(db) if db is not None else os.environ.get("ARMSGRAPH_DB") or DEFAULT_DB
    if value.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser())


def describe_url(url: str) -> str:
    """The URL without its password, to name a database in messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa_exc.ArgumentError:
        return url


@dataclass
class AddResult:
    """What `Store.add` did with one document."""

    document_id: str
    status: str  # "new", "unchanged", or "updated" (a stored text given a corrected date)
    events_added: int = 0  # events no earlier report had
    events_merged: int = 0  # reports merged into an event already stored
    facts: int = 0


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _hint_for(err: BaseException) -> str:
    text = str(err).lower()
    if "locked" in text or "busy" in text:
        return "another process is writing to this SQLite file; wait for it to finish, or use PostgreSQL for concurrent writers"
    if "disk" in text and "full" in text or "no space" in text:
        return "free disk space and re-run; what was committed is kept"
    if "readonly" in text or "read-only" in text or "permission" in text:
        return "the database file or its directory is not writable; choose another --db"
    if "unable to open" in text:
        return "check that the directory of --db exists and is writable"
    if (
        "connection" in text
        or "server closed" in text
        or "terminating" in text
        or "could not connect" in text
    ):
        return "check that the PostgreSQL server is running and reachable, then re-run; what was committed is kept"
    if "not a database" in text or "malformed" in text:
        return "--db does not point to an armsgraph SQLite file"
    return "re-run; what was committed is kept"


_BY_HASH = (
    select(documents.c.id, documents.c.published)
    .where(documents.c.content_hash == bindparam("h"))
    .order_by(documents.c.id)
    .limit(1)
)
_BY_ID = select(documents.c.id).where(documents.c.id == bindparam("id"))


def _corrects(stored: Any, doc: Document) -> bool:
    """Whether `doc`, whose text is stored as `stored` (id, published), gives that stored
    document a new publication date: same document (its id, or the id a new version of
    it got), and a date that differs. A document without a date never erases one."""
    same = stored.id == doc.id or stored.id.startswith(f"{doc.id}@")
    return bool(same and doc.published and doc.published != stored.published)


@dataclass
class Prepared:
    """One extraction as `Store.add` writes it: everything that needs no database, computed
    beforehand (`prepare`), so that ingest workers do it and the process that writes only
    writes. Rows are those of the tables of the same names; `json` the extractions row."""

    document: Document
    content_hash: str
    json: str
    entities: list[dict[str, Any]]
    aliases: list[dict[str, Any]]
    mentions: list[dict[str, Any]]
    facts: list[dict[str, Any]]
    sources: list[merge.Source]
    skipped: str | None = None

    def renamed(self, document_id: str) -> Prepared:
        """The same under another document id (a new version of a stored page): equal to
        preparing the extraction of the renamed document (tests/store checks it)."""
        from dataclasses import replace

        raw = json.loads(self.json)
        raw["document"]["id"] = document_id
        return replace(
            self,
            document=replace(self.document, id=document_id),
            json=_dumps(raw),
            mentions=[{**m, "document_id": document_id} for m in self.mentions],
            facts=[
                {
                    **f,
                    "document_id": document_id,
                    "id": fact_id(document_id, f["subject"], f["attribute"], f["start"]),
                }
                for f in self.facts
            ],
            sources=[
                merge.Source(document_id, s.local_event_id, s.published, s.event)
                for s in self.sources
            ],
        )


def _dumps(raw: dict[str, Any]) -> str:
    return json.dumps(raw, ensure_ascii=False, sort_keys=True)


def prepare(extraction: Extraction, raw: dict[str, Any] | None = None) -> Prepared:
    """What `Store.add` writes for `extraction`, computed without the database: canonical
    entities and their rows, mentions, facts, the reports its events give to the merge,
    and the stored JSON (`raw`, its to_json(), may be given)."""
    doc = extraction.document
    if raw is None:
        raw = extraction.to_json()
    resolved, mapping = resolve_with_ids(extraction)
    ent_rows, alias_rows, mention_rows = [], [], []
    for e in resolved.entities:
        ent_rows.append(
            {
                "id": e.id,
                "type": e.type,
                "name": e.name,
                "country": e.country,
                "category": e.category,
                "wikidata": e.wikidata,
            }
        )
        alias_rows += [{"entity_id": e.id, "alias": a[:300]} for a in e.aliases]
        mention_rows += [
            {
                "document_id": doc.id,
                "entity_id": e.id,
                "start": m.start,
                "end": m.end,
                "text": m.text,
            }
            for m in e.mentions
        ]
    sources: list[merge.Source] = []
    local_ids: set[str] = set()
    for i, raw_event in enumerate(raw.get("events", [])):
        ev_json = resolve_event_json(raw_event, mapping)
        local_id = str(ev_json.get("id") or i)
        if local_id in local_ids:  # an extractor bug must not lose an event
            local_id = f"{local_id}#{i}"
        local_ids.add(local_id)
        sources.append(merge.Source(doc.id, local_id, doc.published, ev_json))
    return Prepared(
        document=doc,
        content_hash=content_hash(doc.text, length=40),
        json=_dumps(raw),
        entities=ent_rows,
        aliases=alias_rows,
        mentions=mention_rows,
        facts=[fact_row(doc.id, f) for f in resolved.facts],
        sources=sources,
        skipped=extraction.skipped,
    )


class Store:
    """An armsgraph database. `Store()` opens ./armsgraph.db (or ARMSGRAPH_DB); `Store(path)`
    a SQLite file; `Store("postgresql://user@host/db")` a PostgreSQL database. Opening
    creates or migrates the schema to the latest version."""

    def __init__(self, db: str | os.PathLike[str] | None = None, *, migrate: bool = True):
        self.url = database_url(db)
        self.name = describe_url(self.url)
        # Entity and alias rows this Store has committed: every document names the same
        # countries with their many aliases again, and inserting those rows again (to be
        # ignored) took a tenth of the write. Bounded (see _remember); emptied by rebuild.
        self._stored_entities: set[str] = set()
        self._stored_aliases: set[tuple[str, str]] = set()
        self.dialect = make_url(self.url).get_backend_name()
        if self.dialect == "sqlite":
            path = make_url(self.url).database
            if path and path != ":memory:" and not Path(path).parent.exists():
                raise StoreError(
                    f"directory {Path(path).parent} does not exist",
                    where=self.name,
                    hint="create it or choose another --db",
                )
        try:
            self.engine: Engine = self._engine()
            if migrate:
                self.migrate()
        except sa_exc.NoSuchModuleError as err:
            raise StoreError(
                f"no database driver for {self.name}",
                where=self.name,
                hint="for PostgreSQL: pip install 'armsgraph[postgres]'",
            ) from err
        except ImportError as err:
            raise StoreError(
                f"cannot load the database driver ({err})",
                where=self.name,
                hint="for PostgreSQL: pip install 'armsgraph[postgres]'",
            ) from err
        except sa_exc.SQLAlchemyError as err:
            raise StoreError(
                f"cannot open the database: {err.__class__.__name__}: {_first_line(err)}",
                where=self.name,
                hint=_hint_for(err),
            ) from err

    # -- connection plumbing -------------------------------------------------------------

    def _engine(self) -> Engine:
        if self.dialect != "sqlite":
            return create_engine(self.url, pool_pre_ping=True)
        engine = create_engine(self.url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy's begin() decide when a transaction starts (see _on_begin).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")  # readers never block the writer
            cur.execute(
                "PRAGMA synchronous=NORMAL"
            )  # safe with WAL; commits stay durable on crash of the process
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            # Checkpoint the WAL every ~40 MB instead of every 4 MB: each checkpoint syncs
            # the file, and with one transaction per document they dominated commit time.
            cur.execute("PRAGMA wal_autocheckpoint=10000")
            cur.execute("PRAGMA journal_size_limit=67108864")  # a checkpointed WAL shrinks back
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            # Writers take the write lock up front, so two writers wait for each other
            # instead of failing half-way with "database is locked".
            mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """A connection for reading (pass it to store.queries functions)."""
        with self._errors(), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection inside one write transaction: committed at the end, rolled back on
        error. It holds the database's write lock from its start (SQLite: BEGIN IMMEDIATE;
        PostgreSQL: an advisory lock), so concurrent writers wait for each other."""
        with self._errors(), self.engine.connect() as conn:
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                if self.dialect == "postgresql":
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_WRITE_LOCK})")
                yield conn

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sa_exc.SQLAlchemyError as err:
            raise StoreError(
                f"database error: {_first_line(err)}", where=self.name, hint=_hint_for(err)
            ) from err

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def migrate(self) -> None:
        """Bring the schema to the latest migration (Alembic, recorded in alembic_version).

        The migrations run in one transaction that holds the write lock from its start
        (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock), so processes opening a
        new database at once wait for each other like any writers, and the later ones
        find the schema made."""
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        head = ScriptDirectory.from_config(cfg).get_current_head()
        with self.engine.connect() as conn:
            # A plain read first: an up-to-date database (the usual case) takes no lock.
            current = MigrationContext.configure(conn).get_current_revision()
            conn.rollback()
            if current == head:
                return
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                if self.dialect == "postgresql":
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_WRITE_LOCK})")
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")

    # -- writes ----------------------------------------------------------------------------

    def has_document(self, doc: Document) -> bool:
        """Whether this text is stored already, with this date (ingesting it again would
        change nothing)."""
        h = content_hash(doc.text, length=40)
        with self.connect() as conn:
            stored = conn.execute(_BY_HASH, {"h": h}).first()
        return stored is not None and not _corrects(stored, doc)

    def add(self, extraction: Extraction | Prepared) -> AddResult:
        """Store one document and everything extracted from it, in one transaction.

        A text already stored changes nothing (status "unchanged"), unless it comes with
        another publication date (a corrected --published): then the stored document
        takes the new date and the extraction made with it, and its events are formed
        again, keeping their ids (status "updated"). A new text under an id already used
        (a new version of the same page) is stored as a new document whose id gets the
        content hash appended. Events merge with the stored reports of the same event
        (resolve/merge.py). `extraction` may come as `prepare(extraction)`, made
        beforehand (by an ingest worker).
        """
        p = extraction if isinstance(extraction, Prepared) else prepare(extraction)
        ents = [r for r in p.entities if r["id"] not in self._stored_entities]
        names = [r for r in p.aliases if (r["entity_id"], r["alias"]) not in self._stored_aliases]
        with self.transaction() as conn:
            stored = conn.execute(_BY_HASH, {"h": p.content_hash}).first()
            if stored is not None and not _corrects(stored, p.document):
                return AddResult(stored.id, "unchanged")
            former: dict[Any, str] = {}
            if stored is not None:
                # The same text with a corrected date: its reports leave their events,
                # then come back extracted against the new date, under the same ids.
                if p.document.id != stored.id:
                    p = p.renamed(stored.id)
                former = remove_reports(conn, stored.id)
                conn.execute(delete(documents).where(documents.c.id == stored.id))
            elif conn.execute(_BY_ID, {"id": p.document.id}).first():
                p = p.renamed(f"{p.document.id}@{p.content_hash[:12]}")
            row = {**document_row(p.document, p.content_hash), "ingested_at": _now()}
            insert_rows(conn, documents, [row])
            insert_rows(conn, extractions, [{"document_id": p.document.id, "json": p.json}])
            result = self._apply(conn, p, ents, names, preferred_ids(former))
            if stored is not None:
                settle_ids(conn, former)
                result.status = "updated"
        self._remember(ents, names)  # committed
        return result

    def _remember(self, ents: list[dict[str, Any]], names: list[dict[str, Any]]) -> None:
        if len(self._stored_aliases) > 500_000 or len(self._stored_entities) > 100_000:
            # A bound on memory: forgetting only costs inserts that will be ignored.
            self._stored_entities.clear()
            self._stored_aliases.clear()
        self._stored_entities.update(r["id"] for r in ents)
        self._stored_aliases.update((r["entity_id"], r["alias"]) for r in names)

    def _apply(
        self,
        conn: Connection,
        p: Prepared,
        ents: list[dict[str, Any]] | None = None,
        names: list[dict[str, Any]] | None = None,
        preferred: dict[str, str] | None = None,
    ) -> AddResult:
        """Write the entities, mentions, facts and events of one stored document (of its
        entity and alias rows, `ents` and `names` when given: those not known stored;
        `preferred`: the ids its reports' events had, see merging.Merger)."""
        insert_rows(conn, entities, p.entities if ents is None else ents, skip_existing=True)
        insert_rows(conn, aliases, p.aliases if names is None else names, skip_existing=True)
        insert_rows(conn, mentions, p.mentions, skip_existing=True)
        insert_rows(conn, facts, p.facts, skip_existing=True)
        result = AddResult(p.document.id, "new", facts=len(p.facts))
        result.events_added, result.events_merged = _Merger(conn, preferred).run(p.sources)
        if p.sources:
            write_graph(conn, doc_id=p.document.id)
        return result

    def rebuild(self) -> dict[str, int]:
        """Recompute entities, mentions, facts and merged events from the stored extractions,
        in one transaction (deterministic: the same stored documents give the same events).
        Events keep the ids they had (the oldest id among their reports' former events);
        the id of an event that no longer exists points to the event holding its reports."""
        self._stored_entities.clear()
        self._stored_aliases.clear()
        with self.transaction() as conn:
            former = former_ids(conn)
            preferred = preferred_ids(former)
            for table in DERIVED_TABLES:
                conn.execute(delete(table))
            order = func.coalesce(documents.c.published, "")
            base = (
                select(documents, extractions.c.json)
                .join(extractions, extractions.c.document_id == documents.c.id)
                .order_by(order, documents.c.id)
                .limit(200)
            )
            # Page by (published, id) rather than holding every text in memory at once.
            n, after = 0, None
            while True:
                q = base if after is None else base.where(tuple_(order, documents.c.id) > after)
                rows = conn.execute(q).all()
                if not rows:
                    break
                for r in rows:
                    doc = document_from_row(r)
                    raw = json.loads(r.json)
                    prepared = prepare(Extraction.from_json(raw, doc), raw)
                    self._apply(conn, prepared, preferred=preferred)
                    n += 1
                after = tuple_(rows[-1].published or "", rows[-1].id)
            settle_ids(conn, former)
            counts = queries.stats(conn)
        counts["rebuilt"] = n
        return counts

    # -- reads (see store/queries.py) ---------------------------------------------------------

    def events(
        self, filters: queries.EventFilters | None = None, **kwargs: Any
    ) -> list[dict[str, Any]]:
        with self.connect() as conn:
            return queries.events(conn, filters, **kwargs)

    def count_events(self, filters: queries.EventFilters | None = None, **kwargs: Any) -> int:
        with self.connect() as conn:
            return queries.count_events(conn, filters, **kwargs)

    def event(self, event_id: str) -> dict[str, Any] | None:
        with self.connect() as conn:
            return queries.event(conn, event_id)

    def actors(self, **kwargs: Any) -> list[dict[str, Any]]:
        with self.connect() as conn:
            return queries.actors(conn, **kwargs)

    def actor(self, entity_id: str, **kwargs: Any) -> dict[str, Any] | None:
        with self.connect() as conn:
            return queries.actor(conn, entity_id, **kwargs)

    def document(self, document_id: str) -> dict[str, Any] | None:
        with self.connect() as conn:
            return queries.document(conn, document_id)

    def network(self, filters: queries.EventFilters | None = None, **kwargs: Any) -> dict[str, Any]:
        with self.connect() as conn:
            return queries.network(conn, filters, **kwargs)

    def stats(self) -> dict[str, int]:
        with self.connect() as conn:
            return queries.stats(conn)


_INSERT_GRAPH: dict[str, Any] = {}
# The copies of the events' columns that a report can change, brought up to date in the
# database itself and only where they differ: an unchanged row is not written again.
_COPIED = ("status", "systems", "last_seen")
_COPY_EVENT_COLUMNS = (
    update(event_graph)
    .values(
        {
            c: select(events.c[c]).where(events.c.id == event_graph.c.event_id).scalar_subquery()
            for c in _COPIED
        }
    )
    .where(
        select(events.c.id)
        .where(
            events.c.id == event_graph.c.event_id,
            or_(*(events.c[c].is_distinct_from(event_graph.c[c]) for c in _COPIED)),
        )
        .exists()
    )
)
# What Store.add runs for the events that got a report of its document, built once.
_DOC_EVENTS = select(event_sources.c.event_id).where(
    event_sources.c.document_id == bindparam("doc_id")
)
_DOC_NEW_GRAPHS = queries.graph_select(_DOC_EVENTS, missing=True)
_DOC_COPY = _COPY_EVENT_COLUMNS.where(event_graph.c.event_id.in_(_DOC_EVENTS))


def write_graph(conn: Connection, event_ids: list[str] | None = None, *, doc_id: str = "") -> None:
    """Bring the event_graph rows of the events `event_ids`, or of the events that got a
    report of the document `doc_id`, up to date with the events.

    Store.add calls it for its document's events: the only events it created or changed
    (the events a merge removes lose their row by cascade). An event's actors and edges
    never change once it is written: every report merged into it has the same merge key,
    which is its type and (role, actor) pairs. So only new events get their graph
    computed; the others only their copied columns, in one UPDATE.
    tests/store/test_network_store.py checks the network read from these rows against
    the one drawn from the participants."""
    if event_ids is None:
        new, copy, params = _DOC_NEW_GRAPHS, _DOC_COPY, {"doc_id": doc_id}
    else:
        ids = bindparam("ids", event_ids, expanding=True)
        new = queries.graph_select(event_ids, missing=True)
        copy, params = _COPY_EVENT_COLUMNS.where(event_graph.c.event_id.in_(ids)), {}
    rows = queries.graph_rows(conn, new, params)
    if rows:
        stmt = _INSERT_GRAPH.get(conn.dialect.name)
        if stmt is None:
            if conn.dialect.name == "postgresql":
                from sqlalchemy.dialects.postgresql import insert
            else:
                from sqlalchemy.dialects.sqlite import insert
            stmt = _INSERT_GRAPH[conn.dialect.name] = insert(event_graph).on_conflict_do_nothing()
        conn.execute(stmt, rows)
    conn.execute(copy, params)


def write_all_graphs(conn: Connection) -> None:
    """Write the event_graph row of every event (for stores filled by other means than
    Store.add), in pages of event ids."""
    after = ""
    while True:
        ids = list(
            conn.execute(
                select(events.c.id).where(events.c.id > after).order_by(events.c.id).limit(5000)
            ).scalars()
        )
        if not ids:
            return
        write_graph(conn, ids)
        after = ids[-1]


def _first_line(err: BaseException) -> str:
    text = str(getattr(err, "orig", None) or err)
    return text.strip().splitlines()[0] if text.strip() else err.__class__.__name__


def fact_id(document_id: str, subject: str, attribute: str, start: int) -> str:
    """The id of a fact: its document, subject, attribute and where its evidence starts."""
    return "fact:" + content_hash(document_id, subject, attribute, str(start))


def fact_row(document_id: str, fact: Fact) -> dict:
    """The facts-table row of one fact (the Spark job writes the same columns)."""
    return {
        "id": fact_id(document_id, fact.subject, fact.attribute, fact.evidence.start),
        "subject": fact.subject,
        "attribute": fact.attribute,
        "value": str(fact.value),
        "unit": fact.unit,
        "document_id": document_id,
        "start": fact.evidence.start,
        "end": fact.evidence.end,
        "text": fact.evidence.text,
    }


def document_row(doc: Document, content_hash_: str) -> dict:
    """The documents-table columns of one document (the Spark job writes the same)."""
    return {
        "id": doc.id,
        "url": doc.url,
        "title": doc.title,
        "published": doc.published,
        "dateline": doc.dateline,
        "language": doc.language,
        "source": doc.source,
        "content_hash": content_hash_,
        "text": doc.text,
    }


def document_from_row(row: Any) -> Document:
    """A Document back from a documents row (a table row, a Parquet row: anything with the columns)."""
    return Document(
        text=row.text,
        id=row.id,
        url=row.url,
        title=row.title,
        published=row.published,
        dateline=row.dateline,
        source=row.source,
        language=row.language,
    )
