"""What the command line prints: one way to fail, and rows as a table, CSV or JSON Lines.

`fail` prints `error: WHAT (HINT)` on one line to standard error and exits (2 unless
told otherwise); every command stops that way. `emit` writes the rows of a read command
in the --format asked. Untrusted text passes cli/terminal.safe first.
"""

from __future__ import annotations

import csv
import io
import sys
from enum import StrEnum
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from armsgraph.cli.terminal import json_text, plain, safe
from armsgraph.errors import ArmsgraphError
from armsgraph.money import format_money
from armsgraph.ontology import is_actor
from armsgraph.store.queries.events import flow_label


class Format(StrEnum):
    """Every output format of every command; each command accepts some of them
    (options.format_option)."""

    table = "table"
    text = "text"
    csv = "csv"
    json = "json"
    jsonl = "jsonl"
    graphml = "graphml"
    parquet = "parquet"
    sipri = "sipri"


err_console = Console(stderr=True, highlight=False)


def fail(problem: ArmsgraphError | str, code: int = 2) -> NoReturn:
    """Print `error: ...` (the library's one-line message: what, where, the fix) and exit."""
    text = problem.one_line() if isinstance(problem, ArmsgraphError) else problem
    err_console.print(f"error: {safe(text)}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def say(text: str) -> None:
    """One line to standard error, as it is (no markup), never folded."""
    err_console.print(safe(text), markup=False, highlight=False, soft_wrap=True)


def _participants_text(ev: dict[str, Any]) -> str:
    by_role: dict[str, list[str]] = {}
    for p in ev["participants"]:
        if not is_actor(p["role"], p.get("type")):
            continue
        by_role.setdefault(p["role"], []).append(p["name"])
    return "; ".join(f"{role}: {', '.join(names)}" for role, names in by_role.items())


def _event_date(ev: dict[str, Any]) -> str:
    """The event's own dates ("2022-01-01..2022-12-31"), "" when no report gives them."""
    time = ev.get("time") or {}
    ends = dict.fromkeys(d for d in (time.get("start"), time.get("end")) if d)
    return "..".join(ends)


def money_text(value: dict[str, Any] | None) -> str:
    """An event's value as "$7.5 billion" (money.format_money), else the words of the report."""
    value = value or {}
    if value.get("amount") is not None:
        return format_money(value["amount"], value.get("currency"))
    return value.get("text") or ""


def event_table_row(ev: dict[str, Any]) -> dict[str, Any]:
    """The columns of one event that fit a terminal table: who supplied whom, what, when
    (✎: an analyst corrected it)."""
    return {
        "id": ev["id"],
        "type": ev["type"],
        "status": ev["status"] + (" ✎" if ev.get("corrected") else ""),
        "supplier → recipient": flow_label(ev),
        "systems": ev["systems"] or "",
        "event date": _event_date(ev),
        "last seen": ev["last_seen"] or "",
        "src": ev["n_sources"],
    }


def event_row(ev: dict[str, Any]) -> dict[str, Any]:
    """The flat row of one event for CSV."""
    return {
        "id": ev["id"],
        "type": ev["type"],
        "status": ev["status"],
        "supplier → recipient": flow_label(ev),
        "participants": _participants_text(ev),
        "systems": ev["systems"] or "",
        "event_start": (ev.get("time") or {}).get("start") or "",
        "event_end": (ev.get("time") or {}).get("end") or "",
        "quantity": ev["quantity_text"] or "",
        "value": money_text(ev["value"]),
        "first_seen": ev["first_seen"] or "",
        "last_seen": ev["last_seen"] or "",
        "sources": ev["n_sources"],
    }


def emit(
    rows: list[dict[str, Any]],
    fmt: Format,
    *,
    title: str,
    full: list[dict[str, Any]] | None = None,
) -> None:
    """Print rows as a Rich table, CSV or JSON Lines (full records when given)."""
    if fmt is Format.json:
        for r in full if full is not None else rows:
            sys.stdout.write(json_text(r) + "\n")
        return
    if fmt is Format.csv:
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
        wide = col in (
            "supplier → recipient",
            "participants",
            "by type",
            "systems",
            "name",
            "value",
            "title",
            "text",
        )
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
