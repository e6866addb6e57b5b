"""CLI verbs of watching: sources add/list/remove, watch add/list/notices/remove/retry/run, poll."""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from armsgraph.cli.app import app
from armsgraph.cli.options import (
    ActorOption,
    DbOption,
    FormatOption,
    SinceOption,
    StatusOption,
    SystemOption,
    TextOption,
    TypeOption,
    UntilOption,
    open_store,
)
from armsgraph.cli.output import Format as OutFormat
from armsgraph.cli.output import emit
from armsgraph.cli.terminal import safe
from armsgraph.errors import ArmsgraphError, StoreError

sources_app = typer.Typer(
    help="Feeds and pages that `armsgraph poll` and `armsgraph watch run` follow.",
    no_args_is_help=True,
)
app.add_typer(sources_app, name="sources")
watch_app = typer.Typer(
    help="Watchlists: saved event filters that tell you when a matching deal appears or changes.",
    no_args_is_help=True,
)
app.add_typer(watch_app, name="watch")

err = Console(stderr=True)


def _say(text: str, *, error: bool = False) -> None:
    """One line, untrusted parts already inside `text` made safe."""
    (err if error else Console()).print(safe(text), markup=False, highlight=False, soft_wrap=True)


def _fail(exc: ArmsgraphError, code: int = 2) -> typer.Exit:
    _say(f"error: {exc.one_line()}", error=True)
    return typer.Exit(code)


def _duration(value: str, flag: str) -> int:
    from armsgraph.watch.clock import parse_duration

    try:
        return parse_duration(value, what=flag)
    except ArmsgraphError as exc:
        raise _fail(exc) from None


def _when(stamp: str | None) -> str:
    """An instant of the watch tables as a table shows it: 2025-06-11 09:00:05 UTC."""
    return f"{stamp[:10]} {stamp[11:19]} UTC" if stamp else ""


def _show(
    rows: list[dict[str, Any]], fmt: OutFormat, *, title: str, full: list[dict[str, Any]]
) -> None:
    """Like store_cmd.emit, but every column of the table may wrap (URLs and errors are long)."""
    if fmt is not OutFormat.table or not rows:
        emit(rows, fmt, title=title, full=full)
        return
    from rich.table import Table

    from armsgraph.cli.terminal import plain

    console = Console() if sys.stdout.isatty() else Console(width=160)
    table = Table(title=plain(title), title_justify="left", expand=True)
    for col in rows[0]:
        long = col in (
            "url",
            "last error",
            "filters",
            "notices to",
            "summary",
            "deliveries",
            "last result",
        )
        table.add_column(col, overflow="fold", ratio=3 if long else 1)
    for r in rows:
        table.add_row(*(plain(v) for v in r.values()))
    console.print(table)


# -- options of the commands that poll and deliver, defined once ----------------------------------

SmtpOption = Annotated[
    str | None,
    typer.Option(
        "--smtp",
        envvar="ARMSGRAPH_SMTP",
        show_envvar=True,
        help="Mail server for watchlists with --email: smtp://host:25, "
        "smtp+starttls://user:password@host:587 or smtps://user:password@host:465, "
        "with ?from=alerts@example.org (and ?cafile=ca.pem for a server with its own CA).",
        show_default=False,
    ),
]
BaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        envvar="ARMSGRAPH_BASE_URL",
        show_envvar=True,
        help="Where `armsgraph serve` is reached, for the links in notices (default http://127.0.0.1:8000).",
        show_default=False,
    ),
]
HostIntervalOption = Annotated[
    str, typer.Option("--host-interval", help="Least time between two requests to one host.")
]
RetryOption = Annotated[
    str,
    typer.Option(
        "--retry-after",
        help="Wait before retrying a failed delivery; doubled at each further failure.",
    ),
]
AttemptsOption = Annotated[
    int,
    typer.Option(
        "--max-attempts", min=1, help="Attempts of a delivery before it is marked failed."
    ),
]
GazetteerOption = Annotated[
    list[Path] | None,
    typer.Option("--gazetteer", "-g", help="Extra gazetteer file (CSV); repeat for several."),
]


def _settings(smtp, base_url, host_interval, retry_after, max_attempts):
    from armsgraph.watch.settings import WatchSettings

    try:
        return WatchSettings.from_env(
            smtp=smtp,
            base_url=base_url,
            host_interval=float(_duration(host_interval, "--host-interval")),
            retry_base=float(_duration(retry_after, "--retry-after")),
            max_attempts=max_attempts,
        )
    except ArmsgraphError as exc:
        raise _fail(exc) from None


def _ingestor(gazetteer: list[Path] | None):
    from armsgraph.watch.poll import Ingestor

    return Ingestor({"gazetteer_files": tuple(str(g) for g in gazetteer)} if gazetteer else {})


