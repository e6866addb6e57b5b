"""CLI verbs over the database: ingest, events, actors, show, export, rebuild, demo."""

from __future__ import annotations

import csv
import io
import re
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from armsgraph.cli.app import app
from armsgraph.cli.terminal import json_text, plain, safe
from armsgraph.errors import ArmsgraphError, InputError, StoreError
from armsgraph.model import EVENT_TYPES, STATUSES
from armsgraph.ontology import is_actor

# -- options defined once, reused by every command ----------------------------------------

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="ARMSGRAPH_DB",
        help="SQLite file or PostgreSQL URL (postgresql://user@host/db). Default: ./armsgraph.db.",
        show_default=False,
    ),
]


class OutFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


FormatOption = Annotated[
    OutFormat,
    typer.Option(
        "--format", "-f", help="table for reading, csv or json (one object per line) for tools."
    ),
]
ActorOption = Annotated[
    str | None,
    typer.Option("--actor", help='Entity id or name, e.g. "Egypt", "country:EGY", "Baykar".'),
]
TypeOption = Annotated[
    str | None,
    typer.Option("--type", help=f"Event type(s), comma-separated: {', '.join(EVENT_TYPES)}."),
]
StatusOption = Annotated[
    str | None,
    typer.Option("--status", help=f"Current status(es), comma-separated: {', '.join(STATUSES)}."),
]
SystemOption = Annotated[
    str | None, typer.Option("--system", help='Part of a system or program name, e.g. "F-16".')
]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="Reported on or after this date (YYYY[-MM[-DD]]).")
]
UntilOption = Annotated[
    str | None, typer.Option("--until", help="First reported on or before this date.")
]
TextOption = Annotated[
    str | None, typer.Option("--text", help="Words in a source sentence or a system name.")
]
LimitOption = Annotated[int, typer.Option("--limit", help="At most this many rows (0: all).")]

err_console = Console(stderr=True)


def _fail(err: ArmsgraphError, code: int = 2) -> typer.Exit:
    err_console.print(
        f"error: {safe(err.one_line())}", markup=False, highlight=False, soft_wrap=True
    )
    return typer.Exit(code)


