"""Reads of documents: one with its mentions and evidence, their texts, the list; table counts."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, func, select

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


def documents_list(
    conn: Connection, *, limit: int | None = 100, offset: int = 0
) -> list[dict[str, Any]]:
    """Stored documents, latest published first: id, url, title, published, source, n_events."""
    n = (
        select(func.count(func.distinct(event_sources.c.event_id)))
        .where(event_sources.c.document_id == documents.c.id)
        .scalar_subquery()
        .label("n_events")
    )
    stmt = select(
        documents.c.id,
        documents.c.url,
        documents.c.title,
        documents.c.published,
        documents.c.source,
        n,
    ).order_by(documents.c.published.desc(), documents.c.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    return [dict(r._mapping) for r in conn.execute(stmt)]


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
