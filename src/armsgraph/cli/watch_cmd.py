"""CLI verbs that run the watching: poll (one round) and watch run (rounds until stopped).

Importing it registers every watching verb: sources add/list/remove (sources_cmd.py) and
watch add/list/notices/remove/retry (watchlist_cmd.py) come first, in that `--help` order.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from armsgraph.cli import sources_cmd, watchlist_cmd  # noqa: F401  (registers their verbs first)
from armsgraph.cli.app import app
from armsgraph.cli.options import DbOption
from armsgraph.cli.output import fail
from armsgraph.cli.watch_shared import duration, err, opened, say, watch_app
from armsgraph.errors import ArmsgraphError

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
            host_interval=float(duration(host_interval, "--host-interval")),
            retry_base=float(duration(retry_after, "--retry-after")),
            max_attempts=max_attempts,
        )
    except ArmsgraphError as exc:
        fail(exc)


def _ingestor(gazetteer: list[Path] | None):
    from armsgraph.watch.poll import Ingestor

    return Ingestor({"gazetteer_files": tuple(str(g) for g in gazetteer)} if gazetteer else {})


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


@contextmanager
def _stopping() -> Iterator[threading.Event]:
    """An event that SIGTERM and SIGINT set, asking the run to stop after the step it is in;
    the previous handlers are back at the end."""
    stop = threading.Event()

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
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


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
    # ArmsgraphError: the database, or an extractor that cannot load
    with opened(db) as store, _stopping() as stop:
        summary = run_round(
            store,
            settings,
            _ingestor(gazetteer),
            force=force,
            stop=stop,
            on_poll=lambda r: say(_poll_line(r), error=bool(r.error)),
        )
    for line in _round_lines(summary):
        say(line)
    d = summary.delivery
    say(
        f"polled {len(summary.polled)} source(s), {summary.new_entries} new entries, "
        f"{len(summary.notices)} notice(s); delivered {d.done}, waiting {d.retrying}, failed {d.failed}"
    )
    if summary.stopped:
        raise typer.Exit(130)
    if summary.errors or d.failed or d.retrying:
        raise typer.Exit(1)


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

    def on_round(n: int, summary: Any, wake: float) -> None:
        for line in _round_lines(summary):
            say(line, error=True)
        d = summary.delivery
        when = time.strftime("%Y-%m-%d %H:%M:%S")
        nxt = max(0, round(wake - time.time()))
        say(
            f"[{when}] round {n}: {len(summary.polled)} polled, {summary.new_entries} new entries, "
            f"{len(summary.notices)} notices, {d.done} delivered, {d.retrying} waiting, "
            f"{d.failed} failed; next round in {nxt}s",
            error=True,
        )
        sys.stderr.flush()

    # ArmsgraphError: the database, or an extractor that cannot load
    with opened(db) as store, _stopping() as stop:
        say(f"watching {store.name}; SIGTERM or Ctrl-C stops", error=True)
        rounds = run_forever(
            store,
            settings,
            _ingestor(gazetteer),
            stop=stop,
            on_round=on_round,
            on_poll=lambda r: say(_poll_line(r), error=True),
        )
    say(f"stopped after {rounds} round(s)", error=True)
