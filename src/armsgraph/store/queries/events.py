"""Reads of events: a page of them with their participants, one with every source, counts."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, func, or_, select

from armsgraph.model import STATUSES
from armsgraph.ontology import OBJECT_ROLES, THING_TYPES, is_actor, side_of
from armsgraph.store.queries.corrections import list_corrections
from armsgraph.store.queries.filters import (
    ORDERS,
    EventFilters,
    count_distinct_events,
    events_query,
    in_values,
    resolve_actor,
    visible,
    where_of,
)
from armsgraph.store.queries.trust import claims_of, merge_reasons
from armsgraph.store.schema import documents, entities, event_ids, event_participants, event_sources
from armsgraph.store.schema import events as events_t


def event_row(row: Any) -> dict[str, Any]:
    time = None
    if row.time_text or row.time_start:
        time = {"text": row.time_text, "start": row.time_start, "end": row.time_end}
    value = None
    if row.value_amount is not None or row.value_text:
        value = {"amount": row.value_amount, "currency": row.value_currency, "text": row.value_text}
    return {
        "id": row.id,
        "type": row.type,
        "status": row.status,
        "first_seen": row.first_seen,
        "last_seen": row.last_seen,
        "time": time,
        "quantity": row.quantity,
        "quantity_text": row.quantity_text,
        "value": value,
        "confidence": row.confidence,
        "n_sources": row.n_sources,
        "systems": row.systems,
        "corrected": bool(row.corrected),
        "hidden": bool(row.hidden),
        "participants": [],
    }


def participants_of(conn: Connection, event_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each event's participants, by role then name. Participant rows first, then each
    distinct entity once (a few dozen rows rather than one per participant); in chunks, as
    SQLite takes at most 32,766 parameters."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    ep = event_participants
    rows: list[Any] = []
    for i in range(0, len(event_ids), 5000):
        chunk = event_ids[i : i + 5000]
        rows += conn.execute(
            select(ep.c.event_id, ep.c.role, ep.c.entity_id).where(
                ep.c.event_id.in_(in_values(chunk))
            )
        ).all()
    ids = sorted({entity_id for _, _, entity_id in rows})
    ents: dict[str, tuple[Any, ...]] = {}
    for i in range(0, len(ids), 5000):
        ents.update(
            (r.id, tuple(r))
            for r in conn.execute(
                select(
                    entities.c.id,
                    entities.c.name,
                    entities.c.type,
                    entities.c.country,
                    entities.c.category,
                ).where(entities.c.id.in_(in_values(ids[i : i + 5000])))
            ).all()
        )
    for event_id, role, _name, entity_id in sorted(
        (event_id, role, ents[entity_id][1], entity_id)
        for event_id, role, entity_id in rows
        if entity_id in ents
    ):
        _, name, etype, country, category = ents[entity_id]
        out[event_id].append(
            {
                "role": role,
                "entity_id": entity_id,
                "name": name,
                "type": etype,
                "country": country,
                "category": category,
            }
        )
    return out


def system_names(participants: list[dict[str, Any]]) -> str | None:
    """The canonical names of an event's systems and programs, "; "-joined (the events
    table's `systems` column also holds their aliases, for the text filter)."""
    names = [p["name"] for p in participants if not is_actor(p["role"], p.get("type"))]
    return "; ".join(dict.fromkeys(names)) or None


def system_names_of(conn: Connection, event_ids: list[str]) -> dict[str, str | None]:
    """system_names of many events at once, reading only their systems and programs (the
    network draws a thousand events without reading all their participants)."""
    ep = event_participants
    thing = or_(ep.c.role.in_(sorted(OBJECT_ROLES)), entities.c.type.in_(sorted(THING_TYPES)))
    rows: list[Any] = []
    for i in range(0, len(event_ids), 5000):
        rows += conn.execute(
            select(ep.c.event_id, ep.c.role, entities.c.name, ep.c.entity_id)
            .join(entities, entities.c.id == ep.c.entity_id)
            .where(ep.c.event_id.in_(in_values(event_ids[i : i + 5000])), thing)
        ).all()
    names: dict[str, list[str]] = defaultdict(list)
    for event_id, _role, name, _id in sorted(tuple(r) for r in rows):
        names[event_id].append(name)
    return {e: "; ".join(dict.fromkeys(names[e])) or None for e in event_ids}


