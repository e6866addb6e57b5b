"""CLI verbs of the watchlists: watch add/list/notices/remove/retry."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from armsgraph.cli.options import (
    ActorOption,
    Dates,
    DatesOption,
    DbOption,
    FormatOption,
    SinceOption,
    StatusOption,
    SystemOption,
    TextOption,
    TypeOption,
    UntilOption,
)
from armsgraph.cli.output import Format as OutFormat
from armsgraph.cli.output import fail
from armsgraph.cli.watch_shared import opened, say, show, watch_app, when
from armsgraph.errors import ArmsgraphError, StoreError


@watch_app.command("add")
def watch_add(
    name: Annotated[
        str, typer.Argument(help="A name (letters, digits, - _ .): the feed is /watch/NAME.atom.")
    ],
    db: DbOption = None,
    actor: ActorOption = None,
    type: TypeOption = None,
    status: StatusOption = None,
    system: SystemOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    dates: DatesOption = Dates.event,
    text: TextOption = None,
    webhook: Annotated[
        str | None, typer.Option("--webhook", help="POST each notice as JSON to this URL.")
    ] = None,
    secret: Annotated[
        str | None,
        typer.Option(
            "--secret",
            envvar="ARMSGRAPH_WEBHOOK_SECRET",
            help="Key of the HMAC-SHA256 signature of webhook requests (X-Armsgraph-Signature).",
            show_default=False,
        ),
    ] = None,
    email: Annotated[
        list[str] | None,
        typer.Option("--email", help="Send each notice to this address; repeatable."),
    ] = None,
    jsonl: Annotated[
        str | None, typer.Option("--jsonl", help="Append each notice as one line to this file.")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Change the watchlist of this name.")
    ] = False,
) -> None:
    """Save a watchlist: the filters of `armsgraph events`, and where its notices go.

    The events it matches now count as known; it tells of new events and changes from
    now on (a new status, a new source, a new quantity or value). Every watchlist also
    has an Atom feed in the web app, /watch/NAME.atom.

    Example: armsgraph watch add pak-coprod --actor Pakistan --type co_production --webhook https://hooks.example.org/arms --secret "$SECRET"
    """
    from armsgraph.watch.watchlists import save_watchlist

    filters = {
        "actor": actor, "type": type, "status": status, "system": system,
        "since": since, "until": until, "dates": dates.value, "text": text,
    }  # fmt: skip
    with opened(db) as store:
        wl = save_watchlist(
            store,
            name,
            filters,
            webhook=webhook,
            secret=secret,
            email=email or (),
            jsonl=jsonl,
            replace=replace,
        )
    channels = _channels(wl["notify"])
    say(
        f"watchlist {wl['name']}: {_filters_text(wl['filters'])}; {wl['matching']} event(s) match "
        f"now (known: you will hear of changes to them and of new ones); notices to {channels}"
    )


def _filters_text(filters: dict[str, str]) -> str:
    return " ".join(f"--{k} {json.dumps(v)}" for k, v in sorted(filters.items())) or "every event"


def _channels(notify: dict[str, Any]) -> str:
    out = ["the Atom feed"]
    if notify.get("webhook"):
        out.append(f"webhook {notify['webhook']}")
    out += [f"e-mail {a}" for a in notify.get("email") or []]
    if notify.get("jsonl"):
        out.append(f"file {notify['jsonl']}")
    return ", ".join(out)


@watch_app.command("list")
def watch_list(db: DbOption = None, fmt: FormatOption = OutFormat.table) -> None:
    """The watchlists, their filters, channels, last match and deliveries.

    Deliveries are counted done, waiting (to be retried) and failed.

    Example: armsgraph watch list
    """
    from armsgraph.watch.watchlists import list_watchlists

    with opened(db, StoreError) as store:
        rows = list_watchlists(store)
    table = [
        {
            "name": r["name"],
            "filters": _filters_text(r["filters"]),
            "notices to": _channels(r["notify"]),
            "last match": when(r["last_match_at"]) or "never",
            "notices": r["n_notices"],
            "delivered": r["done"],
            "waiting": r["pending"],
            "failed": r["failed"],
        }
        for r in rows
    ]
    show(table, fmt, title=f"Watchlists ({len(rows)})", full=rows)


@watch_app.command("notices")
def watch_notices(
    name: Annotated[str, typer.Argument(help="A watchlist's name.")],
    db: DbOption = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many (0: all).")] = 20,
    fmt: FormatOption = OutFormat.table,
) -> None:
    """A watchlist's latest notices, newest first, with how each delivery went.

    Example: armsgraph watch notices pak-coprod --format json
    """
    from armsgraph.watch.watchlists import get_watchlist, notices

    with opened(db, StoreError) as store:
        if get_watchlist(store, name) is None:
            fail(
                ArmsgraphError("no such watchlist", where=name, hint="see `armsgraph watch list`"),
                1,
            )
        rows = notices(store, name, limit=limit or None)
    table = [
        {
            "created": when(n["created_at"]),
            "summary": n["summary"],
            "deliveries": "; ".join(
                f"{d['channel']} {d['status']}"
                + (f" ({d['last_error']})" if d["last_error"] and d["status"] != "done" else "")
                for d in n["deliveries"]
            ),
        }
        for n in rows
    ]
    show(
        table,
        fmt,
        title=f"Notices of {name} ({len(rows)})",
        full=[n["payload"] | {"deliveries": n["deliveries"]} for n in rows],
    )


@watch_app.command("remove")
def watch_remove(
    name: Annotated[str, typer.Argument(help="A watchlist's name.")], db: DbOption = None
) -> None:
    """Delete a watchlist with its notices (deliveries not yet made are dropped).

    Example: armsgraph watch remove pak-coprod
    """
    from armsgraph.watch.watchlists import remove_watchlist

    with opened(db, code=1) as store:
        remove_watchlist(store, name)
    say(f"removed watchlist {name}")


@watch_app.command("retry")
def watch_retry(
    name: Annotated[str | None, typer.Argument(help="A watchlist's name (default: all).")] = None,
    db: DbOption = None,
) -> None:
    """Send failed deliveries again at the next poll (after fixing the receiver or --smtp).

    Example: armsgraph watch retry pak-coprod
    """
    from armsgraph.watch.notify import retry_failed

    with opened(db, StoreError) as store:
        n = retry_failed(store, name)
    say(f"{n} failed deliver{'y' if n == 1 else 'ies'} will be sent again at the next poll")
