"""The read API over the store: events, one event, actors, one actor, documents, the network.

Every function takes an open SQLAlchemy `Connection` (from `Store.connect()`) and returns
plain dicts and lists ready for JSON, templates or a table, so the CLI, the web app and
the Python API all read the database the same way. Dates are ISO 8601 text.

    with store.connect() as conn:
        page = events(conn, EventFilters(actor="Egypt", type="arms_sale", limit=20))
        one = event(conn, page[0]["id"])
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, fields, replace
from itertools import combinations
from typing import Any

from sqlalchemy import Connection, bindparam, func, literal_column, or_, select, union

from armsgraph.model import STATUSES
from armsgraph.ontology import OBJECT_ROLES, is_actor, registry, side_of
from armsgraph.store.schema import (
    aliases,
    documents,
    entities,
    event_graph,
    event_ids,
    event_participants,
    event_sources,
    facts,
    mentions,
)
from armsgraph.store.schema import (
    events as events_t,
)

ORDERS = {
    # Ties broken by id, descending as ix_event_participants_entity_last_seen is read.
    "recent": (events_t.c.last_seen.desc(), events_t.c.id.desc()),
    "oldest": (events_t.c.first_seen.asc(), events_t.c.id),
    "sources": (events_t.c.n_sources.desc(), events_t.c.last_seen.desc(), events_t.c.id),
    "confidence": (events_t.c.confidence.desc(), events_t.c.last_seen.desc(), events_t.c.id),
}


@dataclass(frozen=True)
class EventFilters:
    """What `events()` selects. Every filter is optional; they combine with AND.

    actor:  an entity id ("country:EGY"), or a name or alias of one (case-insensitive);
            a country also matches its organizations, people and forces.
    type:   an event type (model.EVENT_TYPES); several separated by commas.
    status: the current status (model.STATUSES); several separated by commas.
    system: part of a system or program name or alias ("F-16", "Bayraktar").
    since / until: ISO dates; an event is kept when its reports (first_seen..last_seen)
            overlap the range.
    text:   words in a source sentence or a system name.
    order:  recent (latest report first), oldest, sources (most reported), confidence.
    """

    actor: str | None = None
    type: str | None = None
    status: str | None = None
    system: str | None = None
    since: str | None = None
    until: str | None = None
    text: str | None = None
    limit: int | None = 50
    offset: int = 0
    order: str = "recent"

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> EventFilters:
        """Build from keyword arguments, refusing unknown names (a typo must not widen a query)."""
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(kwargs) - names)
        if unknown:
            raise TypeError(
                f"unknown event filter(s) {', '.join(unknown)}; use {', '.join(sorted(names))}"
            )
        return cls(**{k: v for k, v in kwargs.items()})


def _values(values: list[str]) -> Any:
    """A list for IN as one expanding parameter: SQLAlchemy then does not build and check
    an expression for each of a thousand ids."""
    return bindparam("values", value=list(values), expanding=True, unique=True)


def _contains(column: Any, words: str) -> Any:
    """`column` contains `words` (ignoring case), as typed: % and _ in them are themselves,
    not LIKE wildcards ("_" must not match every row), and so is the escape character."""
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def resolve_actor(conn: Connection, name: str) -> list[str]:
    """Entity ids an actor filter means: an id, else names/aliases equal, else names containing it.

    A country brings along the entities whose `country` is its code.
    """
    name = name.strip()
    ids = list(conn.execute(select(entities.c.id).where(entities.c.id == name)).scalars())
    if not ids:
        low = name.lower()
        ids = list(
            conn.execute(
                select(entities.c.id)
                .where(func.lower(entities.c.name) == low)
                .union(select(aliases.c.entity_id).where(func.lower(aliases.c.alias) == low))
            ).scalars()
        )
    if not ids:
        ids = list(
            conn.execute(select(entities.c.id).where(_contains(entities.c.name, name))).scalars()
        )
    codes = [
        (row.country or row.id.split(":", 1)[-1])
        for row in conn.execute(
            select(entities.c.id, entities.c.country).where(
                entities.c.id.in_(ids), entities.c.type == "country"
            )
        )
    ]
    if codes:
        ids += conn.execute(
            select(entities.c.id).where(entities.c.country.in_(codes), entities.c.type != "country")
        ).scalars()
    return sorted(set(ids))


def _where(conn: Connection, f: EventFilters, actor_ids: list[str] | None = None) -> list[Any]:
    """The WHERE conditions of `f` on events; the actor's entity ids may be given resolved."""
    cond: list[Any] = []
    if f.actor:
        ids = resolve_actor(conn, f.actor) if actor_ids is None else actor_ids
        cond.append(
            events_t.c.id.in_(
                select(event_participants.c.event_id).where(event_participants.c.entity_id.in_(ids))
            )
        )
    if types := _split(f.type):
        cond.append(events_t.c.type.in_(types))
    if statuses := _split(f.status):
        cond.append(events_t.c.status.in_(statuses))
    if f.system:
        cond.append(_contains(events_t.c.systems, f.system))
    if f.since:
        cond.append(events_t.c.last_seen >= f.since)
    if f.until:
        # "until 2024-06" must keep 2024-06-30: compare with the bound padded past any suffix.
        cond.append(events_t.c.first_seen <= f.until + "\uffff")
    if f.text:
        cond.append(
            or_(
                _contains(events_t.c.systems, f.text),
                events_t.c.id.in_(
                    select(event_sources.c.event_id).where(_contains(event_sources.c.text, f.text))
                ),
            )
        )
    return cond


