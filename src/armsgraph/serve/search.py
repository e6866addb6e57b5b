"""Search and the list of documents: the /search and /documents pages and their JSON twins.

Full-text search reads store/search (FTS5 or tsvector); the documents list reads
store/queries (DocumentFilters). Snippets arrive as pieces ({text, mark}) that the
templates escape, so a report's markup never reaches the page as markup.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse

from armsgraph.serve.paging import paged
from armsgraph.serve.present import (
    DATE_PATTERN,
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    Problem,
    StoreDep,
    render,
)
from armsgraph.store import queries, search

router = APIRouter()

QUERY_HELP = (
    'Words (all must occur), "quoted phrases", AND (the default) and OR (binding looser '
    'than AND): `"fighter jets" Egypt OR drones`. Words are stemmed; case and accents ignored.'
)
# At least one letter or digit: a query of none is refused as invalid (422) before it runs.
QueryParam = Annotated[
    str, Query(min_length=1, max_length=500, pattern=r"\w", description=QUERY_HELP)
]
KINDS = {"events": search.search_events, "documents": search.search_documents}
PREVIEW = 10  # hits of each kind on the page that shows both


def _parse(query: str) -> search.Query:
    try:
        return search.parse(query)
    except search.SearchError as err:
        raise HTTPException(400, err.one_line()) from err


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(
    request: Request,
    store: StoreDep,
    q: Annotated[str | None, Query(max_length=500)] = None,
    kind: Annotated[str | None, Query(alias="in", pattern="^(events|documents)?$")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = PAGE_SIZE,
) -> HTMLResponse:
    q, kind = (q or "").strip(), kind or None
    results: dict[str, Any] = {}
    problem = None
    if q:
        try:
            parsed = search.parse(q)
        except search.SearchError as err:
            problem = err.one_line()
        else:
            size = limit if kind else PREVIEW
            with store.connect() as conn:
                for name, find in KINDS.items():
                    if kind in (None, name):
                        results[name] = find(conn, parsed, limit=size, offset=(page - 1) * size)
    pages = -(-results[kind]["total"] // limit) if kind and kind in results else 1
    keep = {"limit": limit if limit != PAGE_SIZE else None}
    return render(
        request,
        "search.html",
        status_code=400 if problem else 200,
        q=q,
        kind=kind,
        page=page,
        pages=max(1, pages),
        results=results,
        problem=problem,
        qs=lambda **kw: urlencode({k: v for k, v in {"q": q, **keep, **kw}.items() if v}),
    )


@router.get(
    "/api/search",
    tags=["search"],
    responses={400: {"model": Problem, "description": "The query holds only AND and OR"}},
)
def api_search(
    request: Request,
    response: Response,
    store: StoreDep,
    q: QueryParam,
    kind: Annotated[
        Literal["events", "documents"],
        Query(
            alias="in",
            description="events: events whose evidence sentence matches (one hit per event, "
            "its best report); documents: documents whose title or text matches.",
        ),
    ] = "events",
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Hits per page.")] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Hits to skip.")] = 0,
    include_hidden: Annotated[
        bool, Query(description="Also the events an analyst hid (armsgraph correct --hide).")
    ] = False,
) -> dict[str, Any]:
    """Full-text search, best first. Each hit's `snippet` is a list of pieces
    {text, mark}: `mark` is true on the words that matched. `total` counts every hit;
    `next` and `previous` (and the Link header) give the neighbouring pages."""
    parsed = _parse(q)
    with store.connect() as conn:
        if kind == "events":
            found = search.search_events(
                conn, parsed, limit=limit, offset=offset, include_hidden=include_hidden
            )
        else:
            found = search.search_documents(conn, parsed, limit=limit, offset=offset)
    return paged(
        request, response, {"query": q, "in": kind, **found}, offset=offset, limit=limit,
        total=found["total"],
    )  # fmt: skip


class DocumentFiltersDep:
    """The filters of the documents list, read from the query string (the CLI's names)."""

    def __init__(
        self,
        publisher: Annotated[
            str | None,
            Query(
                max_length=200,
                description="The web site, as its URL host: state.gov also matches www.state.gov.",
            ),
        ] = None,
        source: Annotated[
            str | None,
            Query(max_length=300, description="Part of the file path or URL it was read from."),
        ] = None,
        since: Annotated[
            str | None,
            Query(pattern=DATE_PATTERN, description="Published on or after (YYYY[-MM[-DD]])."),
        ] = None,
        until: Annotated[
            str | None, Query(pattern=DATE_PATTERN, description="Published on or before.")
        ] = None,
    ) -> None:
        values = {"publisher": publisher, "source": source, "since": since, "until": until}
        self.values = {k: (v.strip() if v and v.strip() else None) for k, v in values.items()}

    def filters(self, **extra: Any) -> queries.DocumentFilters:
        return queries.DocumentFilters(**self.values, **extra)

    def query_string(self, **changes: Any) -> str:
        params = {**self.values, **changes}
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})

    def active(self) -> bool:
        return any(self.values.values())


DocFilters = Annotated[DocumentFiltersDep, Depends()]


@router.get("/documents", response_class=HTMLResponse, include_in_schema=False)
def documents_page(
    request: Request,
    store: StoreDep,
    d: DocFilters,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    with store.connect() as conn:
        f = d.filters(limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        total = queries.count_documents(conn, f)
        rows = queries.documents_list(conn, f)
    return render(
        request,
        "documents.html",
        d=d,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
    )


@router.get("/api/documents", tags=["documents"])
def api_documents(
    request: Request,
    response: Response,
    store: StoreDep,
    d: DocFilters,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Documents per page.")] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Documents to skip.")] = 0,
) -> dict[str, Any]:
    """Stored documents, latest published first, with their publisher (URL host) and
    number of events; `total` counts all matches, `next`/`previous` page through them."""
    with store.connect() as conn:
        f = d.filters(limit=limit, offset=offset)
        found = {
            "total": queries.count_documents(conn, f),
            "documents": queries.documents_list(conn, f),
        }
    return paged(request, response, found, offset=offset, limit=limit, total=found["total"])
