"""CLI verb `ingest`: reports through the pipeline into the store, with a progress bar and a summary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from armsgraph.cli.app import app
from armsgraph.cli.options import (
    DbOption,
    GazetteerOption,
    MaxSizeOption,
    PublishedOption,
    gazetteer_files,
    max_size_bytes,
    open_store,
    published_date,
)
from armsgraph.cli.output import fail, say
from armsgraph.cli.terminal import safe
from armsgraph.errors import StoreError


def _print_summary(summary: Any, console: Console) -> None:
    table = Table(title="Ingest summary", title_justify="left", show_header=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    rate = summary.documents / summary.seconds if summary.seconds > 0 else 0.0
    for label, value in (
        ("new documents", summary.new),
        ("unchanged (already stored)", summary.unchanged),
        ("updated (new publication date)", summary.updated),
        ("skipped", len(summary.skipped)),
        ("events added", summary.events_added),
        ("reports merged into known events", summary.events_merged),
        ("facts", summary.facts),
        ("documents/s", f"{rate:.1f}"),
    ):
        table.add_row(label, str(value))
    console.print(table)
    if summary.skipped:
        # One line per bad input, never folded, so it can be grepped and acted on.
        console.print(f"Skipped inputs ({len(summary.skipped)}):", markup=False)
        for where, reason in summary.skipped:
            line = f"skipped: {where}: {reason}" if where else f"skipped: {reason}"
            console.print(safe(line), markup=False, highlight=False, soft_wrap=True)
    if summary.not_extracted:
        console.print(
            safe(
                f"{len(summary.not_extracted)} document(s) stored without extraction: "
                + "; ".join(sorted({r for _, r in summary.not_extracted}))
            ),
            markup=False,
            highlight=False,
        )


def run_ingest(
    db: str | None,
    sources: list[str],
    *,
    published: str | None = None,
    workers: int = 1,
    fetch_links: bool = False,
    gazetteer: list[Path] | None = None,
    console: Console | None = None,
    max_bytes: int | None = None,
) -> Any:
    """Ingest with a progress bar and print the summary; returns the IngestSummary.
    Ctrl-C prints what was stored and exits 130."""
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from armsgraph.pipeline import DEFAULT_MAX_BYTES, Options
    from armsgraph.store.ingest import IngestInterrupted, ingest

    published = published_date(published)  # a bad date stops here: nothing is stored
    console = console or Console(stderr=True)
    store = open_store(db)
    options = Options(
        published=published,
        fetch_links=fetch_links,
        workers=workers,
        max_bytes=max_bytes or DEFAULT_MAX_BYTES,
        gazetteer_files=gazetteer_files(gazetteer),
    )
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]ingesting"),
        BarColumn(bar_width=None),
        TextColumn("{task.completed} documents"),
        TextColumn("{task.fields[rate]:.1f} docs/s"),
        TextColumn("{task.fields[skipped]} skipped"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("ingest", total=None, rate=0.0, skipped=0)

        def progress(summary: Any) -> None:
            done = summary.documents + len(summary.skipped)
            bar.update(
                task,
                completed=done,
                rate=summary.documents / max(summary.seconds, 1e-6),
                skipped=len(summary.skipped),
            )

        try:
            summary = ingest(store, sources, options, progress=progress)
        except StoreError as err:
            bar.stop()
            fail(err)
        except IngestInterrupted as stop:
            bar.stop()
            summary = stop.summary
        finally:
            store.close()
    _print_summary(summary, Console())
    if summary.interrupted:
        stored = summary.new + summary.updated
        say(
            f"interrupted: {stored} document(s) stored in this run ({summary.new} new, "
            f"{summary.updated} updated, {summary.unchanged} already stored, "
            f"{len(summary.skipped)} skipped), each one whole; "
            "re-run the same command to store the rest"
        )
        raise typer.Exit(130)
    return summary


@app.command("ingest")
def ingest_cmd(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="Files, directories, JSON Lines corpora, feeds, WARC files or http(s) URLs."
        ),
    ],
    db: DbOption = None,
    published: PublishedOption = None,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Extract in this many processes.")
    ] = 1,
    fetch_links: Annotated[
        bool, typer.Option("--fetch-links", help="For feeds: read the page each entry links to.")
    ] = False,
    gazetteer: GazetteerOption = None,
    max_size: MaxSizeOption = "50MB",
) -> None:
    """Read reports, extract their events and store them (re-running skips what is stored).

    Exits 1 if any input was skipped (the reasons are listed), 2 on a database error or
    a --published date that cannot be read, 130 when interrupted (what was stored stays).
    A stored report given again with another --published takes the new date.

    Example: armsgraph ingest reports/ feed.xml https://example.org/news.html --db arms.db --workers 2
    """
    summary = run_ingest(
        db,
        sources,
        published=published,
        workers=workers,
        fetch_links=fetch_links,
        gazetteer=gazetteer,
        max_bytes=max_size_bytes(max_size),
    )
    if summary.skipped:
        raise typer.Exit(1)