def _event_row(row: Any) -> dict[str, Any]:
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
        "participants": [],
    }


def _participants(conn: Connection, event_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
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
                ep.c.event_id.in_(_values(chunk))
            )
        ).all()
    ids = sorted({entity_id for _, _, entity_id in rows})
    ents: dict[str, tuple[Any, ...]] = {}
    for i in range(0, len(ids), 5000):
        ents.update(
            (r.id, tuple(r))
            for r in conn.execute(
                select(entities.c.id, entities.c.name, entities.c.type, entities.c.country).where(
                    entities.c.id.in_(_values(ids[i : i + 5000]))
                )
            ).all()
        )
    for event_id, role, _name, entity_id in sorted(
        (event_id, role, ents[entity_id][1], entity_id)
        for event_id, role, entity_id in rows
        if entity_id in ents
    ):
        _, name, etype, country = ents[entity_id]
        out[event_id].append(
            {"role": role, "entity_id": entity_id, "name": name, "type": etype, "country": country}
        )
    return out


def events(
    conn: Connection, filters: EventFilters | None = None, **kwargs: Any
) -> list[dict[str, Any]]:
    """Events matching `filters` (or the same as keyword arguments), each with its participants.

    Each item: id, type, status, first_seen, last_seen, time {text,start,end} or None,
    quantity, quantity_text, value {amount,currency,text} or None, confidence, n_sources,
    systems, participants [{role, entity_id, name, type, country, category}].
    """
    f = filters or EventFilters.from_kwargs(**kwargs)
    if filters is not None and kwargs:
        f = replace(filters, **kwargs)
    if f.order not in ORDERS:
        raise ValueError(f"unknown order {f.order!r}; use one of {', '.join(ORDERS)}")
    return _with_participants(conn, _events_query(conn, f))


def _events_query(conn: Connection, f: EventFilters, actor_ids: list[str] | None = None) -> Any:
    """The SELECT of the events rows `f` asks for, in its order, limited and offset (the
    actor's entity ids may be given resolved)."""
    if f.actor and actor_ids is None:
        actor_ids = resolve_actor(conn, f.actor)
    ids = _actor_recent_ids(conn, f, actor_ids)
    if ids is not None:
        q = select(events_t).where(events_t.c.id.in_(_values(ids)))
        q = q.order_by(*ORDERS["recent"])
        return q.limit(f.limit).offset(f.offset or None)
    q = select(events_t).where(*_where(conn, f, actor_ids)).order_by(*ORDERS[f.order])
    if f.limit is not None:
        q = q.limit(f.limit)
    if f.offset:
        q = q.offset(f.offset)
    return q


def _actor_recent_ids(
    conn: Connection, f: EventFilters, actor_ids: list[str] | None
) -> list[str] | None:
    """For a page of an actor's latest events (order "recent", not too deep), the ids the
    page is cut from (see _recent_event_ids); None when `f` asks for something else."""
    if actor_ids is None or f.order != "recent" or f.limit is None:
        return None
    wanted = f.limit + f.offset
    # Bounded so that the ids gathered (at most wanted per chunk) stay a few thousand.
    if wanted > MAX_RECENT_WINDOW or len(actor_ids) > 4 * _UNION_CHUNK:
        return None
    others = _where(conn, replace(f, actor=None))
    return _recent_event_ids(conn, actor_ids, others, wanted)


