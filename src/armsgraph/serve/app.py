"""The web app: server-rendered pages and a JSON API over one store (FastAPI + Jinja2).

`create_app` only wires the parts together: the store, the templates, the static files,
the Host check and security headers every response carries, the error pages, and the
routers (`routers()`): pages (serve/pages.py), the JSON API (serve/api.py), uploads
(serve/upload.py) and corrections of events (serve/corrections.py), the writes, which
need the write token, and watch (serve/watch.py).
What the pages show and how is serve/present.py. Every response carries a
Content-Security-Policy that allows scripts, styles and data from this origin only, so
page data reaches the JavaScript through JSON endpoints and data- attributes, never
inline script.

    app = create_app("armsgraph.db", write_token="s3cret")
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from armsgraph.errors import StoreError
from armsgraph.serve import api, corrections, downloads, pages, search, upload, watch
from armsgraph.serve.present import paragraph_segments, render, safe_url, templates, wants_html
from armsgraph.serve.upload import WRITE_TOKEN_ENV, Uploader
from armsgraph.store.store import Store

HERE = Path(__file__).parent
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


def routers(store: Store, write_token: str | None) -> list[APIRouter]:
    """The app's routes, in the order they are matched (and listed in /openapi.json)."""
    return [
        pages.router,
        api.router,
        search.router,
        downloads.router,
        upload.router,
        corrections.router,
        watch.router(store, write_token),
    ]


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
    app = FastAPI(
        title="armsgraph",
        summary="Source-cited arms-trade events extracted from defense-industry news.",
        version=_version(),
        docs_url=None,  # Swagger UI loads scripts from a CDN and inline: not under this CSP
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.store = store
    app.state.write_token = token
    app.state.templates = templates(writable=token is not None)
    app.state.uploader = Uploader()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    app.state.hosts = hosts
    app.middleware("http")(security_headers)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, bad_request)
    app.add_exception_handler(StoreError, store_error)
    for router in routers(store, token):
        app.include_router(router)
    return app


# -- what every answer goes through ---------------------------------------------------------


async def security_headers(request: Request, call_next: Any) -> Response:
    """Refuse a request for another host name (DNS rebinding); headers on every answer."""
    hosts = request.app.state.hosts
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


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    """An error as a page for pages, as JSON for the API."""
    if wants_html(request):
        return render(
            request, "error.html", exc.status_code, status=exc.status_code, message=exc.detail
        )
    return JSONResponse(
        {"detail": exc.detail}, exc.status_code, headers=getattr(exc, "headers", None)
    )


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


async def store_error(request: Request, exc: StoreError) -> Response:
    """The database failed (locked, gone): 503 with the one-line reason."""
    msg = exc.one_line()
    if wants_html(request):
        return render(request, "error.html", 503, status=503, message=msg)
    return JSONResponse({"detail": msg}, 503)


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("armsgraph")
    except Exception:  # noqa: BLE001 - a source checkout without metadata still serves
        return "0"


__all__ = [
    "WRITE_TOKEN_ENV",
    "bind_address",
    "create_app",
    "is_loopback",
    "paragraph_segments",
    "safe_url",
]
