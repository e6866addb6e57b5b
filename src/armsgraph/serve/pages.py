"""The web app's pages: events, an event with its sources, actors, an actor, network, map, a document.

Server-rendered (templates/), read through store/queries; the filters of a page travel in
its query string (present.Filters), so every view can be shared as a link.
"""

from __future__ import annotations

from collections import defaultdict
from functools import partial
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from armsgraph.model import ENTITY_TYPES, EVENT_TYPES
from armsgraph.ontology import OBJECT_ROLES, is_actor, roles_of
from armsgraph.serve.charts import trend_view
from armsgraph.serve.present import (
    MAP_LIMIT,
    MAX_PAGE_SIZE,
    NETWORK_LIMIT,
    PAGE_SIZE,
    TYPES_CSS,
    FiltersDep,
    StoreDep,
    document_paragraphs,
    one,
    paragraph_segments,
    partners_by_type,
    render,
)
from armsgraph.store import queries

router = APIRouter(include_in_schema=False)


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
def home(request: Request, store: StoreDep) -> HTMLResponse:
    """The overview: counts, the trend charts of all events and the latest reported."""
    with store.connect() as conn:
        stats = queries.stats(conn)
        view = trend_view(queries.trends(conn))
        latest = queries.events(conn, limit=8)
    return render(request, "home.html", stats=stats, view=view, latest=latest)


@router.get("/types.css")
def type_colours() -> Response:
    return Response(TYPES_CSS, media_type="text/css")


@router.get("/events", response_class=HTMLResponse)
def events_page(
    request: Request,
    store: StoreDep,
    f: FiltersDep,
    order: Literal["recent", "oldest", "sources", "confidence"] = "recent",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = PAGE_SIZE,
) -> HTMLResponse:
    with store.connect() as conn:
        ef = f.event_filters(order=order, limit=limit, offset=(page - 1) * limit)
        total = queries.count_events(conn, ef)
        rows = queries.events(conn, ef)
        stats = queries.stats(conn)
    pages = max(1, -(-total // limit))
    # Sorting and paging links keep the filters and each other in the URL.
    keep = {
        "order": order if order != "recent" else None,
        "limit": limit if limit != PAGE_SIZE else None,
    }
    return render(
        request,
        "events.html",
        f=f,
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        order=order,
        stats=stats,
        keep=keep,
    )


@router.get("/events/{event_id:path}", response_class=HTMLResponse)
def event_page(
    request: Request, store: StoreDep, event_id: str, corrected: bool = False
) -> Response:
    return render_event(request, store, event_id, corrected=corrected)


def render_event(
    request: Request, store: Any, event_id: str, status_code: int = 200, **extra: Any
) -> Response:
    """The page of an event (`extra`: what the correction form shows: error, form, corrected)."""
    ev = one(store, queries.event, event_id, "event")
    if ev["id"] != event_id and status_code == 200:
        # An id of an event merged into another: the page moved there for good.
        return RedirectResponse(f"/events/{quote(ev['id'], safe=':@')}", 301)
    with store.connect() as conn:
        texts = queries.document_texts(conn, sorted({src["document_id"] for src in ev["sources"]}))
    for src in ev["sources"]:
        spans = src["evidence"] or [{"start": src["start"], "end": src["end"]}]
        src["paragraphs"] = paragraph_segments(texts.get(src["document_id"], ""), spans)
    actors_ = [p for p in ev["participants"] if is_actor(p["role"], p["type"])]
    objects = [p for p in ev["participants"] if not is_actor(p["role"], p["type"])]
    return render(
        request,
        "event.html",
        status_code,
        ev=ev,
        actors=actors_,
        objects=objects,
        role_choices=[*roles_of(ev["type"]), *sorted(OBJECT_ROLES)],
        **{"error": None, "form": {}, **extra},
    )


@router.get("/actors", response_class=HTMLResponse)
def actors_page(
    request: Request,
    store: StoreDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    type: Annotated[str | None, Query(max_length=200)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    with store.connect() as conn:
        rows = queries.actors(
            conn,
            q=q or None,
            type=type or None,
            limit=PAGE_SIZE * 2 + 1,
            offset=(page - 1) * PAGE_SIZE * 2,
        )
    more = len(rows) > PAGE_SIZE * 2
    return render(
        request,
        "actors.html",
        rows=rows[: PAGE_SIZE * 2],
        q=q or "",
        type=type or "",
        page=page,
        more=more,
        actor_types=ENTITY_TYPES,
    )


@router.get("/actors/{entity_id:path}", response_class=HTMLResponse)
def actor_page(request: Request, store: StoreDep, entity_id: str) -> HTMLResponse:
    a = one(store, partial(queries.actor, limit=500), entity_id, "actor")
    timeline: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in a["events"]:
        when = (e["time"] or {}).get("start") or e["first_seen"] or ""
        e["when"] = when
        timeline[when[:4] or "undated"].append(e)
    years = sorted(timeline.items(), key=lambda kv: (kv[0] == "undated", kv[0]), reverse=False)
    years = [y for y in years if y[0] != "undated"][::-1] + [y for y in years if y[0] == "undated"]
    for _, evs in years:
        evs.sort(key=lambda e: e["when"], reverse=True)
    partners = partners_by_type(entity_id, a["events"], exclude=set(a["own"]))
    used_types = [t for t in EVENT_TYPES if any(p["by_type"][t] for p in partners)]
    with store.connect() as conn:
        view = trend_view(queries.trends(conn, entity_ids=a["own"]))
    return render(
        request,
        "actor.html",
        a=a,
        years=years,
        partners=partners,
        used_types=used_types,
        view=view,
        network_qs=urlencode({"actor": entity_id}),
    )


@router.get("/network", response_class=HTMLResponse)
def network_page(
    request: Request,
    store: StoreDep,
    f: FiltersDep,
    rollup: Literal["country"] | None = None,
) -> HTMLResponse:
    with store.connect() as conn:
        total = queries.count_events(conn, f.event_filters())
    return render(
        request,
        "network.html",
        f=f,
        total=total,
        limit=NETWORK_LIMIT,
        rollup=rollup,
        keep={"rollup": rollup},
    )


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, store: StoreDep, f: FiltersDep) -> HTMLResponse:
    with store.connect() as conn:
        total = queries.count_events(conn, f.event_filters())
    return render(request, "map.html", f=f, total=total, limit=MAP_LIMIT)


@router.get("/documents/{document_id:path}", response_class=HTMLResponse)
def document_page(request: Request, store: StoreDep, document_id: str) -> HTMLResponse:
    doc = one(store, queries.document, document_id, "document")
    with store.connect() as conn:
        evs = [queries.event(conn, i) for i in sorted({e["event_id"] for e in doc["evidence"]})]
    evs = [e for e in evs if e]
    evs.sort(
        key=lambda e: min(
            (s["start"] for s in e["sources"] if s["document_id"] == document_id), default=0
        )
    )
    return render(
        request,
        "document.html",
        doc=doc,
        paragraphs=document_paragraphs(doc["text"], doc["evidence"]),
        events=evs,
    )
