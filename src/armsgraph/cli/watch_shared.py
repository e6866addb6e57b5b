"""What the watching verbs share: their two groups, one-line messages, tables, and the store
each opens (errors as one line on stderr and an exit code)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console

from armsgraph.cli.app import app
from armsgraph.cli.options import open_store
from armsgraph.cli.output import Format as OutFormat
from armsgraph.cli.output import emit, fail
from armsgraph.cli.terminal import safe
from armsgraph.errors import ArmsgraphError

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


def say(text: str, *, error: bool = False) -> None:
    """One line, untrusted parts already inside `text` made safe."""
    (err if error else Console()).print(safe(text), markup=False, highlight=False, soft_wrap=True)


@contextmanager
def opened(
    db: str | None, catch: type[ArmsgraphError] = ArmsgraphError, code: int = 2
) -> Iterator[Any]:
    """The store of --db, closed at the end; an error of the kind `catch` raised inside ends
    the command: its line on stderr, exit `code`."""
    store = open_store(db)
    try:
        yield store
    except catch as exc:
        fail(exc, code)
    finally:
        store.close()


def duration(value: str, flag: str) -> int:
    from armsgraph.watch.clock import parse_duration

    try:
        return parse_duration(value, what=flag)
    except ArmsgraphError as exc:
        fail(exc)


def when(stamp: str | None) -> str:
    """An instant of the watch tables as a table shows it: 2025-06-11 09:00:05 UTC."""
    return f"{stamp[:10]} {stamp[11:19]} UTC" if stamp else ""


def show(
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