def parse_size(value: str) -> int:
    """A size given as 50MB, 1.5 GB, 800k or a number of bytes → bytes; ValueError if not."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?)b?\s*", value.lower())
    if not m:
        raise ValueError(value)
    n = float(m[1]) * {"": 1, "k": 1e3, "m": 1e6, "g": 1e9}[m[2]]
    if n < 1:
        raise ValueError(value)
    return int(n)


MaxSizeOption = Annotated[
    str,
    typer.Option(
        "--max-size",
        help="Largest document read: a file, a JSON Lines line, a WARC record (e.g. 50MB, 200MB, 1GB).",
    ),
]


def max_size_bytes(value: str) -> int:
    """--max-size in bytes, or exit 2 naming the value."""
    try:
        return parse_size(value)
    except ValueError:
        raise _fail(
            InputError(
                f"cannot read the size {value!r}",
                where="--max-size",
                hint="give a size such as 50MB, 200MB or 1GB",
            )
        ) from None


def published_date(value: str | None) -> str | None:
    """--published as YYYY-MM-DD, or exit 2 naming the value (before anything is stored)."""
    from armsgraph.ingest.common import given_date

    if not value:
        return None
    try:
        return given_date(value)
    except InputError as err:
        raise _fail(err) from None


def open_store(db: str | None):
    """Open the database named by --db (or ARMSGRAPH_DB), turning errors into a message and exit 2."""
    from armsgraph.store.store import Store

    try:
        return Store(db)
    except StoreError as err:
        raise _fail(err) from err


def _filters(**kwargs: Any):
    from armsgraph.store.queries import EventFilters

    limit = kwargs.pop("limit", 50)
    return EventFilters(limit=limit or None, **kwargs)


def _participants_text(ev: dict[str, Any]) -> str:
    by_role: dict[str, list[str]] = {}
    for p in ev["participants"]:
        if not is_actor(p["role"], p.get("type")):
            continue
        by_role.setdefault(p["role"], []).append(p["name"])
    return "; ".join(f"{role}: {', '.join(names)}" for role, names in by_role.items())


def _system_names(ev: dict[str, Any]) -> str:
    """The systems and programs of an event by name (the `systems` column also holds every alias)."""
    names = [p["name"] for p in ev.get("participants") or [] if not is_actor(p["role"], p.get("type"))]
    return ", ".join(dict.fromkeys(names))


def event_table_row(ev: dict[str, Any]) -> dict[str, Any]:
    """The columns of one event that fit a terminal table."""
    return {
        "id": ev["id"],
        "type": ev["type"],
        "status": ev["status"],
        "participants": _participants_text(ev),
        "systems": _system_names(ev),
        "last seen": ev["last_seen"] or "",
        "src": ev["n_sources"],
    }


def event_row(ev: dict[str, Any]) -> dict[str, Any]:
    """The flat row of one event for CSV."""
    return {
        "id": ev["id"],
        "type": ev["type"],
        "status": ev["status"],
        "participants": _participants_text(ev),
        "systems": ev["systems"] or "",
        "quantity": ev["quantity_text"] or "",
        "value": (ev["value"] or {}).get("text") or "",
        "first_seen": ev["first_seen"] or "",
        "last_seen": ev["last_seen"] or "",
        "sources": ev["n_sources"],
    }


def emit(
    rows: list[dict[str, Any]],
    fmt: OutFormat,
    *,
    title: str,
    full: list[dict[str, Any]] | None = None,
) -> None:
    """Print rows as a Rich table, CSV or JSON Lines (full records when given)."""
    if fmt is OutFormat.json:
        for r in full if full is not None else rows:
            sys.stdout.write(json_text(r) + "\n")
        return
    if fmt is OutFormat.csv:
        buf = io.StringIO()
        if rows:
            if sys.stdout.isatty():  # shown, not saved: no control character reaches the screen
                rows = [{k: safe(v) for k, v in r.items()} for r in rows]
            w = csv.DictWriter(buf, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        sys.stdout.write(buf.getvalue())
        return
    # A pipe or a file gets a wide table rather than Rich's 80 columns.
    console = Console() if sys.stdout.isatty() else Console(width=160)
    if not rows:
        console.print(f"No {title.split(' (')[0].lower()} match.")
        return
    table = Table(title=plain(title), title_justify="left", show_lines=False, expand=True)
    for col in rows[0]:
        # Short fixed values stay on one line; long text gets the rest of the width.
        wide = col in ("participants", "systems", "name", "value")
        table.add_column(
            col,
            overflow="fold",
            no_wrap=not wide,
            ratio=1 if wide else None,
            min_width=12 if wide else None,
        )
    for r in rows:
        # Text, not str: a name with [brackets] is not Rich markup, a control is escaped.
        table.add_row(*(plain(v) for v in r.values()))
    console.print(table)


# -- ingest -------------------------------------------------------------------------------


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
        gazetteer_files=tuple(str(g) for g in gazetteer or ()),
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
            raise _fail(err) from err
        except IngestInterrupted as stop:
            bar.stop()
            summary = stop.summary
        finally:
            store.close()
    _print_summary(summary, Console())
    if summary.interrupted:
        stored = summary.new + summary.updated
        err_console.print(
            f"interrupted: {stored} document(s) stored in this run ({summary.new} new, "
            f"{summary.updated} updated, {summary.unchanged} already stored, "
            f"{len(summary.skipped)} skipped), each one whole; "
            "re-run the same command to store the rest",
            markup=False,
            highlight=False,
            soft_wrap=True,
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
    published: Annotated[
        str | None, typer.Option("--published", help="Publication date for inputs that carry none.")
    ] = None,
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Extract in this many processes.")
    ] = 1,
    fetch_links: Annotated[
        bool, typer.Option("--fetch-links", help="For feeds: read the page each entry links to.")
    ] = False,
    gazetteer: Annotated[
        list[Path] | None,
        typer.Option("--gazetteer", "-g", help="Extra gazetteer file (CSV); repeat for several."),
    ] = None,
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


# -- reads --------------------------------------------------------------------------------


@app.command("events")
def events_cmd(
    db: DbOption = None,
    actor: ActorOption = None,
    type: TypeOption = None,
    status: StatusOption = None,
    system: SystemOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    text: TextOption = None,
    order: Annotated[
        str, typer.Option("--order", help="recent, oldest, sources or confidence.")
    ] = "recent",
    limit: LimitOption = 50,
    fmt: FormatOption = OutFormat.table,
) -> None:
    """List stored events, latest first, with their participants, systems and number of sources.

    Example: armsgraph events --actor Egypt --type arms_sale --since 2024-01-01 --format csv
    """
    store = open_store(db)
    try:
        f = _filters(
            actor=actor,
            type=type,
            status=status,
            system=system,
            since=since,
            until=until,
            text=text,
            order=order,
            limit=limit,
        )
        evs = store.events(f)
        total = store.count_events(f)
    except (StoreError, ValueError) as err:
        raise _fail(
            err if isinstance(err, StoreError) else StoreError(str(err), hint="see --help")
        ) from err
    rows = [event_table_row(e) if fmt is OutFormat.table else event_row(e) for e in evs]
    emit(rows, fmt, title=f"Events ({len(evs)} of {total})", full=evs)


@app.command("actors")
def actors_cmd(
    db: DbOption = None,
    name: Annotated[str | None, typer.Option("--name", help="Part of the actor's name.")] = None,
    entity_type: Annotated[
        str | None,
        typer.Option(
            "--type",
            help="Entity type(s): country, organization, person, weapon_system, program, …",
        ),
    ] = None,
    country: Annotated[
        str | None, typer.Option("--country", help="ISO alpha-3 code of the actor's country.")
    ] = None,
    limit: LimitOption = 50,
    fmt: FormatOption = OutFormat.table,
) -> None:
    """List the actors, systems and programs in stored events, most active first.

    Example: armsgraph actors --type organization --country TUR
    """
    store = open_store(db)
    try:
        rows = store.actors(q=name, type=entity_type, country=country, limit=limit or None)
    except StoreError as err:
        raise _fail(err) from err
    flat = [
        {
            k: ("" if v is None else v)
            for k, v in r.items()
            if k != "category" or fmt is not OutFormat.table
        }
        for r in rows
    ]
    emit(flat, fmt, title="Actors", full=rows)


@app.command("show")
def show_cmd(
    event_id: Annotated[str, typer.Argument(help="An event id as listed by `armsgraph events`.")],
    db: DbOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Show one event: participants, status history, and every source sentence with its document.

    An id of an event that was later merged into another shows that other event.

    Example: armsgraph show ev:3f2a9c0d1e2b4a5f
    """
    store = open_store(db)
    try:
        ev = store.event(event_id)
    except StoreError as err:
        raise _fail(err) from err
    if ev is None:
        raise _fail(
            StoreError(
                f"no event {event_id!r}", where=store.name, hint="list ids with `armsgraph events`"
            ),
            1,
        )
    if ev["id"] != event_id:
        err_console.print(
            f"{safe(event_id)} was merged into {safe(ev['id'])}: showing {safe(ev['id'])}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    if fmt == "json":
        sys.stdout.write(json_text(ev, indent=2) + "\n")
        return
    console = Console(highlight=False)

    def line(*parts: str | tuple[str, str]) -> None:
        """One line of plain text: every value escaped, bold where asked, never markup."""
        text = Text()
        for part in parts:
            value, style = part if isinstance(part, tuple) else (part, "")
            text.append(safe(value), style=style)
        console.print(text, soft_wrap=True)

    line(
        (ev["id"], "bold"), f"  {ev['type']}  status: ", (ev["status"], "bold"),
        f"  sources: {ev['n_sources']}  confidence: {ev['confidence']:.2f}",
    )  # fmt: skip
    for p in ev["participants"]:
        line(f"  {p['role']:<12} {safe(p['name'])}  ({safe(p['entity_id'])})")
    for label, value in (
        ("time", (ev["time"] or {}).get("text")),
        ("quantity", ev["quantity_text"]),
        ("value", (ev["value"] or {}).get("text")),
    ):
        if value:
            line(f"  {label:<12} {safe(value)}")
    line(("Status history", "bold"))
    for h in ev["status_history"]:
        line(f"  {h['date'] or 'undated':<12} {h['status']:<12} {safe(h['document_id'])}")
    line(("Sources", "bold"))
    for s in ev["sources"]:
        head = " · ".join(
            safe(x) for x in (s["published"], s["title"], s["url"] or s["document_id"]) if x
        )
        line(f"- {head}")
        if s["attribution"]:
            line(f"  according to: {safe(s['attribution'])}")
        for span in s["evidence"] or [{"text": s["text"], "start": s["start"], "end": s["end"]}]:
            line(f"  \u201c{safe(span.get('text'))}\u201d  [{span.get('start')}:{span.get('end')}]")


# -- export, rebuild, demo ------------------------------------------------------------------


class ExportFormat(str, Enum):
    csv = "csv"
    jsonl = "jsonl"
    graphml = "graphml"
    parquet = "parquet"
    sipri = "sipri"


@app.command("export")
def export_cmd(
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="csv, jsonl, graphml (Gephi), parquet or sipri."),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    db: DbOption = None,
    actor: ActorOption = None,
    type: TypeOption = None,
    status: StatusOption = None,
    system: SystemOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    text: TextOption = None,
) -> None:
    """Write the events (all, or those matching the filters) to a file for other tools.

    Example: armsgraph export --format graphml -o arms.graphml --since 2020
    """
    from armsgraph.export import write

    store = open_store(db)
    f = _filters(
        actor=actor,
        type=type,
        status=status,
        system=system,
        since=since,
        until=until,
        text=text,
        limit=None,
    )
    try:
        n = write(store, fmt.value, output, f)
    except ArmsgraphError as err:
        raise _fail(err) from err
    err_console.print(f"wrote {n} rows to {safe(output)}", markup=False, highlight=False)


