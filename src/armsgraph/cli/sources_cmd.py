"""CLI verbs of the sources followed: sources add/list/remove."""

from __future__ import annotations

from typing import Annotated

import typer

from armsgraph.cli.options import DbOption, FormatOption
from armsgraph.cli.output import Format as OutFormat
from armsgraph.cli.watch_shared import duration, opened, say, show, sources_app, when
from armsgraph.errors import StoreError


@sources_app.command("add")
def sources_add(
    url: Annotated[str, typer.Argument(help="An RSS or Atom feed, or a page, by its http(s) URL.")],
    every: Annotated[
        str, typer.Option("--every", help="How often to poll it (e.g. 15m, 2h, 1d).")
    ] = "30m",
    db: DbOption = None,
) -> None:
    """Follow a feed or page, polled on its schedule.

    `armsgraph poll` and `watch run` fetch it with conditional requests and ingest the
    entries not seen before. A URL already followed takes the new schedule.

    Example: armsgraph sources add https://www.defensenews.com/arc/outboundfeeds/rss/ --every 30m
    """
    from armsgraph.watch.clock import words
    from armsgraph.watch.sources import add_source

    seconds = duration(every, "--every")
    with opened(db) as store:
        s = add_source(store, url, every=seconds)
    say(f"following {s['url']} ({s['id']}), every {words(s['every'])}")


@sources_app.command("list")
def sources_list(db: DbOption = None, fmt: FormatOption = OutFormat.table) -> None:
    """The sources followed, with their last poll, last error and new entries.

    Example: armsgraph sources list --format json
    """
    from armsgraph.watch.clock import words
    from armsgraph.watch.sources import list_sources

    with opened(db, StoreError) as store:
        rows = list_sources(store)
    full = [{k: v for k, v in r.items() if not k.startswith("lease")} for r in rows]
    table = [
        {
            "url": r["url"],
            "every": words(r["every"]),
            "last poll": when(r["last_poll_at"]) or "never",
            "last result": r["last_status"] or "",
            "new (last/all)": f"{r['last_new']}/{r['total_new']}",
            "last error": (
                f"{when(r['last_error_at'])}: {r['last_error']}" if r["last_error"] else ""
            ),
            "next poll": when(r["next_poll_at"]) or "now",
        }
        for r in rows
    ]
    show(table, fmt, title=f"Sources ({len(rows)})", full=full)


@sources_app.command("remove")
def sources_remove(
    source: Annotated[str, typer.Argument(help="The URL or id of a source.")],
    db: DbOption = None,
) -> None:
    """Stop following a source; what it brought stays in the store.

    Example: armsgraph sources remove https://example.org/feed.xml
    """
    from armsgraph.watch.sources import remove_source

    with opened(db, code=1) as store:
        s = remove_source(store, source)
    say(f"no longer following {s['url']}")