# The latest events of an actor are read per entity from ix_event_participants_entity_last_seen,
# at most this many each; deeper pages fall back to one query over all the actor's events.
MAX_RECENT_WINDOW = 5000
_UNION_CHUNK = 200  # entities per UNION ALL statement (SQLite allows 500 compound terms)


def _recent_event_ids(
    conn: Connection, entity_ids: list[str], cond: list[Any], n: int
) -> list[str]:
    """Ids of at most `n` latest events (ORDERS["recent"]) per entity that take part in them
    and match `cond`: together they hold the `n` latest events of all the entities, so the
    caller orders and cuts those instead of sorting every event of a large actor."""
    found: set[str] = set()
    for i in range(0, len(entity_ids), _UNION_CHUNK):
        chunk = entity_ids[i : i + _UNION_CHUNK]
        if cond:
            stmt, params = _recent_union(chunk, cond, n), {}
        else:
            # Without other conditions the statement depends only on how many entities it
            # reads: built once, since building it cost as much as running it.
            stmt = _RECENT.get(len(chunk))
            if stmt is None:
                stmt = _RECENT[len(chunk)] = _recent_union(
                    [bindparam(f"r{j}") for j in range(len(chunk))], [], bindparam("n")
                )
            params = {f"r{j}": entity_id for j, entity_id in enumerate(chunk)}
            params["n"] = n
        found.update(conn.execute(stmt, params).scalars().all())
    return sorted(found)


_RECENT: dict[int, Any] = {}


def _recent_union(entity_ids: list[Any], cond: list[Any], n: Any) -> Any:
    """The SELECT of _recent_event_ids for one chunk of entities (values or bound parameters)."""
    ep = event_participants
    parts = []
    for entity_id in entity_ids:
        one = select(ep.c.event_id, ep.c.last_seen).where(ep.c.entity_id == entity_id)
        if cond:
            one = one.join(events_t, events_t.c.id == ep.c.event_id).where(*cond)
        # DISTINCT: an entity in two roles of one event must not take two of its n places.
        # The order is the index's, read backwards: no sort, and the scan stops at n.
        one = one.distinct().order_by(ep.c.last_seen.desc(), ep.c.event_id.desc()).limit(n)
        sub = one.subquery()
        parts.append(select(sub.c.event_id, sub.c.last_seen))
    if len(parts) == 1:
        return parts[0]
    # A compound UNION ordered as a whole: SQLite merges the sorted parts and stops at n.
    return union(*parts).order_by(_LAST_SEEN.desc(), _EVENT_ID.desc()).limit(n)


_LAST_SEEN, _EVENT_ID = literal_column("last_seen"), literal_column("event_id")


def _with_participants(conn: Connection, q: Any) -> list[dict[str, Any]]:
    rows = [_event_row(r) for r in conn.execute(q).all()]
    parts = _participants(conn, [r["id"] for r in rows])
    for r in rows:
        r["participants"] = parts.get(r["id"], [])
    return rows