@app.command("rebuild")
def rebuild_cmd(db: DbOption = None) -> None:
    """Recompute entities and merged events from the stored extractions (after a merge-rule change).

    Example: armsgraph rebuild --db arms.db
    """
    store = open_store(db)
    try:
        counts = store.rebuild()
    except StoreError as err:
        raise _fail(err) from err
    Console().print(
        f"rebuilt from {counts['rebuilt']} documents: {counts['events']} events, "
        f"{counts['sources']} sources, {counts['entities']} entities, {counts['facts']} facts",
        markup=False,
    )


DEMO_DB = "armsgraph-demo.db"


def sample_files() -> list[Path]:
    """The sample reports shipped with the package (reports.jsonl, else any samples/*.jsonl)."""
    from importlib import resources

    samples = Path(str(resources.files("armsgraph") / "data" / "samples"))
    main = samples / "reports.jsonl"
    if main.is_file():
        return [main]
    return sorted(samples.glob("*.jsonl")) if samples.is_dir() else []


@app.command("demo")
def demo_cmd(
    db: Annotated[
        str, typer.Option("--db", help="SQLite file to create (replaced if it is the demo file).")
    ] = DEMO_DB,
) -> None:
    """Ingest the sample reports shipped with armsgraph into a fresh SQLite file and show the events found.

    Example: armsgraph demo && armsgraph events --db armsgraph-demo.db
    """
    files = sample_files()
    if not files:
        raise _fail(
            StoreError(
                "no sample reports found in armsgraph/data/samples",
                hint="reinstall armsgraph; the package ships them",
            )
        )
    path = Path(db)
    if "://" in db:
        raise _fail(
            StoreError(
                "the demo writes a fresh SQLite file", where=db, hint="give a file path to --db"
            )
        )
    if path.exists():
        if path.name != DEMO_DB:
            raise _fail(
                StoreError(
                    "file exists; the demo only replaces its own file",
                    where=db,
                    hint="choose a new path for --db",
                )
            )
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    summary = run_ingest(db, [str(f) for f in files])
    store = open_store(db)
    evs = store.events(limit=20)
    emit(
        [event_table_row(e) for e in evs],
        OutFormat.table,
        title=f"Events found ({store.count_events()} in all)",
    )
    shown = f" --db {db}" if db != "armsgraph.db" else ""
    first = evs[0]["id"] if evs else "EVENT_ID"
    Console().print(
        "\nNext, try:\n"
        f"  armsgraph events{shown} --type arms_sale\n"
        f"  armsgraph actors{shown}\n"
        f"  armsgraph show {first}{shown}\n"
        f"  armsgraph export{shown} --format csv -o events.csv\n"
        f"  armsgraph serve{shown}",
        markup=False,
        highlight=False,
    )
    if summary.skipped:
        raise typer.Exit(1)