def with_parts(row: dict[str, Any], parts: list[dict[str, Any]]) -> dict[str, Any]:
    """An event row with its participants, each given its `side` in the event (supplier,
    receiver or symmetric, from the ontology; None for systems and programs)."""
    for p in parts:
        p["side"] = side_of(p["role"]) if is_actor(p["role"], p.get("type")) else None
    row["participants"] = parts
    row["systems"] = system_names(parts)
    row["flow"] = flow_label(row)
    return row


def on_side(ev: dict[str, Any], side: str) -> list[dict[str, Any]]:
    """The participants of an event on one side ("supplier" or "receiver"), each entity once."""
    seen: dict[str, dict[str, Any]] = {}
    for p in ev["participants"]:
        if p.get("side") == side and is_actor(p["role"], p.get("type")):
            seen.setdefault(p["entity_id"], p)
    return list(seen.values())


def flow_text(ev: dict[str, Any]) -> str:
    """ "supplier → recipient" of an event ("Türkiye → Pakistan"; several joined with "; ",
    an unknown side as "?"); "" for an event without a direction (partners, parties)."""
    suppliers, recipients = on_side(ev, "supplier"), on_side(ev, "receiver")
    if not suppliers and not recipients:
        return ""
    names = ["; ".join(p["name"] for p in side) or "?" for side in (suppliers, recipients)]
    return " → ".join(names)


def flow_label(ev: dict[str, Any]) -> str:
    """flow_text, or for an event whose actors stand together the actors joined by " ↔ "
    ("Egypt ↔ United States"): what a list shows in its "supplier → recipient" column."""
    together = dict.fromkeys(p["name"] for p in ev["participants"] if p.get("side") == "symmetric")
    return flow_text(ev) or " ↔ ".join(together)


def events(
    conn: Connection, filters: EventFilters | None = None, **kwargs: Any
) -> list[dict[str, Any]]:
    """Events matching `filters` (or the same as keyword arguments), each with its participants.

    Each item: id, type, status, first_seen, last_seen, time {text,start,end} or None,
    quantity, quantity_text, value {amount,currency,text} or None, confidence, n_sources,
    systems (canonical names, "; "-joined), flow ("supplier → recipient", see flow_label),
    participants [{role, entity_id, name, type, country, category, side}] (side: supplier,
    receiver, symmetric, or None for systems).
    """
    f = filters or EventFilters.from_kwargs(**kwargs)
    if filters is not None and kwargs:
        f = replace(filters, **kwargs)
    if f.order not in ORDERS:
        raise ValueError(f"unknown order {f.order!r}; use one of {', '.join(ORDERS)}")
    return with_participants(conn, events_query(conn, f))


def with_participants(conn: Connection, q: Any) -> list[dict[str, Any]]:
    rows = [event_row(r) for r in conn.execute(q).all()]
    parts = participants_of(conn, [r["id"] for r in rows])
    return [with_parts(r, parts.get(r["id"], [])) for r in rows]


def count_events(conn: Connection, filters: EventFilters | None = None, **kwargs: Any) -> int:
    """How many events match (limit and offset ignored), for paging."""
    f = filters or EventFilters.from_kwargs(**kwargs)
    only_actor = EventFilters(limit=None, include_hidden=f.include_hidden)
    if (
        f.actor
        and replace(f, actor=None, limit=None, offset=0, order="recent") == only_actor
        and (f.include_hidden or not visible(conn))
    ):
        # Only an actor: count its participant rows, without reading the events table.
        return count_distinct_events(conn, resolve_actor(conn, f.actor))
    return conn.execute(
        select(func.count()).select_from(events_t).where(*where_of(conn, f))
    ).scalar_one()


