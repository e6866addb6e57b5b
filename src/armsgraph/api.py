"""The Python API: `armsgraph.open(db)` gives a database to ingest into and query, with plain dataclasses."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Self

from armsgraph.errors import ArmsgraphError
from armsgraph.pipeline import Options
from armsgraph.store.ingest import IngestSummary, ingest
from armsgraph.store.queries import EventFilters
from armsgraph.store.store import Store


@dataclass(frozen=True)
class Participant:
    role: str
    entity_id: str
    name: str
    type: str
    country: str | None = None


@dataclass(frozen=True)
class Source:
    document_id: str
    url: str | None
    title: str | None
    published: str | None
    status: str
    text: str | None


@dataclass(frozen=True)
class EventRecord:
    """One merged event as stored: who, what, its current status and the reports behind it."""

    id: str
    type: str
    status: str
    first_seen: str | None
    last_seen: str | None
    systems: str | None
    quantity: float | None
    quantity_text: str | None
    value_amount: float | None
    value_currency: str | None
    value_text: str | None
    time_text: str | None
    confidence: float
    n_sources: int
    participants: tuple[Participant, ...] = ()
    sources: tuple[Source, ...] = field(default=())
    corrected: bool = False  # an analyst changed or flagged it (see Database.corrections)
    hidden: bool = False  # an analyst hid it: left out of events() unless include_hidden
    flow: str = ""  # "supplier → recipient" ("Türkiye → Pakistan"; "A ↔ B" for partners)
    time_start: str | None = None  # the event's own dates, when a report gives them
    time_end: str | None = None

    def actors(self, role: str) -> list[str]:
        """Names of the participants in `role` ("seller", "buyer", "partner", ...)."""
        return [p.name for p in self.participants if p.role == role]


def _record(ev: dict[str, Any], sources: list[dict[str, Any]] | None = None) -> EventRecord:
    value, time = ev.get("value") or {}, ev.get("time") or {}
    return EventRecord(
        id=ev["id"],
        type=ev["type"],
        status=ev["status"],
        first_seen=ev["first_seen"],
        last_seen=ev["last_seen"],
        systems=ev["systems"],
        quantity=ev["quantity"],
        quantity_text=ev["quantity_text"],
        value_amount=value.get("amount"),
        value_currency=value.get("currency"),
        value_text=value.get("text"),
        time_text=time.get("text"),
        time_start=time.get("start"),
        time_end=time.get("end"),
        flow=ev.get("flow") or "",
        confidence=ev["confidence"],
        n_sources=ev["n_sources"],
        participants=tuple(
            Participant(p["role"], p["entity_id"], p["name"], p["type"], p["country"])
            for p in ev["participants"]
        ),
        sources=tuple(
            Source(s["document_id"], s["url"], s["title"], s["published"], s["status"], s["text"])
            for s in sources or []
        ),
        corrected=bool(ev.get("corrected")),
        hidden=bool(ev.get("hidden")),
    )


class Database:
    """An armsgraph database opened from Python (see `armsgraph.open`)."""

    def __init__(self, db: str | os.PathLike[str] | None = None):
        self.store = Store(db)

    def ingest(
        self,
        sources: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        *,
        published: str | None = None,
        fetch_links: bool = False,
        workers: int = 1,
    ) -> IngestSummary:
        """Read, extract and store reports (paths, directories, feeds, WARC, URLs)."""
        if isinstance(sources, str | os.PathLike):
            sources = [sources]
        options = Options(published=published, fetch_links=fetch_links, workers=workers)
        return ingest(self.store, [str(s) for s in sources], options)

    def add(self, extraction: Any) -> Any:
        """Store one Extraction (as `armsgraph.extract` returns it)."""
        return self.store.add(extraction)

    def events(self, **filters: Any) -> list[EventRecord]:
        """Events matching the filters of `store.queries.EventFilters` (actor, type, status,
        system, since, until, dates, text, limit, offset, order, include_hidden); limit
        defaults to all. since/until compare the event's own dates (dates="report": the
        dates it was reported)."""
        f = EventFilters.from_kwargs(**{"limit": None, **filters})
        return [_record(e) for e in self.store.events(f)]

    def event(self, event_id: str) -> EventRecord | None:
        """One event with its sources, or None."""
        ev = self.store.event(event_id)
        return _record(ev, ev["sources"]) if ev else None

    def events_frame(self, **filters: Any) -> Any:
        """The matching events as a pandas DataFrame (the columns of the CSV export)."""
        try:
            import pandas as pd
        except ImportError as err:
            raise ArmsgraphError(
                "events_frame() needs pandas", hint="pip install 'armsgraph[pandas]'"
            ) from err
        from armsgraph.export import iter_events
        from armsgraph.export.csv import COLUMNS, flat_row

        f = EventFilters.from_kwargs(**{"limit": None, **filters})
        rows = [flat_row(e) for e in iter_events(self.store, f)]
        frame = pd.DataFrame(rows, columns=list(COLUMNS))
        for col in ("quantity", "value_amount", "confidence"):
            frame[col] = pd.to_numeric(frame[col], errors="coerce")
        frame["n_sources"] = frame["n_sources"].astype("int64")
        return frame

    def correct(
        self,
        event_id: str,
        *,
        by: str,
        status: str | None = None,
        roles: dict[str, list[str]] | None = None,
        hidden: bool | None = None,
        note: str | None = None,
    ) -> list[dict[str, Any]]:
        """Correct, flag or hide an event as `armsgraph correct` does: `status`, `roles`
        ({"seller": ["country:FRA"]}; an empty list removes the role), `hidden`, `note`
        (why; alone, a flag), `by` (who). Kept apart from what was extracted and applied
        again after `rebuild` and every ingest. Returns the corrections recorded."""
        return self.store.correct(
            event_id, by=by, status=status, roles=roles, hidden=hidden, note=note
        )

    def corrections(self, event_id: str | None = None) -> list[dict[str, Any]]:
        """Analysts' corrections, oldest first (of one event, when given): event_id,
        current_event_id, field, old, new, note, by, at."""
        return self.store.corrections(event_id)

    def actors(self, **kwargs: Any) -> list[dict[str, Any]]:
        """Actors with their number of events (see `store.queries.actors`)."""
        return self.store.actors(**kwargs)

    def search(
        self,
        query: str,
        *,
        kind: str = "events",
        limit: int | None = 20,
        offset: int = 0,
        include_hidden: bool = False,
    ) -> dict[str, Any]:
        """Full-text search (words, "phrases", AND, OR; see `store.search`): `kind`
        "events" (their evidence; hidden ones only with `include_hidden`) or "documents"
        (title and text); {total, hits}."""
        from armsgraph.store import search

        if kind not in ("events", "documents"):
            raise ArmsgraphError(f"unknown kind {kind!r}", hint="use events or documents")
        with self.store.connect() as conn:
            if kind == "documents":
                return search.search_documents(conn, query, limit=limit, offset=offset)
            return search.search_events(
                conn, query, limit=limit, offset=offset, include_hidden=include_hidden
            )

    def documents(self, **filters: Any) -> list[dict[str, Any]]:
        """Stored documents, latest first, filtered by `store.queries.DocumentFilters`
        (publisher, source, since, until, limit, offset); limit defaults to all."""
        from armsgraph.store.queries import DocumentFilters, documents_list

        with self.store.connect() as conn:
            return documents_list(conn, DocumentFilters(**{"limit": None, **filters}))

    def trends(self, **filters: Any) -> dict[str, Any]:
        """Events per year by type and the value in USD of deals per year over the events
        the filters select (see `store.queries.trends`): years, by_type, events,
        value_usd, deals_valued, undated, other_currency."""
        return self.store.trends(EventFilters.from_kwargs(**{"limit": None, **filters}))

    def flows(self, **filters: Any) -> list[dict[str, Any]]:
        """Who supplied whom, country to country, over the events the filters select (see
        `store.queries.flows`): supplier, recipient (ISO alpha-3), n_events, types,
        value_usd, event_ids."""
        from armsgraph.store.queries import flows

        with self.store.connect() as conn:
            return flows(conn, EventFilters.from_kwargs(**{"limit": None, **filters}))

    def rebuild(self) -> dict[str, int]:
        return self.store.rebuild()

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open(db: str | os.PathLike[str] | None = None) -> Database:
    """Open (creating or migrating) the database: a SQLite path, a PostgreSQL URL, or
    ARMSGRAPH_DB / ./armsgraph.db when `db` is None.

        import armsgraph
        db = armsgraph.open("arms.db")
        db.ingest("reports/")
        for ev in db.events(actor="Egypt", type="arms_sale"):
            print(ev.status, ev.actors("seller"), ev.systems)
    """
    return Database(db)
