"""The web app: server-rendered pages and a JSON API over one store (FastAPI + Jinja2).

Pages read through store/queries.py; the only write is ingest-by-upload, which calls the
library (ingest → extract → Store.add) and needs the write token. Every response carries
a Content-Security-Policy that allows scripts, styles and data from this origin only, so
page data reaches the JavaScript through JSON endpoints and data- attributes, never
inline script.

    app = create_app("armsgraph.db", write_token="s3cret")
"""

from __future__ import annotations

import ipaddress
import secrets
import threading
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode, urlsplit

from fastapi import Depends, FastAPI, Form, Header, HTTPException, Query, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from armsgraph.errors import InputError, StoreError
from armsgraph.model import ENTITY_TYPES, EVENT_TYPES, STATUSES
from armsgraph.ontology import is_actor, registry
from armsgraph.serve.watch import router as watch_router
from armsgraph.store import queries
from armsgraph.store.queries import EventFilters
from armsgraph.store.store import Store

HERE = Path(__file__).parent
PAGE_SIZE = 25
MAX_PAGE_SIZE = 200
NETWORK_LIMIT = 1000  # events drawn in one network view: more is unreadable and slow
MAP_LIMIT = 20000  # events counted for the map; the page says when the filter matched more
MAX_UPLOAD_CHARS = 2_000_000
PARAGRAPH_WINDOW = 700  # characters shown either side of evidence in a very long paragraph
WRITE_TOKEN_ENV = "ARMSGRAPH_WRITE_TOKEN"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}
ORDERS = tuple(queries.ORDERS)
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
FILTER_NAMES = ("actor", "type", "status", "system", "since", "until", "q")
STATUS_HELP = {
    "proposed": "planned, offered, sought, under discussion, or approved for a possible sale",
    "agreed": "signed, ordered, contracted",
    "in_progress": "under way, being built or delivered",
    "completed": "done, delivered",
    "cancelled": "called off",
}


