"""The web app's watch pages: sources and watchlists (/watch), a watchlist (/watch/NAME), its Atom feed.

An APIRouter over the store, included by create_app. Editing watchlists (create, change
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
from jinja2 import Environment, PackageLoader, select_autoescape

from armsgraph.errors import ArmsgraphError
from armsgraph.model import EVENT_TYPES, STATUSES
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
FILTER_FORM = Annotated[str, Form(max_length=400)]


def router(store: Store, write_token: str | None = None) -> APIRouter:
    """The watch pages over `store`; edits need `write_token` (none: read-only)."""
    r = APIRouter()
    env = Environment(
        loader=PackageLoader("armsgraph.serve", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["urlpath"] = lambda s: quote(str(s), safe=":@")
    env.globals.update(
        EVENT_TYPES=EVENT_TYPES,
        STATUSES=STATUSES,
        FILTER_KEYS=FILTER_KEYS,
        writable=write_token is not None,
        words=words,
        label=lambda s: (s or "").replace("_", " "),
    )

    def render(request: Request, name: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
        html = env.get_template(name).render(request=request, path=request.url.path, **ctx)
        return HTMLResponse(html, status_code=status_code)

    def check_token(given: str) -> None:
        if write_token is None:
            raise HTTPException(
                403,
                "this server is read-only: start it with --write-token or "
                "ARMSGRAPH_WRITE_TOKEN to edit watchlists",
            )
        if not given or not secrets.compare_digest(
            given.encode("utf-8"), write_token.encode("utf-8")
        ):
            raise HTTPException(403, "wrong or missing write token")

    def overview(request: Request, status_code: int = 200, **ctx: Any) -> HTMLResponse:
        return render(
            request,
            "watch.html",
            status_code,
            sources=list_sources(store),
            watchlists=list_watchlists(store),
            error=ctx.pop("error", None),
            form=ctx.pop("form", {}),
        )

    @r.get("/watch", response_class=HTMLResponse, include_in_schema=False)
    def watch_page(request: Request) -> HTMLResponse:
        return overview(request)

    @r.post("/watch", response_class=HTMLResponse, include_in_schema=False)
    def create(
        request: Request,
        token: Annotated[str, Form(max_length=500)] = "",
        name: Annotated[str, Form(max_length=100)] = "",
        actor: FILTER_FORM = "",
        type: FILTER_FORM = "",
        status: FILTER_FORM = "",
        system: FILTER_FORM = "",
        since: FILTER_FORM = "",
        until: FILTER_FORM = "",
        text: FILTER_FORM = "",
    ) -> Response:
        check_token(token)
        filters = {
            "actor": actor, "type": type, "status": status, "system": system,
            "since": since, "until": until, "text": text,
        }  # fmt: skip
        try:
            wl = save_watchlist(store, name, filters)
        except ArmsgraphError as err:
            return overview(request, 422, error=err.one_line(), form={"name": name, **filters})
        return RedirectResponse(f"/watch/{quote(wl['name'])}?saved=1", 303)

    @r.get("/watch/{name}.atom", include_in_schema=False)
    def feed(request: Request, name: str) -> Response:
        wl = get_watchlist(store, name)
        if wl is None:
            raise HTTPException(404, f"no watchlist {name}")
        base = str(request.base_url).rstrip("/")
        xml = atom_feed(wl, notices(store, name, limit=FEED_SIZE), base)
        return Response(xml, media_type="application/atom+xml; charset=utf-8")

    @r.get("/watch/{name}", response_class=HTMLResponse, include_in_schema=False)
    def watchlist_page(request: Request, name: str, saved: int = 0) -> HTMLResponse:
        wl = get_watchlist(store, name)
        if wl is None:
            raise HTTPException(404, f"no watchlist {name}")
        return render(
            request,
            "watchlist.html",
            wl=wl,
            notices=notices(store, name, limit=FEED_SIZE),
            form=wl["filters"],
            error=None,
            saved=bool(saved),
        )

    @r.post("/watch/{name}", response_class=HTMLResponse, include_in_schema=False)
    def edit(
        request: Request,
        name: str,
        token: Annotated[str, Form(max_length=500)] = "",
        actor: FILTER_FORM = "",
        type: FILTER_FORM = "",
        status: FILTER_FORM = "",
        system: FILTER_FORM = "",
        since: FILTER_FORM = "",
        until: FILTER_FORM = "",
        text: FILTER_FORM = "",
    ) -> Response:
        check_token(token)
        wl = get_watchlist(store, name)
        if wl is None:
            raise HTTPException(404, f"no watchlist {name}")
        filters = {
            "actor": actor, "type": type, "status": status, "system": system,
            "since": since, "until": until, "text": text,
        }  # fmt: skip
        try:
            save_watchlist(store, name, filters, replace=True, keep_notify=True)
        except ArmsgraphError as err:
            return render(
                request,
                "watchlist.html",
                422,
                wl=wl,
                notices=notices(store, name, limit=FEED_SIZE),
                form=filters,
                error=err.one_line(),
                saved=False,
            )
        return RedirectResponse(f"/watch/{quote(name)}?saved=1", 303)

    @r.post("/watch/{name}/delete", include_in_schema=False)
    def delete(name: str, token: Annotated[str, Form(max_length=500)] = "") -> Response:
        check_token(token)
        try:
            remove_watchlist(store, name)
        except ArmsgraphError as err:
            raise HTTPException(404, err.one_line()) from err
        return RedirectResponse("/watch", 303)

    @r.get("/api/watch", tags=["watch"])
    def api_watch() -> dict[str, Any]:
        """The sources followed (last poll, last error, new entries) and the watchlists
        (filters, channels, last match, deliveries done, waiting and failed)."""
        sources = [
            {k: v for k, v in s.items() if not k.startswith("lease")} for s in list_sources(store)
        ]
        lists = []
        for wl in list_watchlists(store):
            notify = wl["notify"]
            # Where notices go is shown by kind only: addresses and paths stay private.
            wl["notify"] = sorted(k for k, v in notify.items() if v)
            lists.append(wl)
        return {"sources": sources, "watchlists": lists}

    return r