def count_events(conn: Connection, filters: EventFilters | None = None, **kwargs: Any) -> int:
    """How many events match (limit and offset ignored), for paging."""
    f = filters or EventFilters.from_kwargs(**kwargs)
    if f.actor and replace(f, actor=None, limit=None, offset=0, order="recent") == EventFilters(
        limit=None
    ):
        # Only an actor: count its participant rows, without reading the events table.
        return _count_distinct_events(conn, resolve_actor(conn, f.actor))
    return conn.execute(
        select(func.count()).select_from(events_t).where(*_where(conn, f))
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
                 attribution, local_event_id, evidence: [{start, end, text}]}], oldest first;
      status_history: [{date, status, document_id}], oldest first (the current status is
                 the last one).
    """
    row = conn.execute(select(events_t).where(events_t.c.id == event_id)).first()
    if row is None:
        current = current_event_id(conn, event_id)
        if current is None:
            return None
        event_id = current
        row = conn.execute(select(events_t).where(events_t.c.id == event_id)).first()
    out = _event_row(row)
    out["participants"] = _participants(conn, [event_id]).get(event_id, [])
    q = (
        select(event_sources, documents.c.url, documents.c.title)
        .join(documents, documents.c.id == event_sources.c.document_id)
        .where(event_sources.c.event_id == event_id)
    )
    sources = sorted((_source(r) for r in conn.execute(q)), key=_source_order)
    out["sources"] = sources
    out["status_history"] = [
        {"date": s["published"], "status": s["status"], "document_id": s["document_id"]}
        for s in sources
    ]
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


def _source(r: Any) -> dict[str, Any]:
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
        "evidence": json.loads(r.local_json).get("evidence", []),
    }


def _source_order(s: dict[str, Any]) -> tuple[str, int, str, str]:
    rank = STATUSES.index(s["status"]) if s["status"] in STATUSES else -1
    return (s["published"] or "", rank, s["document_id"], s["local_event_id"])


def actors(
    conn: Connection,
    *,
    q: str | None = None,
    type: str | None = None,
    country: str | None = None,
    limit: int | None = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Entities that take part in events, most active first: id, type, name, country, n_events.

    `q` keeps names containing it; `type` an entity type; `country` an ISO alpha-3 code.
    Systems and programs are included (type weapon_system/program) unless `type` says otherwise.
    """
    n = func.count(func.distinct(event_participants.c.event_id)).label("n_events")
    stmt = (
        select(
            entities.c.id,
            entities.c.type,
            entities.c.name,
            entities.c.country,
            entities.c.category,
            n,
        )
        .join(event_participants, event_participants.c.entity_id == entities.c.id)
        .group_by(
            entities.c.id, entities.c.type, entities.c.name, entities.c.country, entities.c.category
        )
        .order_by(n.desc(), entities.c.name)
    )
    if q:
        stmt = stmt.where(_contains(entities.c.name, q))
    if type:
        stmt = stmt.where(entities.c.type.in_(_split(type)))
    if country:
        stmt = stmt.where(entities.c.country == country)
    if limit is not None:
        stmt = stmt.limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    return [dict(r._mapping) for r in conn.execute(stmt)]


PARTNER_WINDOW = 1000


def _count_distinct_events(conn: Connection, entity_ids: list[str]) -> int:
    """How many events the entities take part in (DISTINCT in a subquery, so SQLite walks
    ix_event_participants_entity in event order instead of building a temporary b-tree)."""
    ids = (
        select(event_participants.c.event_id)
        .where(event_participants.c.entity_id.in_(entity_ids))
        .distinct()
        .subquery()
    )
    return conn.execute(select(func.count()).select_from(ids)).scalar_one()


def actor(conn: Connection, entity_id: str, *, limit: int | None = 100) -> dict[str, Any] | None:
    """One entity: id, type, name, country, category, wikidata, aliases, n_events, its events
    (latest first, at most `limit`, each as in `events()` plus the entity's `roles` there),
    its facts, and the actors it shares events with (`partners`: id, name, n_events, counted
    over its PARTNER_WINDOW latest events)."""
    row = conn.execute(select(entities).where(entities.c.id == entity_id)).first()
    if row is None:
        return None
    out: dict[str, Any] = dict(row._mapping)
    out["aliases"] = sorted(
        conn.execute(select(aliases.c.alias).where(aliases.c.entity_id == entity_id)).scalars()
    )
    mine = select(event_participants.c.event_id).where(event_participants.c.entity_id == entity_id)
    out["n_events"] = _count_distinct_events(conn, [entity_id])
    if limit is not None and limit <= MAX_RECENT_WINDOW:
        latest = _recent_event_ids(conn, [entity_id], [], limit)
        q = select(events_t).where(events_t.c.id.in_(_values(latest)))
        q = q.order_by(*ORDERS["recent"])
    else:
        q = select(events_t).where(events_t.c.id.in_(mine)).order_by(*ORDERS["recent"])
    if limit is not None:
        q = q.limit(limit)
    evs = _with_participants(conn, q)
    for e in evs:
        e["roles"] = sorted({p["role"] for p in e["participants"] if p["entity_id"] == entity_id})
    out["events"] = evs
    out["facts"] = [
        dict(r._mapping)
        for r in conn.execute(
            select(
                facts.c.id,
                facts.c.attribute,
                facts.c.value,
                facts.c.unit,
                facts.c.document_id,
                facts.c.start,
                facts.c.end,
                facts.c.text,
            )
            .where(facts.c.subject == entity_id)
            .order_by(facts.c.attribute, facts.c.document_id)
        )
    ]
    # Partners are counted over the actor's latest PARTNER_WINDOW events: for an actor in
    # hundreds of thousands of events an exact count would read all of them on every page.
    window = (
        select(event_participants.c.event_id)
        .where(event_participants.c.entity_id == entity_id)
        .order_by(event_participants.c.last_seen.desc(), event_participants.c.event_id.desc())
        .limit(PARTNER_WINDOW)
    )
    other = event_participants.alias("other")
    n = func.count(func.distinct(other.c.event_id)).label("n_events")
    out["partners"] = [
        dict(r._mapping)
        for r in conn.execute(
            select(entities.c.id, entities.c.name, entities.c.type, n)
            .join(other, other.c.entity_id == entities.c.id)
            .where(
                other.c.event_id.in_(window.scalar_subquery()),
                other.c.entity_id != entity_id,
                other.c.role.not_in(sorted(OBJECT_ROLES)),
            )
            .group_by(entities.c.id, entities.c.name, entities.c.type)
            .order_by(n.desc(), entities.c.name)
            .limit(50)
        )
    ]
    return out


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


