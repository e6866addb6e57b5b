"""The JSON API: events, an event, actors, an actor, a document, the network and the map, as JSON.

Every endpoint reads through store/queries (and store/graph for the network) and is
described in /openapi.json; the write, /api/ingest, is in serve/upload.py.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from armsgraph.serve.paging import page_links, paged, set_link_header
from armsgraph.serve.present import (
    MAP_LIMIT,
    MAX_PAGE_SIZE,
    NETWORK_LIMIT,
    NOT_FOUND,
    FiltersDep,
    StoreDep,
    country_counts,
    numeric_codes,
    one,
)
from armsgraph.store import graph, queries

router = APIRouter()


@router.get("/api/stats", tags=["store"])
def api_stats(store: StoreDep) -> dict[str, int]:
    """Row counts of the store: documents, entities, events, sources, facts."""
    with store.connect() as conn:
        return queries.stats(conn)


@router.get("/api/events", tags=["events"])
def api_events(
    request: Request,
    response: Response,
    store: StoreDep,
    f: FiltersDep,
    order: Annotated[
        Literal["recent", "oldest", "sources", "confidence"],
        Query(
            description="recent (latest report first), oldest, sources (most reported), confidence."
        ),
    ] = "recent",
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Events per page.")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Events to skip.")] = 0,
) -> dict[str, Any]:
    """Events matching the filters (the names of `armsgraph events`' options), with
    participants; `total` counts all matches, `next` and `previous` (and the Link header)
    give the neighbouring pages."""
    ef = f.event_filters(order=order, limit=limit, offset=offset)
    with store.connect() as conn:
        found = {"total": queries.count_events(conn, ef), "events": queries.events(conn, ef)}
    return paged(request, response, found, offset=offset, limit=limit, total=found["total"])


@router.get("/api/events/{event_id:path}", tags=["events"], responses=NOT_FOUND)
def api_event(
    store: StoreDep,
    event_id: Annotated[
        str, Path(description="An event id (ev:…) as listed, or the id of an event merged into it.")
    ],
) -> dict[str, Any]:
    """One event with every source, its evidence spans and its status history."""
    return one(store, queries.event, event_id, "event")


@router.get("/api/actors", tags=["actors"])
def api_actors(
    request: Request,
    response: Response,
    store: StoreDep,
    q: Annotated[str | None, Query(max_length=200, description="Part of the actor's name.")] = None,
    name: Annotated[
        str | None,
        Query(max_length=200, description="The same as q, under the CLI's name (--name)."),
    ] = None,
    type: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Entity type(s): country, organization, person, weapon_system, program, …",
        ),
    ] = None,
    country: Annotated[
        str | None, Query(max_length=3, description="ISO alpha-3 code of the actor's country.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Actors per page.")] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Actors to skip.")] = 0,
) -> list[dict[str, Any]]:
    """Entities taking part in events, most active first; the Link header gives the next
    and previous pages."""
    with store.connect() as conn:
        rows = queries.actors(
            conn,
            q=(q or name) or None,
            type=type or None,
            country=country or None,
            limit=limit + 1,  # one more: is there a next page?
            offset=offset,
        )
    set_link_header(
        response,
        page_links(request, offset=offset, limit=limit, total=None, more=len(rows) > limit),
    )
    return rows[:limit]


@router.get("/api/actors/{entity_id:path}", tags=["actors"], responses=NOT_FOUND)
def api_actor(
    store: StoreDep,
    entity_id: Annotated[str, Path(description="An entity id: country:EGY, org:…, system:….")],
) -> dict[str, Any]:
    """One entity with its events, facts and partners."""
    return one(store, queries.actor, entity_id, "actor")


@router.get("/api/documents/{document_id:path}", tags=["documents"], responses=NOT_FOUND)
def api_document(
    store: StoreDep,
    document_id: Annotated[str, Path(description="A document id as /api/documents lists it.")],
) -> dict[str, Any]:
    """One stored document with its text, mentions and event evidence."""
    return one(store, queries.document, document_id, "document")


@router.get("/api/trends", tags=["events"])
def api_trends(store: StoreDep, f: FiltersDep) -> dict[str, Any]:
    """Events per year by type and the value in USD of deals per year, over the matching
    events (the trend tables of the home and actor pages): a year is that of the event's
    own date, else of its first report; undated events are counted apart."""
    with store.connect() as conn:
        return queries.trends(conn, f.event_filters(limit=None))


@router.get("/api/network", tags=["graph"])
def api_network(
    store: StoreDep,
    f: FiltersDep,
    limit: Annotated[
        int, Query(ge=1, le=NETWORK_LIMIT, description="The latest this many matching events.")
    ] = NETWORK_LIMIT,
    rollup: Annotated[
        Literal["country"] | None,
        Query(description="country: organizations, people and forces stand as their country."),
    ] = None,
) -> dict[str, Any]:
    """Actors as nodes and events as edges (latest `limit` matching events); each edge
    carries its event's number of sources. The actors of an event no directed edge links
    (the parties of a programme without a named owner) are linked to each other."""
    ef = f.event_filters(limit=limit)
    with store.connect() as conn:
        net = graph.network(conn, ef, rollup=rollup == "country")
        n_sources = {e["id"]: e["n_sources"] for e in queries.events(conn, ef)}
    for edge in net["edges"]:
        edge["n_sources"] = n_sources.get(edge["event_id"], 1)
    return net


@router.get("/api/map", tags=["graph"])
def api_map(store: StoreDep, f: FiltersDep) -> dict[str, Any]:
    """Matching events per country (ISO alpha-3, with the ISO numeric code the boundary
    file uses): all its events, those it supplied (`n_supplied`, as seller, provider,
    licensor, exporter …) and received (`n_received`, as buyer, customer, host, recipient
    …); and the `flows` between countries (supplier → recipient, see
    store/queries/flows.py). `truncated` when more events matched than were counted."""
    ef = f.event_filters(limit=MAP_LIMIT)
    with store.connect() as conn:
        total = queries.count_events(conn, ef)
        evs = queries.events(conn, ef)
        names = {a["id"]: a["name"] for a in queries.actors(conn, type="country", limit=None)}
    counts = country_counts(evs)
    flows = queries.flows_of(evs)
    supplied: Counter[str] = Counter()
    received: Counter[str] = Counter()
    for ev in evs:
        supply, receive = queries.sides_of(ev)
        supplied.update(supply - receive)
        received.update(receive - supply)

    def name(code: str) -> str:
        return names.get(f"country:{code}", code)

    countries = [
        {
            "id": f"country:{code}",
            "iso3": code,
            "numeric": numeric_codes().get(code),
            "name": name(code),
            "n_events": n,
            "n_supplied": supplied[code],
            "n_received": received[code],
        }
        for code, n in counts.most_common()
    ]
    for flow in flows:
        for side in ("supplier", "recipient"):
            flow[f"{side}_name"] = name(flow[side])
            flow[f"{side}_numeric"] = numeric_codes().get(flow[side])
    return {
        "total": total,
        "truncated": total > MAP_LIMIT,
        "countries": countries,
        "flows": flows,
    }
