"""Paging of the JSON API: next/previous links as fields and as an RFC 8288 Link header."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response


def page_links(
    request: Request, *, offset: int, limit: int, total: int | None, more: bool | None = None
) -> dict[str, str | None]:
    """The URLs of the next and previous pages of this request (its other parameters kept),
    or None where there is none. `total` (all matches) tells whether a next page exists;
    without it, `more` does."""
    has_next = (offset + limit < total) if total is not None else bool(more)
    nxt = str(request.url.include_query_params(offset=offset + limit)) if has_next else None
    prev = None
    if offset > 0:
        back = max(0, offset - limit)
        prev = str(
            request.url.include_query_params(offset=back)
            if back
            else request.url.remove_query_params("offset")
        )
    return {"next": nxt, "previous": prev}


def set_link_header(response: Response, links: dict[str, str | None]) -> None:
    """Link: <url>; rel="next", <url>; rel="prev" (for clients that page by headers)."""
    parts = [
        f'<{url}>; rel="{"prev" if rel == "previous" else rel}"'
        for rel, url in links.items()
        if url
    ]
    if parts:
        response.headers["Link"] = ", ".join(parts)


def paged(
    request: Request,
    response: Response,
    body: dict[str, Any],
    *,
    offset: int,
    limit: int,
    total: int | None,
    more: bool | None = None,
) -> dict[str, Any]:
    """`body` with limit, offset, next and previous fields, the same links in the Link header."""
    links = page_links(request, offset=offset, limit=limit, total=total, more=more)
    set_link_header(response, links)
    return {**body, "limit": limit, "offset": offset, **links}