def edges_of(ev: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """The actor pairs one event links: (from, to, directed). Directed pairs follow the
    type's `edges` in the registry (seller → buyer ...); actors of a role no directed pair
    covers link each other, and so do the partners or parties of a symmetric type."""
    by_role: dict[str, list[str]] = defaultdict(list)
    for p in ev["participants"]:
        if is_actor(p["role"], p["type"]):
            by_role[p["role"]].append(p["entity_id"])
    pairs: list[tuple[str, str, bool]] = []
    kind = registry().get(ev["type"])
    directed_roles = kind.edges if kind else ()
    for a_role, b_role in directed_roles:
        pairs += [
            (a, b, True) for a in by_role.get(a_role, []) for b in by_role.get(b_role, []) if a != b
        ]
    covered = {r for pair in directed_roles for r in pair}
    if kind and kind.symmetric:
        covered = {r for r in covered if side_of(r) != "symmetric"}
    for role, members in sorted(by_role.items()):
        if role not in covered:
            pairs += [(a, b, False) for a, b in combinations(sorted(set(members)), 2)]
    out, seen = [], set()
    for a, b, directed in pairs:
        key = (a, b) if directed else tuple(sorted((a, b)))
        if key not in seen:
            seen.add(key)
            out.append((key[0], key[1], directed))
    return out


def graph_json(event_type: str, participants: list[tuple[str, str, str, str]]) -> str:
    """What the network draws of one event (the event_graph row), from its participants as
    (role, entity id, entity name, entity type): its actors as [role, id] sorted by role,
    name and id, and its edges_of as [from, to, directed] in that order."""
    members = sorted(
        (role, name, entity_id, etype)
        for role, entity_id, name, etype in participants
        if is_actor(role, etype)
    )
    ev = {
        "type": event_type,
        "participants": [
            {"role": role, "entity_id": entity_id, "type": etype}
            for role, _name, entity_id, etype in members
        ],
    }
    return json.dumps(
        [[[role, entity_id] for role, _n, entity_id, _t in members], edges_of(ev)],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def graph_select(event_ids: Any, *, missing: bool = False) -> Any:
    """The SELECT graph_rows reads for the events `event_ids` (a list of ids or a SELECT
    of them); with `missing`, only for the events that have no event_graph row yet."""
    ep = event_participants
    ids = _values(event_ids) if isinstance(event_ids, list) else event_ids
    cond = [events_t.c.id.in_(ids)]
    if missing:
        has_row = select(event_graph.c.event_id).where(event_graph.c.event_id == events_t.c.id)
        cond.append(~has_row.exists())
    return (
        select(
            events_t.c.id,
            events_t.c.type,
            events_t.c.status,
            events_t.c.systems,
            events_t.c.last_seen,
            ep.c.role,
            ep.c.entity_id,
            entities.c.name,
            entities.c.type,
        )
        .select_from(
            events_t.outerjoin(ep, ep.c.event_id == events_t.c.id).outerjoin(
                entities, entities.c.id == ep.c.entity_id
            )
        )
        .where(*cond)
    )


def graph_rows(
    conn: Connection, query: Any, params: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The event_graph rows of the events a graph_select reads (run with `params`),
    computed from the events, their participants and entities."""
    rows: dict[str, dict[str, Any]] = {}
    parts: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for (
        event_id,
        event_type,
        status,
        systems,
        last_seen,
        role,
        entity_id,
        name,
        etype,
    ) in conn.execute(query, params or {}).all():
        if event_id not in rows:
            rows[event_id] = {
                "event_id": event_id,
                "type": event_type,
                "status": status,
                "systems": systems,
                "last_seen": last_seen,
            }
        if name is not None:  # a participant whose entity is stored
            parts[event_id].append((role, entity_id, name, etype))
    for event_id, row in rows.items():
        row["graph"] = graph_json(row["type"], parts.get(event_id, []))
    return list(rows.values())


def network(conn: Connection, filters: EventFilters | None = None, **kwargs: Any) -> dict[str, Any]:
    """The actor graph of the matching events (default: the 1,000 latest).

    nodes: [{id, name, type, country, n_events}] — actors only, not systems or programs;
    edges: [{source, target, event_id, type, status, systems, directed}], one per pair of
    actors in an event: seller→buyer, provider→host/customer/recipient, participant→owner,
    partner→customer; partners and parties of the same event are linked both ways
    (directed False).
    """
    f = filters or EventFilters.from_kwargs(**{"limit": 1000, **kwargs})
    if filters is not None and kwargs:
        f = replace(filters, **kwargs)
    if f.order not in ORDERS:
        raise ValueError(f"unknown order {f.order!r}; use one of {', '.join(ORDERS)}")
    # Each event's actors and edges were computed when it was written (event_graph): one
    # row per event instead of its participants and their entities.
    g = event_graph
    columns = (g.c.event_id, g.c.type, g.c.status, g.c.systems, g.c.graph)
    actor_ids = resolve_actor(conn, f.actor) if f.actor else None
    ids = _actor_recent_ids(conn, f, actor_ids)
    if ids is not None:
        # An actor's latest events: their rows of event_graph alone, in the same order.
        q = (
            select(*columns)
            .where(g.c.event_id.in_(_values(ids)))
            .order_by(g.c.last_seen.desc(), g.c.event_id.desc())
            .limit(f.limit)
            .offset(f.offset or None)
        )
    else:
        q = (
            _events_query(conn, f, actor_ids)
            .with_only_columns(*columns)
            .select_from(events_t.join(g, g.c.event_id == events_t.c.id))
        )
    rows = conn.execute(q).all()
    # One parse for all the events' rows rather than one per event.
    graphs = json.loads("[" + ",".join(r[4] for r in rows) + "]")
    edges: list[dict[str, Any]] = []
    for (event_id, etype, status, systems, _g), (_actors, pairs) in zip(rows, graphs, strict=True):
        for a, b, directed in pairs:
            edges.append(
                {
                    "source": a,
                    "target": b,
                    "event_id": event_id,
                    "type": etype,
                    "status": status,
                    "systems": systems,
                    "directed": directed,
                }
            )
    # Nodes in order of first appearance by (event id, role, name, id), as ties of the
    # final sort keep it.
    events_of: dict[str, set[str]] = {}
    for event_id, (actors, _pairs) in sorted(
        zip((r[0] for r in rows), graphs, strict=True), key=lambda x: x[0]
    ):
        for _role, entity_id in actors:
            events_of.setdefault(entity_id, set()).add(event_id)
    info = {}
    ids = list(events_of)
    for i in range(0, len(ids), 5000):
        info.update(
            (r[0], r)
            for r in conn.execute(
                select(entities.c.id, entities.c.name, entities.c.type, entities.c.country).where(
                    entities.c.id.in_(_values(ids[i : i + 5000]))
                )
            ).all()
        )
    nodes = [
        {
            "id": entity_id,
            "name": info[entity_id][1],
            "type": info[entity_id][2],
            "country": info[entity_id][3],
            "n_events": len(evs),
        }
        for entity_id, evs in events_of.items()
        if entity_id in info
    ]
    return {"nodes": sorted(nodes, key=lambda n: (-n["n_events"], n["name"])), "edges": edges}


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


__all__ = [
    "EventFilters",
    "actor",
    "actors",
    "count_events",
    "current_event_id",
    "document",
    "documents_list",
    "event",
    "events",
    "graph_json",
    "graph_rows",
    "graph_select",
    "network",
    "resolve_actor",
    "stats",
]
