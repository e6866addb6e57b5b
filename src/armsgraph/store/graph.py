"""The network: which actors each event links (edges), written once per event, read per view.

An event's actors and its edges (seller → buyer ...; partners and parties of a symmetric
type linked both ways) follow the registry (armsgraph.ontology). They are computed when
the event is written and kept in its event_graph row (`write_graph`), with copies of the
event's type, status, systems and last_seen; `network` reads those rows for a view, one
row per event instead of its participants and their entities.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from itertools import combinations
from typing import Any

from sqlalchemy import Connection, bindparam, or_, select, update

from armsgraph.ontology import is_actor, registry, side_of
from armsgraph.store.queries.events import system_names_of
from armsgraph.store.queries.filters import (
    ORDERS,
    EventFilters,
    actor_recent_ids,
    events_query,
    in_values,
    resolve_actor,
)
from armsgraph.store.schema import entities, event_graph, event_participants, event_sources
from armsgraph.store.schema import events as events_t


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
    return link_parties([e for members in by_role.values() for e in members], out)


def link_parties(actors: list[str], pairs: list[Any]) -> list[Any]:
    """`pairs` plus an undirected link from each actor no pair touches to every other actor
    of the event: the nine participants of a programme without a named owner, or the two
    buyers of a sale without a seller, are linked rather than left as islands."""
    ids = list(dict.fromkeys(actors))
    linked = {x for a, b, _ in pairs for x in (a, b)}
    loose = [a for a in ids if a not in linked]
    if not loose or len(ids) < 2:
        return pairs
    out = list(pairs)
    seen = {tuple(sorted((a, b))) for a, b, _ in pairs}
    for a in loose:
        for b in ids:
            key = tuple(sorted((a, b)))
            if a != b and key not in seen:
                seen.add(key)
                out.append((key[0], key[1], False))
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
    ids = in_values(event_ids) if isinstance(event_ids, list) else event_ids
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


def network(
    conn: Connection,
    filters: EventFilters | None = None,
    *,
    rollup: bool = False,
    **kwargs: Any,
) -> dict[str, Any]:
    """The actor graph of the matching events (default: the 1,000 latest); with `rollup`,
    organizations, people and forces stand as their country (links inside one country
    are left out).

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
    ids = actor_recent_ids(conn, f, actor_ids)
    if ids is not None:
        # An actor's latest events: their rows of event_graph alone, in the same order.
        q = (
            select(*columns)
            .where(g.c.event_id.in_(in_values(ids)))
            .order_by(g.c.last_seen.desc(), g.c.event_id.desc())
            .limit(f.limit)
            .offset(f.offset or None)
        )
    else:
        q = (
            events_query(conn, f, actor_ids)
            .with_only_columns(*columns)
            .select_from(events_t.join(g, g.c.event_id == events_t.c.id))
        )
    rows = conn.execute(q).all()
    # One parse for all the events' rows rather than one per event.
    graphs = json.loads("[" + ",".join(r[4] for r in rows) + "]")
    # The systems an edge shows by their canonical names (the column also holds aliases).
    names = system_names_of(conn, [r[0] for r in rows])
    edges: list[dict[str, Any]] = []
    for (event_id, etype, status, _systems, _g), (actors, pairs) in zip(rows, graphs, strict=True):
        systems = names.get(event_id)
        # Rows written before link_parties joined edges_of get its links here.
        for a, b, directed in link_parties([e for _, e in actors], pairs):
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
    info = _entities(conn, list(events_of))
    if rollup:
        edges, events_of, info = _roll_up(conn, edges, events_of, info)
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


def _entities(conn: Connection, ids: list[str]) -> dict[str, Any]:
    """(id, name, type, country) of the entities `ids`, by id."""
    info: dict[str, Any] = {}
    for i in range(0, len(ids), 5000):
        info.update(
            (r[0], tuple(r))
            for r in conn.execute(
                select(entities.c.id, entities.c.name, entities.c.type, entities.c.country).where(
                    entities.c.id.in_(in_values(ids[i : i + 5000]))
                )
            ).all()
        )
    return info


def _roll_up(
    conn: Connection,
    edges: list[dict[str, Any]],
    events_of: dict[str, set[str]],
    info: dict[str, Any],
) -> tuple[list[dict[str, Any]], dict[str, set[str]], dict[str, Any]]:
    """The network with each organization, person or force replaced by its country."""

    def up(entity_id: str) -> str:
        row = info.get(entity_id)
        if row and row[2] != "country" and row[3]:
            return f"country:{row[3]}"
        return entity_id

    rolled: dict[str, set[str]] = defaultdict(set)
    for entity_id, evs in events_of.items():
        rolled[up(entity_id)] |= evs
    out, seen = [], set()
    for e in edges:
        a, b = up(e["source"]), up(e["target"])
        if not e["directed"]:
            a, b = sorted((a, b))
        key = (e["event_id"], a, b, e["directed"])
        if a != b and key not in seen:
            seen.add(key)
            out.append({**e, "source": a, "target": b})
    info = {**info, **_entities(conn, [i for i in rolled if i not in info])}
    for entity_id in rolled:  # a country that is no stored entity keeps its code as its name
        info.setdefault(entity_id, (entity_id, entity_id.split(":", 1)[-1], "country", None))
    return out, dict(rolled), info


_INSERT_GRAPH: dict[str, Any] = {}
# The copies of the events' columns that a report can change, brought up to date in the
# database itself and only where they differ: an unchanged row is not written again.
_COPIED = ("status", "systems", "last_seen")
_COPY_EVENT_COLUMNS = (
    update(event_graph)
    .values(
        {
            c: select(events_t.c[c])
            .where(events_t.c.id == event_graph.c.event_id)
            .scalar_subquery()
            for c in _COPIED
        }
    )
    .where(
        select(events_t.c.id)
        .where(
            events_t.c.id == event_graph.c.event_id,
            or_(*(events_t.c[c].is_distinct_from(event_graph.c[c]) for c in _COPIED)),
        )
        .exists()
    )
)
# What Store.add runs for the events that got a report of its document, built once.
_DOC_EVENTS = select(event_sources.c.event_id).where(
    event_sources.c.document_id == bindparam("doc_id")
)
_DOC_NEW_GRAPHS = graph_select(_DOC_EVENTS, missing=True)
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
        new = graph_select(event_ids, missing=True)
        copy, params = _COPY_EVENT_COLUMNS.where(event_graph.c.event_id.in_(ids)), {}
    rows = graph_rows(conn, new, params)
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
                select(events_t.c.id)
                .where(events_t.c.id > after)
                .order_by(events_t.c.id)
                .limit(5000)
            ).scalars()
        )
        if not ids:
            return
        write_graph(conn, ids)
        after = ids[-1]