def is_loopback(host: str) -> bool:
    """Whether binding `host` keeps the server reachable from this machine only."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(bind_address(host)).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def bind_address(host: str) -> str:
    """`host` as a socket binds it: an IPv6 address without the brackets of a URL ([::1])."""
    host = host.strip()
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
_WILDCARDS = ("0.0.0.0", "::", "")


def host_name(header: str) -> str | None:
    """The host of a Host header without its port, lower case ("[::1]:8000" -> "::1");
    None when it is not a host[:port]."""
    value = header.strip().lower()
    if value.startswith("["):
        name, closed, rest = value[1:].partition("]")
        if not closed or (rest and not rest.startswith(":")):
            return None
        port = rest[1:]
    elif value.count(":") > 1:
        return None  # an IPv6 address must be in brackets
    else:
        name, _, port = value.partition(":")
    if port and not port.isdigit():
        return None
    return name.rstrip(".") or None


def allowed_host_names(host: str | None = None, extra: tuple[str, ...] = ()) -> frozenset[str]:
    """The names a request's Host may carry: the loopback names, the address the server
    listens on (unless it listens on every address), and the names given in `extra`."""
    names = set(LOOPBACK_NAMES)
    for value in (host, *extra):
        if value and bind_address(value).lower() not in _WILDCARDS:
            names.add(bind_address(value).lower().rstrip("."))
    return frozenset(names)


def safe_url(url: str | None) -> str | None:
    """The URL if it may be a link (http or https); javascript: and data: URLs are not."""
    if url and urlsplit(url).scheme.lower() in ("http", "https"):
        return url
    return None


# -- query-string filters ------------------------------------------------------------------


class Filters:
    """The event filters of a page or API call, read from the query string."""

    def __init__(
        self,
        actor: Annotated[
            str | None,
            Query(
                max_length=200,
                description="An entity id (country:EGY) or a name or alias; a country also matches its organizations.",
            ),
        ] = None,
        type: Annotated[
            str | None,
            Query(
                max_length=400,
                description="Event type(s), comma-separated: " + ", ".join(EVENT_TYPES),
            ),
        ] = None,
        status: Annotated[
            str | None,
            Query(
                max_length=200, description="Status(es), comma-separated: " + ", ".join(STATUSES)
            ),
        ] = None,
        system: Annotated[
            str | None,
            Query(
                max_length=200, description="Part of a system or program name (F-16, Bayraktar)."
            ),
        ] = None,
        since: Annotated[
            str | None,
            Query(
                pattern=DATE_PATTERN,
                description="ISO date (YYYY, YYYY-MM or YYYY-MM-DD): reports on or after.",
            ),
        ] = None,
        until: Annotated[
            str | None, Query(pattern=DATE_PATTERN, description="ISO date: reports on or before.")
        ] = None,
        q: Annotated[
            str | None,
            Query(max_length=200, description="Words in a source sentence or a system name."),
        ] = None,
    ) -> None:
        self.values = {
            "actor": actor,
            "type": type,
            "status": status,
            "system": system,
            "since": since,
            "until": until,
            "q": q,
        }
        # Empty form fields arrive as "": treat them as absent so shared URLs stay short.
        self.values = {k: (v.strip() if v and v.strip() else None) for k, v in self.values.items()}

    def event_filters(self, **extra: Any) -> EventFilters:
        v = self.values
        return EventFilters(
            actor=v["actor"],
            type=v["type"],
            status=v["status"],
            system=v["system"],
            since=v["since"],
            until=v["until"],
            text=v["q"],
            **extra,
        )

    def active(self) -> dict[str, str]:
        return {k: v for k, v in self.values.items() if v}

    def query_string(self, **changes: Any) -> str:
        params = {**self.active(), **changes}
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})


FiltersDep = Annotated[Filters, Depends()]


# -- evidence in its paragraph ---------------------------------------------------------------


def paragraph_segments(text: str, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The paragraphs of `text` holding evidence spans, each as a list of (text, marked) pieces.

    Returned: [{"start", "segments": [{"text", "mark"}]}], one per paragraph, in text order.
    A very long paragraph (a text without line breaks) is cut to a window around its spans.
    """
    by_para: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for span in spans:
        s, e = int(span.get("start", 0)), int(span.get("end", 0))
        if not (0 <= s < e <= len(text)):
            continue  # an offset that does not fit this text marks nothing
        p_start = text.rfind("\n", 0, s) + 1
        p_end = text.find("\n", e)
        p_end = len(text) if p_end < 0 else p_end
        by_para[(p_start, p_end)].append((s, e))
    out = []
    for (p_start, p_end), marks in sorted(by_para.items()):
        marks.sort()
        lo = max(p_start, marks[0][0] - PARAGRAPH_WINDOW)
        hi = min(p_end, max(e for _, e in marks) + PARAGRAPH_WINDOW)
        segments: list[dict[str, Any]] = []
        if lo > p_start:
            segments.append({"text": "… ", "mark": False})
        pos = lo
        for s, e in marks:
            s = max(s, pos)
            if s >= e:
                continue  # overlapping spans: the first already marked this text
            if s > pos:
                segments.append({"text": text[pos:s], "mark": False})
            segments.append({"text": text[s:e], "mark": True})
            pos = e
        if pos < hi:
            segments.append({"text": text[pos:hi], "mark": False})
        if hi < p_end:
            segments.append({"text": " …", "mark": False})
        out.append({"start": p_start, "segments": segments})
    return out


