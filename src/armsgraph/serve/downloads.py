"""Downloads of what a page shows: its events as CSV, SIPRI CSV, GraphML or JSON Lines (written
by armsgraph.export's writers), the actors and documents lists and a search's hits as CSV
or JSON Lines.

A page links here with its own query string (filters, order, and for a view that draws
only some events, its `limit`), so the file holds the events that view holds: every match
for the events table (all its pages) and the map, the latest 1,000 for the network, the
latest 500 of an actor for its page. Files are written to a temporary directory and
removed once sent.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from armsgraph.export.csv import write_csv, write_rows
from armsgraph.export.graphml import write_graphml
from armsgraph.export.jsonl import write_jsonl
from armsgraph.export.sipri import write_sipri
from armsgraph.ontology import is_actor
from armsgraph.serve.present import FiltersDep, StoreDep
from armsgraph.serve.search import DocFilters
from armsgraph.store import queries, search
from armsgraph.store.queries import EventFilters

router = APIRouter(include_in_schema=False)

MAX_DOWNLOAD = 100_000  # events in one file; the page says when a view holds more
CHUNK = 500
# name in the URL → (writer, media type, file ending)
EVENT_FORMATS: dict[str, tuple[Callable[..., int], str, str]] = {
    "csv": (write_csv, "text/csv; charset=utf-8", "csv"),
    "sipri": (write_sipri, "text/csv; charset=utf-8", "sipri.csv"),
    "graphml": (write_graphml, "application/graphml+xml", "graphml"),
    "jsonl": (write_jsonl, "application/x-ndjson", "jsonl"),
}
LIST_FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}
EventFormat = Literal["csv", "sipri", "graphml", "jsonl"]
ListFormat = Literal["csv", "jsonl"]


def shown_events(store: Any, f: EventFilters) -> Iterator[dict[str, Any]]:
    """The events `f` selects, in its order and up to its limit (at most MAX_DOWNLOAD), each
    as `queries.event()` gives it (participants, sources, status history), page by page."""
    wanted = min(f.limit or MAX_DOWNLOAD, MAX_DOWNLOAD)
    done = 0
    with store.connect() as conn:
        while done < wanted:
            size = min(CHUNK, wanted - done)
            page = queries.with_sources(
                conn, queries.events(conn, replace(f, limit=size, offset=f.offset + done))
            )
            yield from page
            done += len(page)
            if len(page) < size:
                return


def _send(write: Callable[[Path], Any], media_type: str, filename: str) -> FileResponse:
    """Write a file with `write(path)` in a temporary directory, send it as an attachment,
    then remove it."""
    folder = tempfile.mkdtemp(prefix="armsgraph-download-")
    path = Path(folder) / filename
    try:
        write(path)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(
        path,
        media_type=media_type,
        filename=filename,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


@router.get("/download/events.{fmt}")
def download_events(
    store: StoreDep,
    f: FiltersDep,
    fmt: EventFormat,
    order: Literal["recent", "oldest", "sources", "confidence"] = "recent",
    limit: Annotated[int | None, Query(ge=1, le=MAX_DOWNLOAD)] = None,
) -> FileResponse:
    """The events of a view: its filters and order; `limit` for a view drawing the latest N."""
    writer, media_type, ending = EVENT_FORMATS[fmt]
    ef = f.event_filters(order=order, limit=limit, offset=0)
    return _send(
        lambda path: writer(shown_events(store, ef), path), media_type, f"armsgraph-events.{ending}"
    )


@router.get("/download/actors.{fmt}")
def download_actors(
    store: StoreDep,
    fmt: ListFormat,
    q: Annotated[str | None, Query(max_length=200)] = None,
    name: Annotated[str | None, Query(max_length=200)] = None,
    type: Annotated[str | None, Query(max_length=200)] = None,
    country: Annotated[str | None, Query(max_length=3)] = None,
) -> FileResponse:
    """The actors list as the /actors page filters it (every page of it)."""
    with store.connect() as conn:
        rows = queries.actors(
            conn, q=(q or name) or None, type=type or None, country=country or None, limit=None
        )
    return _send(
        lambda path: _write_list(rows, fmt, path), LIST_FORMATS[fmt], f"armsgraph-actors.{fmt}"
    )


@router.get("/download/documents.{fmt}")
def download_documents(store: StoreDep, d: DocFilters, fmt: ListFormat) -> FileResponse:
    """The documents list as the /documents page filters it (every page of it)."""
    with store.connect() as conn:
        rows = queries.documents_list(conn, d.filters(limit=MAX_DOWNLOAD))
    return _send(
        lambda path: _write_list(rows, fmt, path), LIST_FORMATS[fmt], f"armsgraph-documents.{fmt}"
    )


@router.get("/download/search.{fmt}")
def download_search(
    store: StoreDep,
    fmt: ListFormat,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    kind: Annotated[Literal["events", "documents"], Query(alias="in")] = "events",
) -> FileResponse:
    """The hits of a search (every page of one kind), matches in [brackets] in the CSV's
    text column; JSON Lines keeps the hits as /api/search gives them."""
    try:
        parsed = search.parse(q)
    except search.SearchError as err:
        raise HTTPException(400, err.one_line()) from err
    find = search.search_events if kind == "events" else search.search_documents
    with store.connect() as conn:
        hits = find(conn, parsed, limit=MAX_DOWNLOAD)["hits"]
    if fmt == "csv":
        hits = [_flat_hit(h, kind) for h in hits]
    return _send(
        lambda path: _write_list(hits, fmt, path),
        LIST_FORMATS[fmt],
        f"armsgraph-search-{kind}.{fmt}",
    )


def _flat_hit(hit: dict[str, Any], kind: str) -> dict[str, Any]:
    text = search.snippet_text(hit["snippet"])
    if kind == "documents":
        keys = ("id", "published", "title", "url", "source", "n_events")
        return {**{k: hit[k] for k in keys}, "text": text}
    actors = "; ".join(p["name"] for p in hit["participants"] if is_actor(p["role"], p["type"]))
    keys = ("event_id", "type", "status", "document_id", "title", "published")
    return {**{k: hit[k] for k in keys}, "actors": actors, "text": text}


def _write_list(rows: list[dict[str, Any]], fmt: str, path: Path) -> int:
    if fmt == "jsonl":
        return write_jsonl(rows, path)
    columns = list(rows[0]) if rows else []
    return write_rows(
        ({k: "" if v is None else v for k, v in r.items()} for r in rows), columns, path
    )
