"""The web app's watch pages: sources and watchlists (/watch), a watchlist (/watch/NAME), its Atom feed.

`router(store, write_token)` gives the APIRouter that create_app includes. Each view is a
method of `WatchViews`, wired in one list (`ROUTES`). Editing watchlists (create, change
filters, delete) needs the write token, as uploads do; notification channels (webhook,
e-mail, files) are set with the CLI only, so that the token does not let a browser point
the server at any address or file.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment

from armsgraph.errors import ArmsgraphError
from armsgraph.serve.present import templates
from armsgraph.store.store import Store
from armsgraph.watch.clock import words
from armsgraph.watch.notify import atom_feed
from armsgraph.watch.sources import list_sources
from armsgraph.watch.watchlists import (
    FILTER_KEYS,
    get_watchlist,
    list_watchlists,
    notices,
    remove_watchlist,
    save_watchlist,
)

FEED_SIZE = 50  # notices in a watchlist's Atom feed and on its page
FilterField = Annotated[str, Form(max_length=400)]
TokenField = Annotated[str, Form(max_length=500)]


def _environment(writable: bool) -> Environment:
    """The pages' environment (present.templates) with what the watch templates add."""
    env = templates(writable)
    env.globals.update(FILTER_KEYS=FILTER_KEYS, words=words)
    return env


def _filters(**values: str) -> dict[str, str]:
    return {k: values[k] for k in FILTER_KEYS}


class WatchViews:
    """The watch pages over one store; edits need the write token (None: read-only)."""

    def __init__(self, store: Store, write_token: str | None = None):
        self.store = store
        self.token = write_token
        self.env = _environment(write_token is not None)

    # -- helpers ---------------------------------------------------------------------------

    def render(
        self, request: Request, name: str, status_code: int = 200, **ctx: Any
    ) -> HTMLResponse:
        html = self.env.get_template(name).render(request=request, path=request.url.path, **ctx)
        return HTMLResponse(html, status_code=status_code)

    def check_token(self, given: str) -> None:
        if self.token is None:
            raise HTTPException(
                403,
                "this server is read-only: start it with --write-token or "
                "ARMSGRAPH_WRITE_TOKEN to edit watchlists",
            )
        if not given or not secrets.compare_digest(
            given.encode("utf-8"), self.token.encode("utf-8")
        ):
            raise HTTPException(403, "wrong or missing write token")

    def watchlist(self, name: str) -> dict[str, Any]:
        wl = get_watchlist(self.store, name)
        if wl is None:
            raise HTTPException(404, f"no watchlist {name}")
        return wl

    def overview(self, request: Request, status_code: int = 200, error: str | None = None,
                 form: dict[str, str] | None = None) -> HTMLResponse:  # fmt: skip
        return self.render(
            request,
            "watch.html",
            status_code,
            sources=list_sources(self.store),
            watchlists=list_watchlists(self.store),
            error=error,
            form=form or {},
        )

    def watchlist_view(self, request: Request, wl: dict[str, Any], status_code: int = 200,
                       form: dict[str, str] | None = None, error: str | None = None,
                       saved: bool = False) -> HTMLResponse:  # fmt: skip
        return self.render(
            request,
            "watchlist.html",
            status_code,
            wl=wl,
            notices=notices(self.store, wl["name"], limit=FEED_SIZE),
            form=wl["filters"] if form is None else form,
            error=error,
            saved=saved,
        )

    # -- views -----------------------------------------------------------------------------

    def watch_page(self, request: Request) -> HTMLResponse:
        return self.overview(request)

    def create(self, request: Request, token: TokenField = "",
               name: Annotated[str, Form(max_length=100)] = "", actor: FilterField = "",
               type: FilterField = "", status: FilterField = "", system: FilterField = "",
               since: FilterField = "", until: FilterField = "", dates: FilterField = "",
               text: FilterField = "") -> Response:  # fmt: skip
        self.check_token(token)
        filters = _filters(actor=actor, type=type, status=status, system=system, since=since,
                           until=until, dates=dates, text=text)  # fmt: skip
        try:
            wl = save_watchlist(self.store, name, filters)
        except ArmsgraphError as err:
            return self.overview(request, 422, error=err.one_line(), form={"name": name, **filters})
        return RedirectResponse(f"/watch/{quote(wl['name'])}?saved=1", 303)

    def feed(self, request: Request, name: str) -> Response:
        wl = self.watchlist(name)
        base = str(request.base_url).rstrip("/")
        xml = atom_feed(wl, notices(self.store, name, limit=FEED_SIZE), base)
        return Response(xml, media_type="application/atom+xml; charset=utf-8")

    def watchlist_page(self, request: Request, name: str, saved: int = 0) -> HTMLResponse:
        return self.watchlist_view(request, self.watchlist(name), saved=bool(saved))

    def edit(self, request: Request, name: str, token: TokenField = "", actor: FilterField = "",
             type: FilterField = "", status: FilterField = "", system: FilterField = "",
             since: FilterField = "", until: FilterField = "", dates: FilterField = "",
               text: FilterField = "") -> Response:  # fmt: skip
        self.check_token(token)
        wl = self.watchlist(name)
        filters = _filters(actor=actor, type=type, status=status, system=system, since=since,
                           until=until, dates=dates, text=text)  # fmt: skip
        try:
            save_watchlist(self.store, name, filters, replace=True, keep_notify=True)
        except ArmsgraphError as err:
            return self.watchlist_view(request, wl, 422, form=filters, error=err.one_line())
        return RedirectResponse(f"/watch/{quote(name)}?saved=1", 303)

    def delete(self, name: str, token: TokenField = "") -> Response:
        self.check_token(token)
        try:
            remove_watchlist(self.store, name)
        except ArmsgraphError as err:
            raise HTTPException(404, err.one_line()) from err
        return RedirectResponse("/watch", 303)

    def api_watch(self) -> dict[str, Any]:
        """The sources followed (last poll, last error, new entries) and the watchlists
        (filters, channels, last match, deliveries done, waiting and failed)."""
        sources = [
            {k: v for k, v in s.items() if not k.startswith("lease")}
            for s in list_sources(self.store)
        ]
        lists = []
        for wl in list_watchlists(self.store):
            # Where notices go is shown by kind only: addresses and paths stay private.
            wl["notify"] = sorted(k for k, v in wl["notify"].items() if v)
            lists.append(wl)
        return {"sources": sources, "watchlists": lists}


# (method, path, view, response class); the feed before the page, whose name it would match.
ROUTES: list[tuple[str, str, str, type[Response] | None]] = [
    ("GET", "/watch", "watch_page", HTMLResponse),
    ("POST", "/watch", "create", HTMLResponse),
    ("GET", "/watch/{name}.atom", "feed", None),
    ("GET", "/watch/{name}", "watchlist_page", HTMLResponse),
    ("POST", "/watch/{name}", "edit", HTMLResponse),
    ("POST", "/watch/{name}/delete", "delete", None),
]


def router(store: Store, write_token: str | None = None) -> APIRouter:
    """The watch pages over `store`, and GET /api/watch; edits need `write_token`."""
    views = WatchViews(store, write_token)
    r = APIRouter()
    for method, path, name, response_class in ROUTES:
        extra = {"response_class": response_class} if response_class else {}
        r.add_api_route(
            path, getattr(views, name), methods=[method], include_in_schema=False, **extra
        )
    r.add_api_route("/api/watch", views.api_watch, methods=["GET"], tags=["watch"])
    return r