# -- sources --------------------------------------------------------------------------------------


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

    seconds = _duration(every, "--every")
    store = open_store(db)
    try:
        s = add_source(store, url, every=seconds)
    except ArmsgraphError as exc:
        raise _fail(exc) from None
    finally:
        store.close()
    _say(f"following {s['url']} ({s['id']}), every {words(s['every'])}")


@sources_app.command("list")
def sources_list(db: DbOption = None, fmt: FormatOption = OutFormat.table) -> None:
    """The sources followed, with their last poll, last error and new entries.

    Example: armsgraph sources list --format json
    """
    from armsgraph.watch.clock import words
    from armsgraph.watch.sources import list_sources

    store = open_store(db)
    try:
        rows = list_sources(store)
    except StoreError as exc:
        raise _fail(exc) from None
    finally:
        store.close()
    full = [{k: v for k, v in r.items() if not k.startswith("lease")} for r in rows]
    table = [
        {
            "url": r["url"],
            "every": words(r["every"]),
            "last poll": _when(r["last_poll_at"]) or "never",
            "last result": r["last_status"] or "",
            "new (last/all)": f"{r['last_new']}/{r['total_new']}",
            "last error": (
                f"{_when(r['last_error_at'])}: {r['last_error']}" if r["last_error"] else ""
            ),
            "next poll": _when(r["next_poll_at"]) or "now",
        }
        for r in rows
    ]
    _show(table, fmt, title=f"Sources ({len(rows)})", full=full)


@sources_app.command("remove")
def sources_remove(
    source: Annotated[str, typer.Argument(help="The URL or id of a source.")],
    db: DbOption = None,
) -> None:
    """Stop following a source; what it brought stays in the store.

    Example: armsgraph sources remove https://example.org/feed.xml
    """
    from armsgraph.watch.sources import remove_source

    store = open_store(db)
    try:
        s = remove_source(store, source)
    except ArmsgraphError as exc:
        raise _fail(exc, 1) from None
    finally:
        store.close()
    _say(f"no longer following {s['url']}")


# -- watchlists --------------------------------------------------------------------------------------


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
        "since": since, "until": until, "text": text,
    }  # fmt: skip
    store = open_store(db)
    try:
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
    except ArmsgraphError as exc:
        raise _fail(exc) from None
    finally:
        store.close()
    channels = _channels(wl["notify"])
    _say(
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

    store = open_store(db)
    try:
        rows = list_watchlists(store)
    except StoreError as exc:
        raise _fail(exc) from None
    finally:
        store.close()
    table = [
        {
            "name": r["name"],
            "filters": _filters_text(r["filters"]),
            "notices to": _channels(r["notify"]),
            "last match": _when(r["last_match_at"]) or "never",
            "notices": r["n_notices"],
            "delivered": r["done"],
            "waiting": r["pending"],
            "failed": r["failed"],
        }
        for r in rows
    ]
    _show(table, fmt, title=f"Watchlists ({len(rows)})", full=rows)


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

    store = open_store(db)
    try:
        if get_watchlist(store, name) is None:
            raise _fail(
                ArmsgraphError("no such watchlist", where=name, hint="see `armsgraph watch list`"),
                1,
            )
        rows = notices(store, name, limit=limit or None)
    except StoreError as exc:
        raise _fail(exc) from None
    finally:
        store.close()
    table = [
        {
            "created": _when(n["created_at"]),
            "summary": n["summary"],
            "deliveries": "; ".join(
                f"{d['channel']} {d['status']}"
                + (f" ({d['last_error']})" if d["last_error"] and d["status"] != "done" else "")
                for d in n["deliveries"]
            ),
        }
        for n in rows
    ]
    _show(
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

    store = open_store(db)
    try:
        remove_watchlist(store, name)
    except ArmsgraphError as exc:
        raise _fail(exc, 1) from None
    finally:
        store.close()
    _say(f"removed watchlist {name}")


@watch_app.command("retry")
def watch_retry(
    name: Annotated[str | None, typer.Argument(help="A watchlist's name (default: all).")] = None,
    db: DbOption = None,
) -> None:
    """Send failed deliveries again at the next poll (after fixing the receiver or --smtp).

    Example: armsgraph watch retry pak-coprod
    """
    from armsgraph.watch.notify import retry_failed

    store = open_store(db)
    try:
        n = retry_failed(store, name)
    except StoreError as exc:
        raise _fail(exc) from None
    finally:
        store.close()
    _say(f"{n} failed deliver{'y' if n == 1 else 'ies'} will be sent again at the next poll")


# -- running ---------------------------------------------------------------------------------------


def _poll_line(result: Any) -> str:
    if result.error:
        return f"error: {result.error}"
    extra = f" ({len(result.skipped)} unreadable: {result.skipped[0]})" if result.skipped else ""
    what = {
        "new": f"{result.new} new entr{'y' if result.new == 1 else 'ies'}",
        "stopped": f"stopped after {result.new} new entries",
    }.get(result.outcome, result.outcome)
    return f"polled {result.url}: {what}{extra}"


def _round_lines(summary: Any) -> list[str]:
    lines = [f"notice: {n['watchlist']}: {n['summary']}" for n in summary.notices]
    lines += [f"delivery: {e}" for e in summary.delivery.errors]
    return lines


@app.command("poll")
def poll_cmd(
    db: DbOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Poll every source now, due or not.")
    ] = False,
    smtp: SmtpOption = None,
    base_url: BaseUrlOption = None,
    host_interval: HostIntervalOption = "10s",
    retry_after: RetryOption = "30s",
    max_attempts: AttemptsOption = 8,
    gazetteer: GazetteerOption = None,
) -> None:
    """Poll, match and deliver once, then exit (for cron and CI).

    Polls the sources that are due, ingests their new entries, matches the watchlists and
    delivers the notices due. Exits 1 when a source or a delivery failed (each named on
    its own line), 2 on a database error.

    Example: */10 * * * * armsgraph poll --db /data/arms.db --smtp smtp+starttls://me:pw@mail.example.org:587
    """
    from armsgraph.watch.runner import run_round

    settings = _settings(smtp, base_url, host_interval, retry_after, max_attempts)
    store = open_store(db)
    stop = threading.Event()
    previous = _on_signals(stop)
    try:
        summary = run_round(
            store,
            settings,
            _ingestor(gazetteer),
            force=force,
            stop=stop,
            on_poll=lambda r: _say(_poll_line(r), error=bool(r.error)),
        )
    except ArmsgraphError as exc:  # the database, or an extractor that cannot load
        raise _fail(exc) from None
    finally:
        _restore(previous)
        store.close()
    for line in _round_lines(summary):
        _say(line)
    d = summary.delivery
    _say(
        f"polled {len(summary.polled)} source(s), {summary.new_entries} new entries, "
        f"{len(summary.notices)} notice(s); delivered {d.done}, waiting {d.retrying}, failed {d.failed}"
    )
    if summary.stopped:
        raise typer.Exit(130)
    if summary.errors or d.failed or d.retrying:
        raise typer.Exit(1)


def _on_signals(stop: threading.Event) -> dict[int, Any]:
    """SIGTERM and SIGINT ask the run to stop after the step it is in."""

    def handle(signum: int, _frame: Any) -> None:
        if not stop.is_set():
            err.print(
                f"{signal.Signals(signum).name}: stopping after the current step…",
                markup=False,
                highlight=False,
            )
        stop.set()

    previous = {}
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous[sig] = signal.signal(sig, handle)
    return previous


def _restore(previous: dict[int, Any]) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)


