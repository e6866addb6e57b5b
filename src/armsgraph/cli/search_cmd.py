"""CLI verbs over the stored texts: search (full text) and documents (the list, filtered)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from armsgraph.cli.app import app
from armsgraph.cli.options import (
    DbOption,
    FormatOption,
    IncludeHiddenOption,
    LimitOption,
    open_store,
)
from armsgraph.cli.output import Format, emit, fail
from armsgraph.errors import ArmsgraphError


class Where(StrEnum):
    all = "all"
    events = "events"
    documents = "documents"


@app.command("search")
def search_cmd(
    query: Annotated[
        str,
        typer.Argument(
            help='Words, "quoted phrases", AND (the default between terms) and OR, e.g. '
            "'\"fighter jets\" Egypt OR Pakistan'."
        ),
    ],
    db: DbOption = None,
    where: Annotated[
        Where,
        typer.Option(
            "--in", help="Search event evidence, document titles and texts, or both (all)."
        ),
    ] = Where.all,
    limit: LimitOption = 20,
    fmt: FormatOption = Format.table,
    include_hidden: IncludeHiddenOption = False,
) -> None:
    """Search the stored reports: events whose evidence matches, then documents whose title
    or text matches, best first; matches are shown [in brackets].

    Example: armsgraph search '"fighter jets" Egypt OR drones' --limit 10
    """
    from armsgraph.store import search

    store = open_store(db)
    rows, full = [], []
    try:
        with store.connect() as conn:
            q = search.parse(query)
            if where is not Where.documents:
                found = search.search_events(
                    conn, q, limit=limit or None, include_hidden=include_hidden
                )
                for h in found["hits"]:
                    full.append({"kind": "event", **h})
                    rows.append(
                        _row("event", h["event_id"], h["published"], h["type"], h["snippet"])
                    )
            if where is not Where.events:
                for h in search.search_documents(conn, q, limit=limit or None)["hits"]:
                    full.append({"kind": "document", **h})
                    rows.append(_row("document", h["id"], h["published"], h["title"], h["snippet"]))
    except ArmsgraphError as err:
        fail(err)
    emit(rows, fmt, title=f"Search results ({len(rows)})", full=full)


def _row(kind: str, id_: str, published: str | None, what: str | None, snippet: list) -> dict:
    from armsgraph.store.search import snippet_text

    return {
        "kind": kind,
        "id": id_,
        "published": published or "",
        "title": what or "",
        "text": snippet_text(snippet),
    }


@app.command("documents")
def documents_cmd(
    db: DbOption = None,
    publisher: Annotated[
        str | None,
        typer.Option("--publisher", help='The web site, as its URL host, e.g. "state.gov".'),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Part of the file path or URL it was read from.")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Published on or after this date (YYYY[-MM[-DD]])."),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Published on or before this date.")
    ] = None,
    limit: LimitOption = 50,
    fmt: FormatOption = Format.table,
) -> None:
    """List the stored documents, latest published first, with how many events each gave.

    Example: armsgraph documents --publisher state.gov --since 2020
    """
    from armsgraph.store.queries import DocumentFilters, documents_list

    store = open_store(db)
    f = DocumentFilters(
        publisher=publisher, source=source, since=since, until=until, limit=limit or None
    )
    try:
        with store.connect() as conn:
            docs = documents_list(conn, f)
    except ArmsgraphError as err:
        fail(err)
    rows = [
        {
            "id": d["id"],
            "published": d["published"] or "",
            "publisher": d["publisher"] or "",
            "title": d["title"] or "",
            "n_events": d["n_events"],
        }
        for d in docs
    ]
    emit(rows, fmt, title=f"Documents ({len(rows)})", full=docs)
