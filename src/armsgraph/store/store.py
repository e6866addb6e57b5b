"""The store: armsgraph's tables in a Database, written through one path, read through queries.

All writes go through `Store.add` (one document and everything extracted from it, in one
transaction) and `Store.rebuild`; reads go through store/queries (and store/graph for the
network), which `Store`'s read methods call with a connection of their own.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, select, tuple_

from armsgraph.model import Document, Extraction, content_hash
from armsgraph.store import graph, queries, search
from armsgraph.store.corrections import apply_corrections, correct
from armsgraph.store.db import Database, insert_rows
from armsgraph.store.flows import sync_sides
from armsgraph.store.ids import former_ids, preferred_ids, remove_reports, settle_ids
from armsgraph.store.merging import Merger as _Merger
from armsgraph.store.queries.corrections import list_corrections
from armsgraph.store.rows import Prepared, document_from_row, document_row, prepare
from armsgraph.store.schema import (
    DERIVED_TABLES,
    aliases,
    documents,
    entities,
    extractions,
    facts,
    mentions,
)


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


class Store(Database):
    """An armsgraph database. `Store()` opens ./armsgraph.db (or ARMSGRAPH_DB); `Store(path)`
    a SQLite file; `Store("postgresql://user@host/db")` a PostgreSQL database. Opening
    creates or migrates the schema to the latest version."""

    def __init__(self, db: str | os.PathLike[str] | None = None, *, migrate: bool = True):
        # Entity and alias rows this Store has committed: every document names the same
        # countries with their many aliases again, and inserting those rows again (to be
        # ignored) took a tenth of the write. Bounded (see _remember); emptied by rebuild.
        self._stored_entities: set[str] = set()
        self._stored_aliases: set[tuple[str, str]] = set()
        super().__init__(db, migrate=migrate)

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
                apply_corrections(conn)  # its reports left events it no longer reports
            elif p.sources:
                apply_corrections(conn, doc_id=p.document.id)
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
            graph.write_graph(conn, doc_id=p.document.id)
        return result

    def rebuild(self) -> dict[str, int]:
        """Recompute entities, mentions, facts and merged events from the stored extractions,
        in one transaction (deterministic: the same stored documents give the same events).
        Events keep the ids they had (the oldest id among their reports' former events);
        the id of an event that no longer exists points to the event holding its reports.
        Analysts' corrections (table corrections) are kept and applied again."""
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
            search.reindex(conn)  # the full-text index, from the rows as they are now
            apply_corrections(conn)
            sync_sides(conn)  # the view `flows` reads the roles' sides as the ontology has them now
            counts = queries.stats(conn)
        counts["rebuilt"] = n
        return counts

    def correct(self, event_id: str, *, by: str, **changes: Any) -> list[dict[str, Any]]:
        """Record and apply an analyst's corrections of one event (store/corrections.py:
        status, roles, hidden, note); returns the rows recorded."""
        with self.transaction() as conn:
            return correct(conn, event_id, by=by, **changes)

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
            return graph.network(conn, filters, **kwargs)

    def trends(self, filters: queries.EventFilters | None = None, **kwargs: Any) -> dict[str, Any]:
        with self.connect() as conn:
            return queries.trends(conn, filters, **kwargs)

    def corrections(self, event_id: str | None = None) -> list[dict[str, Any]]:
        """Analysts' corrections, oldest first (of one event and its aliases, when given)."""
        with self.connect() as conn:
            return list_corrections(conn, event_id)

    def stats(self) -> dict[str, int]:
        with self.connect() as conn:
            return queries.stats(conn)
