"""CLI verbs over the stored events: events, actors, show, export."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from armsgraph.cli.app import app
from armsgraph.cli.correct_cmd import correction_lines
from armsgraph.cli.options import (
    DbOption,
    FormatOption,
    LimitOption,
    event_filters,
    filter_options,
    format_option,
    open_store,
)
from armsgraph.cli.output import (
    Format,
    emit,
    err_console,
    event_row,
    event_table_row,
    fail,
    money_text,
)
from armsgraph.cli.terminal import json_text, safe
from armsgraph.errors import ArmsgraphError, StoreError
from armsgraph.export import FORMATS as EXPORT_FORMATS
from armsgraph.store.queries.trust import CONFIDENCE_HELP


def claim_lines(claims: dict) -> list[tuple[str, str]]:
    """What one report says of who stands behind it, as (label, text) lines of `show`."""
    out = []
    if claims["said_by"] or claims["via"]:
        via = f" (via {claims['via']})" if claims["via"] else ""
        out.append(("according to", f"{claims['said_by'] or ''}{via}".strip()))
    if claims["hedge"]:
        out.append(("hedged", f"\u201c{claims['hedge']}\u201d"))
    out += [("denied", f"{d['source']} {d['stance']}") for d in claims["denials"]]
    out += [("no comment", f"{r['source']} {r['stance']}") for r in claims["refusals"]]
    return out


@app.command("events")
@filter_options
def events_cmd(
    db: DbOption = None,
    filters: dict[str, str | None] | None = None,
    order: Annotated[
        str, typer.Option("--order", help="recent, oldest, sources or confidence.")
    ] = "recent",
    limit: LimitOption = 50,
    fmt: FormatOption = Format.table,
) -> None:
    """List stored events, latest first, with their participants, systems and number of sources.

    Example: armsgraph events --actor Egypt --type arms_sale --since 2024-01-01 --format csv
    """
    store = open_store(db)
    try:
        f = event_filters(**(filters or {}), order=order, limit=limit)
        evs = store.events(f)
        total = store.count_events(f)
    except (StoreError, ValueError) as err:
        fail(err if isinstance(err, StoreError) else StoreError(str(err), hint="see --help"))
    rows = [event_table_row(e) if fmt is Format.table else event_row(e) for e in evs]
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
    fmt: FormatOption = Format.table,
) -> None:
    """List the actors, systems and programs in stored events, most active first.

    Example: armsgraph actors --type organization --country TUR
    """
    store = open_store(db)
    try:
        rows = store.actors(q=name, type=entity_type, country=country, limit=limit or None)
    except StoreError as err:
        fail(err)
    flat = [
        {
            k: ("" if v is None else v)
            for k, v in r.items()
            if k != "category" or fmt is not Format.table
        }
        for r in rows
    ]
    emit(flat, fmt, title="Actors", full=rows)


@app.command("show")
def show_cmd(
    event_id: Annotated[str, typer.Argument(help="An event id as listed by `armsgraph events`.")],
    db: DbOption = None,
    fmt: Annotated[
        Format, format_option(Format.text, Format.json, help="text or json.")
    ] = Format.text,
) -> None:
    """Show one event: participants, status history, and every source sentence with its document.

    An id of an event that was later merged into another shows that other event.

    Example: armsgraph show ev:3f2a9c0d1e2b4a5f
    """
    store = open_store(db)
    try:
        ev = store.event(event_id)
    except StoreError as err:
        fail(err)
    if ev is None:
        fail(
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
    if fmt is Format.json:
        sys.stdout.write(json_text(ev, indent=2) + "\n")
        return
    print_event(ev)


def print_event(ev: dict) -> None:
    """One event as plain text: roles, details, trust, status history and sources."""
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
    if ev.get("flow"):
        line(f"  {'flow':<12} ", (ev["flow"], "bold"))  # who supplied whom, or who stand together
    for p in ev["participants"]:
        line(f"  {p['role']:<12} {safe(p['name'])}  ({safe(p['entity_id'])})")
    for label, value in (
        ("time", (ev["time"] or {}).get("text")),
        ("quantity", ev["quantity_text"]),
        ("value", money_text(ev["value"])),
    ):
        if value:
            line(f"  {label:<12} {safe(value)}")
    line(f"  {CONFIDENCE_HELP}")
    if ev["merge_reasons"]:
        line((f"Merged from {ev['n_sources']} reports", "bold"))
        for reason in ev["merge_reasons"]:
            line(f"  {reason}")
    line(("Status history", "bold"))
    for h in ev["status_history"]:
        line(f"  {h['date'] or 'undated':<12} {h['status']:<12} {safe(h['document_id'])}")
    line(("Sources", "bold"))
    for s in ev["sources"]:
        head = " · ".join(
            safe(x) for x in (s["published"], s["title"], s["url"] or s["document_id"]) if x
        )
        line(f"- {head}")
        for label, value in claim_lines(s["claims"]):
            line(f"  {label}: ", (value, "bold" if label == "denied" else ""))
        for span in s["evidence"] or [{"text": s["text"], "start": s["start"], "end": s["end"]}]:
            line(f"  \u201c{safe(span.get('text'))}\u201d  [{span.get('start')}:{span.get('end')}]")
    for corrected in correction_lines(ev):
        line(corrected)


@app.command("export")
@filter_options
def export_cmd(
    fmt: Annotated[
        Format,
        format_option(
            *(Format(f) for f in EXPORT_FORMATS),
            help="csv, jsonl, graphml (Gephi), parquet or sipri.",
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    db: DbOption = None,
    filters: dict[str, str | None] | None = None,
) -> None:
    """Write the events (all, or those matching the filters) to a file for other tools.

    Example: armsgraph export --format graphml -o arms.graphml --since 2020
    """
    from armsgraph.export import write

    store = open_store(db)
    f = event_filters(**(filters or {}), limit=None)
    try:
        n = write(store, fmt.value, output, f)
    except ArmsgraphError as err:
        fail(err)
    err_console.print(f"wrote {n} rows to {safe(output)}", markup=False, highlight=False)