def document_paragraphs(text: str, evidence: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Every paragraph of a document, split into pieces; evidence pieces carry their event."""
    marks = sorted(
        (int(e["start"]), int(e["end"]), e["event_id"], e.get("type"))
        for e in evidence
        if 0 <= int(e.get("start", 0)) < int(e.get("end", 0)) <= len(text)
    )
    paras = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        pieces: list[dict[str, Any]] = []
        cur = start
        for s, e, event_id, etype in marks:
            s, e = max(s, cur), min(e, end)
            if s >= e:
                continue
            if s > cur:
                pieces.append({"text": text[cur:s], "event_id": None})
            pieces.append({"text": text[s:e], "event_id": event_id, "type": etype})
            cur = e
        if cur < end:
            pieces.append({"text": text[cur:end], "event_id": None})
        paras.append(pieces)
    return paras


# -- extra reads the web app needs (queries.py has no such function) -------------------------


def country_counts(evs: list[dict[str, Any]]) -> Counter[str]:
    """Events per ISO alpha-3 country: a country counts once per event in which it, or one of
    its organizations, people or forces, takes part (systems and programs do not count)."""
    counts: Counter[str] = Counter()
    for e in evs:
        codes = set()
        for p in e["participants"]:
            if not is_actor(p["role"], p["type"]):
                continue
            code = p["country"] or (
                p["entity_id"].split(":", 1)[1] if p["type"] == "country" else None
            )
            if code:
                codes.add(code)
        counts.update(codes)
    return counts


def partners_by_type(entity_id: str, evs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The actors an entity shares events with, and how many events of each type."""
    table: dict[str, dict[str, Any]] = {}
    for e in evs:
        seen = set()
        for p in e["participants"]:
            if p["entity_id"] == entity_id or not is_actor(p["role"]) or p["entity_id"] in seen:
                continue
            seen.add(p["entity_id"])
            row = table.setdefault(
                p["entity_id"],
                {
                    "id": p["entity_id"],
                    "name": p["name"],
                    "type": p["type"],
                    "by_type": Counter(),
                    "n": 0,
                },
            )
            row["by_type"][e["type"]] += 1
            row["n"] += 1
    return sorted(table.values(), key=lambda r: (-r["n"], r["name"]))


def types_css() -> str:
    """The event types' colours (the registry's) as CSS: a custom property per type, read by
    the badges, the legend and the network's edges, and a `.ty-TYPE` class per type."""
    lines = ["/* Event-type colours, from armsgraph.ontology (data/event_types.json). */", ":root {"]
    lines += [f"  --ty-{name}: {t.colour};" for name, t in registry().items()]
    lines.append("}")
    lines += [f".ty-{name} {{ background: var(--ty-{name}); }}" for name in registry()]
    return "\n".join(lines) + "\n"


TYPES_CSS = types_css()


def _numeric_codes() -> dict[str, str]:
    import pycountry

    return {c.alpha_3: c.numeric for c in pycountry.countries}


# -- the app --------------------------------------------------------------------------------


class IngestRequest(BaseModel):
    """A report to ingest: exactly one of `text` (the report's text) and `url` (an http(s)
    page to fetch). A `published` date that cannot be read is refused (422, naming the
    field), after the write token is checked."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["text"]}, {"required": ["url"]}]}
    )

    text: str | None = Field(
        None,
        max_length=MAX_UPLOAD_CHARS,
        description="The report's text (give this or `url`, not both).",
    )
    url: str | None = Field(
        None,
        max_length=2000,
        description="An http(s) URL to fetch and ingest (give this or `text`, not both).",
    )
    title: str | None = Field(None, max_length=500)
    published: str | None = Field(
        None,
        max_length=40,
        description="Publication date in any common form (2024-11-25, 25 November 2024), stored as YYYY-MM-DD; one that cannot be read is refused (422).",
    )

    def checked(self) -> IngestRequest:
        """The request with its date as YYYY-MM-DD; HTTPException 422 naming `published`
        when it cannot be read (nothing is stored)."""
        from armsgraph.ingest.common import DATE_HINT, normalize_date

        if self.published is None or not self.published.strip():
            return self.model_copy(update={"published": None})
        date = normalize_date(self.published)
        if date is None:
            msg = f"cannot read the date {self.published!r}; {DATE_HINT}"
            raise HTTPException(
                422, [{"loc": ["body", "published"], "msg": msg, "type": "value_error"}]
            )
        return self.model_copy(update={"published": date})


class Problem(BaseModel):
    """Why a request was refused."""

    detail: str


NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "No such id"}}


class _Uploader:
    """Runs an upload through the pipeline (its extractor is built on the first upload)
    and serializes uploads: one extraction and one write at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def ingest(self, store: Store, req: IngestRequest) -> dict[str, Any]:
        from armsgraph import pipeline
        from armsgraph.ingest.text import text_document

        text = (req.text or "").strip()
        url = (req.url or "").strip()
        if bool(text) == bool(url):
            raise HTTPException(400, "give either the text of a report or a URL, not both")
        options = pipeline.Options(published=req.published)
        problems: list[InputError] = []
        if url:
            if not safe_url(url):
                raise HTTPException(400, "the URL must start with http:// or https://")
            doc = next(pipeline.documents([url], options, problems.append), None)
        else:
            try:
                doc = text_document(text.encode("utf-8"), "upload", published=req.published)
            except InputError as problem:
                problems.append(problem)
        if problems:  # what the first input at the URL could not be read as
            raise HTTPException(400, problems[0].one_line())
        if doc is None:
            raise HTTPException(400, "nothing to ingest at that URL")
        if req.title and req.title.strip():
            doc = replace(doc, title=req.title.strip())
        with self._lock:
            extraction = next(pipeline.extract([doc], options, problems.append), None)
            if extraction is None:
                raise HTTPException(500, problems[0].one_line())
            result = store.add(extraction)
        return {
            "document_id": result.document_id,
            "status": result.status,
            "events_added": result.events_added,
            "events_merged": result.events_merged,
            "skipped": extraction.skipped,
        }


def create_app(
    db: str | Store | None = None,
    *,
    write_token: str | None = None,
    host: str | None = None,
    allowed_hosts: tuple[str, ...] = (),
) -> FastAPI:
    """The FastAPI app over `db` (a path, a database URL, an open Store, or ARMSGRAPH_DB).

    Without `write_token` the app is read-only: the upload endpoints answer 403. Requests
    whose Host header names anything but a loopback name (127.0.0.1, localhost, [::1]),
    `host` (the address the server listens on) or one of `allowed_hosts` answer 400: a
    page of another site whose name was rebound to this machine (DNS rebinding) cannot
    read the store through the user's browser.
    """
    store = db if isinstance(db, Store) else Store(db)
    hosts = allowed_host_names(host, allowed_hosts)
    token = write_token or None
    uploader = _Uploader()
    numeric = _numeric_codes()

    env = Environment(
        loader=PackageLoader("armsgraph.serve", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["urlpath"] = lambda s: quote(str(s), safe=":@")
    # `participants | select("actor")`: who acts; `reject("actor")`: the systems and programs.
    env.tests["actor"] = lambda p: is_actor(p["role"], p.get("type"))
    env.globals.update(
        EVENT_TYPES=EVENT_TYPES,
        STATUSES=STATUSES,
        ORDERS=ORDERS,
        safe_url=safe_url,
        STATUS_HELP=STATUS_HELP,
        label=lambda s: (s or "").replace("_", " "),
        writable=token is not None,
    )

    app = FastAPI(
        title="armsgraph",
        summary="Source-cited arms-trade events extracted from defense-industry news.",
        version=_version(),
        docs_url=None,  # Swagger UI loads scripts from a CDN and inline: not under this CSP
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.store = store
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        if host_name(request.headers.get("host", "")) not in hosts:
            response: Response = PlainTextResponse(
                "400 Bad Request: this server answers only requests addressed to "
                + ", ".join(sorted(hosts))
                + " (the Host header names another site; start the server with "
                "--allowed-host NAME to serve under that name)\n",
                status_code=400,
            )
        else:
            response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def render(request: Request, name: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
        html = env.get_template(name).render(request=request, path=request.url.path, **ctx)
        return HTMLResponse(html, status_code=status_code)

    def wants_html(request: Request) -> bool:
        # Pages answer errors as pages, the API and static files as JSON.
        return not request.url.path.startswith(("/api/", "/openapi", "/static/"))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if wants_html(request):
            return render(
                request, "error.html", exc.status_code, status=exc.status_code, message=exc.detail
            )
        return JSONResponse(
            {"detail": exc.detail}, exc.status_code, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        if wants_html(request):
            # One line per bad field, naming the query parameter to fix.
            msg = "; ".join(
                f"{'.'.join(str(x) for x in e['loc'][1:])}: "
                + (
                    "use a date like 2024, 2024-06 or 2024-06-30"
                    if e["type"] == "string_pattern_mismatch"
                    else e["msg"]
                )
                for e in exc.errors()
            )
            return render(request, "error.html", 422, status=422, message=msg)
        return await request_validation_exception_handler(request, exc)

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        msg = exc.one_line()
        if wants_html(request):
            return render(request, "error.html", 503, status=503, message=msg)
        return JSONResponse({"detail": msg}, 503)

    def check_token(given: str | None) -> None:
        if token is None:
            raise HTTPException(
                403,
                f"this server is read-only: start it with --write-token or {WRITE_TOKEN_ENV} to allow uploads",
            )
        if not given or not secrets.compare_digest(given.encode("utf-8"), token.encode("utf-8")):
            raise HTTPException(403, "wrong or missing write token")

    def one(
        fetch: Callable[[Any, str], dict[str, Any] | None], key: str, what: str
    ) -> dict[str, Any]:
        """One stored record by id, or a 404 naming it."""
        with store.connect() as conn:
            found = fetch(conn, key)
        if found is None:
            raise HTTPException(404, f"no {what} {key}")
        return found

    # -- pages ------------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/events", 302)

    @app.get("/types.css", include_in_schema=False)
    def type_colours() -> Response:
        return Response(TYPES_CSS, media_type="text/css")

    @app.get("/events", response_class=HTMLResponse, include_in_schema=False)
    def events_page(
        request: Request,
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

    @app.get("/events/{event_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def event_page(request: Request, event_id: str) -> Response:
        ev = one(queries.event, event_id, "event")
        if ev["id"] != event_id:
            # An id of an event merged into another: the page moved there for good.
            return RedirectResponse(f"/events/{quote(ev['id'], safe=':@')}", 301)
        with store.connect() as conn:
            texts = queries.document_texts(
                conn, sorted({src["document_id"] for src in ev["sources"]})
            )
        for src in ev["sources"]:
            spans = src["evidence"] or [{"start": src["start"], "end": src["end"]}]
            src["paragraphs"] = paragraph_segments(texts.get(src["document_id"], ""), spans)
        actors_ = [p for p in ev["participants"] if is_actor(p["role"], p["type"])]
        objects = [p for p in ev["participants"] if not is_actor(p["role"], p["type"])]
        return render(request, "event.html", ev=ev, actors=actors_, objects=objects)

    @app.get("/actors", response_class=HTMLResponse, include_in_schema=False)
    def actors_page(
        request: Request,
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

    @app.get("/actors/{entity_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def actor_page(request: Request, entity_id: str) -> HTMLResponse:
        a = one(partial(queries.actor, limit=500), entity_id, "actor")
        timeline: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for e in a["events"]:
            when = (e["time"] or {}).get("start") or e["first_seen"] or ""
            e["when"] = when
            timeline[when[:4] or "undated"].append(e)
        years = sorted(timeline.items(), key=lambda kv: (kv[0] == "undated", kv[0]), reverse=False)
        years = [y for y in years if y[0] != "undated"][::-1] + [
            y for y in years if y[0] == "undated"
        ]
        for _, evs in years:
            evs.sort(key=lambda e: e["when"], reverse=True)
        partners = partners_by_type(entity_id, a["events"])
        used_types = [t for t in EVENT_TYPES if any(p["by_type"][t] for p in partners)]
        return render(
            request,
            "actor.html",
            a=a,
            years=years,
            partners=partners,
            used_types=used_types,
            network_qs=urlencode({"actor": entity_id}),
        )

    @app.get("/network", response_class=HTMLResponse, include_in_schema=False)
    def network_page(request: Request, f: FiltersDep) -> HTMLResponse:
        with store.connect() as conn:
            total = queries.count_events(conn, f.event_filters())
        return render(request, "network.html", f=f, total=total, limit=NETWORK_LIMIT)

    @app.get("/map", response_class=HTMLResponse, include_in_schema=False)
    def map_page(request: Request, f: FiltersDep) -> HTMLResponse:
        with store.connect() as conn:
            total = queries.count_events(conn, f.event_filters())
        return render(request, "map.html", f=f, total=total, limit=MAP_LIMIT)

    @app.get("/documents/{document_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, document_id: str) -> HTMLResponse:
        doc = one(queries.document, document_id, "document")
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

    @app.get("/upload", response_class=HTMLResponse, include_in_schema=False)
    def upload_form(request: Request) -> HTMLResponse:
        return render(request, "upload.html", error=None, form={})

    @app.post("/upload", response_class=HTMLResponse, include_in_schema=False)
    def upload(
        request: Request,
        token: Annotated[str, Form(max_length=500)] = "",
        text: Annotated[str, Form(max_length=MAX_UPLOAD_CHARS)] = "",
        url: Annotated[str, Form(max_length=2000)] = "",
        title: Annotated[str, Form(max_length=500)] = "",
        published: Annotated[str, Form(max_length=40)] = "",
    ) -> Response:
        check_token(token)
        form = {"text": text, "url": url, "title": title, "published": published}
        try:
            req = IngestRequest(
                text=text or None, url=url or None, title=title or None, published=published or None
            )
            out = uploader.ingest(store, req.checked())
        except HTTPException as err:
            # Nothing is stored; the form comes back with what to fix.
            detail = err.detail
            if isinstance(detail, list):
                detail = "; ".join(f"{e['loc'][-1]}: {e['msg']}" for e in detail)
            return render(request, "upload.html", err.status_code, error=detail, form=form)
        return RedirectResponse(
            f"/documents/{quote(out['document_id'], safe=':@')}?{urlencode({'uploaded': out['status']})}",
            303,
        )

    # -- JSON API ---------------------------------------------------------------------------

    @app.get("/api/stats", tags=["store"])
    def api_stats() -> dict[str, int]:
        """Row counts of the store: documents, entities, events, sources, facts."""
        with store.connect() as conn:
            return queries.stats(conn)

    @app.get("/api/events", tags=["events"])
    def api_events(
        f: FiltersDep,
        order: Literal["recent", "oldest", "sources", "confidence"] = "recent",
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> dict[str, Any]:
        """Events matching the filters, with participants; `total` counts all matches."""
        ef = f.event_filters(order=order, limit=limit, offset=offset)
        with store.connect() as conn:
            return {"total": queries.count_events(conn, ef), "events": queries.events(conn, ef)}

    @app.get("/api/events/{event_id:path}", tags=["events"], responses=NOT_FOUND)
    def api_event(event_id: str) -> dict[str, Any]:
        """One event with every source, its evidence spans and its status history."""
        return one(queries.event, event_id, "event")

    @app.get("/api/actors", tags=["actors"])
    def api_actors(
        q: Annotated[str | None, Query(max_length=200)] = None,
        type: Annotated[str | None, Query(max_length=200)] = None,
        country: Annotated[str | None, Query(max_length=3)] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 100,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> list[dict[str, Any]]:
        """Entities taking part in events, most active first."""
        with store.connect() as conn:
            return queries.actors(
                conn,
                q=q or None,
                type=type or None,
                country=country or None,
                limit=limit,
                offset=offset,
            )

    @app.get("/api/actors/{entity_id:path}", tags=["actors"], responses=NOT_FOUND)
    def api_actor(entity_id: str) -> dict[str, Any]:
        """One entity with its events, facts and partners."""
        return one(queries.actor, entity_id, "actor")

    @app.get("/api/documents/{document_id:path}", tags=["documents"], responses=NOT_FOUND)
    def api_document(document_id: str) -> dict[str, Any]:
        """One stored document with its text, mentions and event evidence."""
        return one(queries.document, document_id, "document")

    @app.get("/api/network", tags=["graph"])
    def api_network(
        f: FiltersDep,
        limit: Annotated[int, Query(ge=1, le=NETWORK_LIMIT)] = NETWORK_LIMIT,
    ) -> dict[str, Any]:
        """Actors as nodes and events as edges (latest `limit` matching events); each edge
        carries its event's number of sources."""
        ef = f.event_filters(limit=limit)
        with store.connect() as conn:
            net = queries.network(conn, ef)
            n_sources = {e["id"]: e["n_sources"] for e in queries.events(conn, ef)}
        for edge in net["edges"]:
            edge["n_sources"] = n_sources.get(edge["event_id"], 1)
        return net

    @app.get("/api/map", tags=["graph"])
    def api_map(f: FiltersDep) -> dict[str, Any]:
        """Matching events per country (ISO alpha-3, with the ISO numeric code the
        boundary file uses); `truncated` when more events matched than were counted."""
        ef = f.event_filters(limit=MAP_LIMIT)
        with store.connect() as conn:
            total = queries.count_events(conn, ef)
            counts = country_counts(queries.events(conn, ef))
            names = {a["id"]: a["name"] for a in queries.actors(conn, type="country", limit=None)}
        countries = [
            {
                "id": f"country:{code}",
                "iso3": code,
                "numeric": numeric.get(code),
                "name": names.get(f"country:{code}", code),
                "n_events": n,
            }
            for code, n in counts.most_common()
        ]
        return {"total": total, "truncated": total > MAP_LIMIT, "countries": countries}

    @app.post(
        "/api/ingest",
        tags=["store"],
        status_code=201,
        responses={
            400: {
                "model": Problem,
                "description": "Neither or both of text and url, or an unreadable URL",
            },
            403: {
                "model": Problem,
                "description": "Read-only server, or a wrong or missing write token",
            },
        },
    )
    def api_ingest(
        req: IngestRequest,
        x_write_token: Annotated[str | None, Header(max_length=500)] = None,
        authorization: Annotated[str | None, Header(max_length=520)] = None,
    ) -> dict[str, Any]:
        """Ingest one report (text or URL). Needs the write token, in the X-Write-Token
        header or as `Authorization: Bearer TOKEN`; 403 without it."""
        given = x_write_token
        if not given and authorization and authorization.lower().startswith("bearer "):
            given = authorization[7:].strip()
        check_token(given)
        return uploader.ingest(store, req.checked())

    app.include_router(watch_router(store, token))  # /watch: sources, watchlists, Atom feeds
    return app


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("armsgraph")
    except Exception:  # noqa: BLE001 - a source checkout without metadata still serves
        return "0"


__all__ = ["WRITE_TOKEN_ENV", "create_app", "is_loopback", "paragraph_segments", "safe_url"]