@watch_app.command("run")
def watch_run(
    db: DbOption = None,
    smtp: SmtpOption = None,
    base_url: BaseUrlOption = None,
    host_interval: HostIntervalOption = "10s",
    retry_after: RetryOption = "30s",
    max_attempts: AttemptsOption = 8,
    gazetteer: GazetteerOption = None,
) -> None:
    """Keep watching: poll each source on its schedule, match, deliver.

    Prints one progress line per round on standard error. Stops cleanly on SIGTERM or
    Ctrl-C (after the document being stored). Runs beside `armsgraph serve` on the same
    database.

    Example: armsgraph watch run --db arms.db --base-url https://arms.example.org
    """
    from armsgraph.watch.runner import run_forever

    settings = _settings(smtp, base_url, host_interval, retry_after, max_attempts)
    store = open_store(db)
    stop = threading.Event()
    previous = _on_signals(stop)
    _say(f"watching {store.name}; SIGTERM or Ctrl-C stops", error=True)

    def on_round(n: int, summary: Any, wake: float) -> None:
        for line in _round_lines(summary):
            _say(line, error=True)
        d = summary.delivery
        when = time.strftime("%Y-%m-%d %H:%M:%S")
        nxt = max(0, round(wake - time.time()))
        _say(
            f"[{when}] round {n}: {len(summary.polled)} polled, {summary.new_entries} new entries, "
            f"{len(summary.notices)} notices, {d.done} delivered, {d.retrying} waiting, "
            f"{d.failed} failed; next round in {nxt}s",
            error=True,
        )
        sys.stderr.flush()

    try:
        rounds = run_forever(
            store,
            settings,
            _ingestor(gazetteer),
            stop=stop,
            on_round=on_round,
            on_poll=lambda r: _say(_poll_line(r), error=True),
        )
    except ArmsgraphError as exc:  # the database, or an extractor that cannot load
        raise _fail(exc) from None
    finally:
        _restore(previous)
        store.close()
    _say(f"stopped after {rounds} round(s)", error=True)
