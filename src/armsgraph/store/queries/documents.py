"""Reads of documents: one with its mentions and evidence, their texts, the list and its filters; table counts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, func, or_, select

from armsgraph.store.queries.filters import contains
from armsgraph.store.schema import documents, entities, event_sources, facts, mentions
from armsgraph.store.schema import events as events_t


def document(conn: Connection, document_id: str) -> dict[str, Any] | None:
    """One stored document with its text, entity mentions and the evidence of its events.

    Keys: the documents columns, `mentions` [{entity_id, name, type, start, end, text}],
    `evidence` [{event_id, type, status, start, end, text}] to highlight in the text.
    """
    row = conn.execute(select(documents).where(documents.c.id == document_id)).first()
    if row is None:
        return None
    out: dict[str, Any] = dict(row._mapping)
    out["mentions"] = [
        dict(r._mapping)
        for r in conn.execute(
            select(
                mentions.c.entity_id,
                entities.c.name,
                entities.c.type,
                mentions.c.start,
                mentions.c.end,
                mentions.c.text,
            )
            .join(entities, entities.c.id == mentions.c.entity_id)
            .where(mentions.c.document_id == document_id)
            .order_by(mentions.c.start)
        )
    ]
    evidence = []
    q = (
        select(
            event_sources.c.event_id,
            events_t.c.type,
            event_sources.c.status,
            event_sources.c.local_json,
        )
        .join(events_t, events_t.c.id == event_sources.c.event_id)
        .where(event_sources.c.document_id == document_id)
    )
    for r in conn.execute(q):
        for span in json.loads(r.local_json).get("evidence", []):
            evidence.append({"event_id": r.event_id, "type": r.type, "status": r.status, **span})
    evidence.sort(key=lambda e: (e["start"], e["event_id"]))
    out["evidence"] = evidence
    return out


def document_texts(conn: Connection, document_ids: list[str]) -> dict[str, str]:
    """The texts of the given documents, by id, in one query (an event page shows each source's)."""
    if not document_ids:
        return {}
    rows = conn.execute(
        select(documents.c.id, documents.c.text).where(documents.c.id.in_(document_ids))
    )
    return {r.id: r.text for r in rows}


@dataclass(frozen=True)
class DocumentFilters:
    """What `documents_list()` selects; every filter optional, combined with AND.

    publisher: the web site a document came from, as its URL's host ("reuters.com" also
               matches www.reuters.com and uk.reuters.com).
    source:    part of the file path or URL it was read from.
    since / until: ISO dates bounding its publication date (an undated document is left out).
    """

    publisher: str | None = None
    source: str | None = None
    since: str | None = None
    until: str | None = None
    limit: int | None = 100
    offset: int = 0


def publisher_of(url: str | None) -> str | None:
    """The publisher a URL names: its host without "www." (None for a file or no URL)."""
    if not url or "://" not in url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None


def _documents_where(f: DocumentFilters) -> list[Any]:
    cond: list[Any] = []
    if f.publisher:
        host = f.publisher.strip().lower().removeprefix("www.")
        # The host ends the authority: followed by "/", ":port", "?", "#" or the end.
        cond.append(
            or_(
                *(
                    func.lower(documents.c.url).like(f"%://{pre}{_like(host)}{post}", escape="\\")
                    for pre in ("", "%.")
                    for post in ("", "/%", ":%", "?%", "#%")
                )
            )
        )
    if f.source:
        cond.append(contains(documents.c.source, f.source))
    if f.since:
        cond.append(documents.c.published >= f.since)
    if f.until:
        cond.append(documents.c.published <= f.until + "\uffff")
    return cond


def _like(words: str) -> str:
    return words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def documents_list(
    conn: Connection, filters: DocumentFilters | None = None, **kwargs: Any
) -> list[dict[str, Any]]:
    """Stored documents matching `filters` (or the same as keyword arguments), latest
    published first: id, url, title, published, source, publisher, n_events."""
    f = filters or DocumentFilters(**kwargs)
    n = (
        select(func.count(func.distinct(event_sources.c.event_id)))
        .where(event_sources.c.document_id == documents.c.id)
        .scalar_subquery()
        .label("n_events")
    )
    stmt = (
        select(
            documents.c.id,
            documents.c.url,
            documents.c.title,
            documents.c.published,
            documents.c.source,
            n,
        )
        .where(*_documents_where(f))
        .order_by(documents.c.published.desc(), documents.c.id)
    )
    if f.limit is not None:
        stmt = stmt.limit(f.limit)
    if f.offset:
        stmt = stmt.offset(f.offset)
    out = []
    for r in conn.execute(stmt):
        row = dict(r._mapping)
        row["publisher"] = publisher_of(row["url"])
        out.append(row)
    return out


def count_documents(conn: Connection, filters: DocumentFilters | None = None, **kwargs: Any) -> int:
    """How many documents match (limit and offset ignored), for paging."""
    f = filters or DocumentFilters(**kwargs)
    stmt = select(func.count()).select_from(documents).where(*_documents_where(f))
    return conn.execute(stmt).scalar_one()


def stats(conn: Connection) -> dict[str, int]:
    """Row counts of the main tables: documents, entities, events, sources, facts."""
    out = {}
    for name, table in (
        ("documents", documents),
        ("entities", entities),
        ("events", events_t),
        ("sources", event_sources),
        ("facts", facts),
    ):
        out[name] = conn.execute(select(func.count()).select_from(table)).scalar_one()
    return out