def current_event_id(conn: Connection, event_id: str) -> str | None:
    """The id of the event `event_id` stands for now: itself, or the event it was merged
    into (its ids stay valid as aliases, see schema.event_ids); None if unknown."""
    if conn.execute(select(events_t.c.id).where(events_t.c.id == event_id)).first():
        return event_id
    target = conn.execute(select(event_ids.c.event_id).where(event_ids.c.id == event_id)).scalar()
    if target is None or target == event_id:
        return None
    found = conn.execute(select(events_t.c.id).where(events_t.c.id == target)).first()
    return target if found else None


def event(conn: Connection, event_id: str) -> dict[str, Any] | None:
    """One event with participants, every source and its status history; None if unknown.
    An id of an event that was merged into another gives that other event (its `id`).

    Adds to the `events()` item:
      sources: [{document_id, url, title, published, status, text, start, end,
                 attribution, local_event_id, evidence: [{start, end, text}],
                 time: {text, start, end} or None (what this report said of its date)}],
                 oldest first;
      status_history: [{date, status, document_id}], oldest first (the current status is
                 the last one);
      corrections: what analysts changed, flagged or hid, oldest first (as
                 store.corrections.list_corrections gives them);
      merge_reasons: why its reports are one event (sentences), None for one report.
    Each source also carries `claims` (trust.claims_of): who says so, a hedge, who
    declined to comment and who denied it.
    """
    row = conn.execute(select(events_t).where(events_t.c.id == event_id)).first()
    if row is None:
        current = current_event_id(conn, event_id)
        if current is None:
            return None
        event_id = current
        row = conn.execute(select(events_t).where(events_t.c.id == event_id)).first()
    out = with_parts(event_row(row), participants_of(conn, [event_id]).get(event_id, []))
    q = (
        select(event_sources, documents.c.url, documents.c.title)
        .join(documents, documents.c.id == event_sources.c.document_id)
        .where(event_sources.c.event_id == event_id)
    )
    rows = [(_source(r), json.loads(r.local_json)) for r in conn.execute(q)]
    rows.sort(key=lambda pair: _source_order(pair[0]))
    sources = [s for s, _ in rows]
    out["sources"] = sources
    out["merge_reasons"] = merge_reasons(out, [local for _, local in rows])
    out["status_history"] = status_history(sources)
    out["corrections"] = list_corrections(conn, event_id)
    return out


def sources_of(conn: Connection, event_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The sources of many events at once (as in `event()["sources"]`), for exports."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for chunk in (event_ids[i : i + 500] for i in range(0, len(event_ids), 500)):
        q = (
            select(event_sources, documents.c.url, documents.c.title)
            .join(documents, documents.c.id == event_sources.c.document_id)
            .where(event_sources.c.event_id.in_(chunk))
        )
        for r in conn.execute(q):
            out[r.event_id].append(_source(r))
    for sources in out.values():
        sources.sort(key=_source_order)
    return out


def status_history(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What each source said of the status, oldest first: [{date, status, document_id}]."""
    return [
        {"date": s["published"], "status": s["status"], "document_id": s["document_id"]}
        for s in sources
    ]


def with_sources(conn: Connection, page: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`events()` items given their `sources` and `status_history`, as `event()` has them."""
    sources = sources_of(conn, [e["id"] for e in page])
    for e in page:
        e["sources"] = sources.get(e["id"], [])
        e["status_history"] = status_history(e["sources"])
    return page


def _source(r: Any) -> dict[str, Any]:
    local = json.loads(r.local_json)
    return {
        "document_id": r.document_id,
        "url": r.url,
        "title": r.title,
        "published": r.published,
        "status": r.status,
        "text": r.text,
        "start": r.start,
        "end": r.end,
        "attribution": r.attribution,
        "local_event_id": r.local_event_id,
        "evidence": local.get("evidence", []),
        "claims": claims_of(local),
        "time": local.get("time"),  # the event's time as this report gave it: {text, start, end}
    }


def _source_order(s: dict[str, Any]) -> tuple[str, int, str, str]:
    rank = STATUSES.index(s["status"]) if s["status"] in STATUSES else -1
    return (s["published"] or "", rank, s["document_id"], s["local_event_id"])
