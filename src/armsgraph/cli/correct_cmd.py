"""CLI verbs of analysts' corrections: correct (change, flag or hide an event) and corrections (list them)."""

from __future__ import annotations

import getpass
import os
from typing import Annotated

import typer

from armsgraph.cli.app import app
from armsgraph.cli.options import DbOption, FormatOption, open_store
from armsgraph.cli.output import Format, emit, err_console, fail
from armsgraph.cli.terminal import safe
from armsgraph.errors import StoreError


def default_by() -> str:
    """Who corrects, when --by is not given: ARMSGRAPH_USER, else the login name."""
    try:
        return os.environ.get("ARMSGRAPH_USER") or getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "unknown"


def parse_roles(values: list[str] | None) -> dict[str, list[str]]:
    """--role ROLE=ENTITY options as role -> entities (ROLE= clears the role)."""
    roles: dict[str, list[str]] = {}
    for value in values or []:
        role, sep, entity = value.partition("=")
        if not sep or not role.strip():
            fail(
                StoreError(
                    f"cannot read --role {value!r}",
                    hint="write --role ROLE=ENTITY, e.g. --role seller=country:FRA (ROLE= removes it)",
                )
            )
        roles.setdefault(role.strip(), [])
        if entity.strip():
            roles[role.strip()].append(entity.strip())
    return roles


def change_text(c: dict) -> str:
    """One correction in words: "status: agreed → cancelled", or "flagged"."""
    return "flagged" if c["field"] == "note" else f"{c['field']}: {c['old']} → {c['new']}"


def correction_lines(ev: dict) -> list[str | tuple[str, str]]:
    """The lines `show` ends with for a corrected event (none for the others)."""
    if not ev.get("corrections"):
        return []
    head = "Corrected" + (" (hidden)" if ev.get("hidden") else "")
    return [(head, "bold")] + [
        f"  {c['at']}  {c['by']}  {change_text(c)}" + (f" — {c['note']}" if c["note"] else "")
        for c in ev["corrections"]
    ]


def _row(c: dict) -> dict:
    return {
        "id": c["id"],
        "event": c["current_event_id"] or f"{c['event_id']} (gone)",
        "field": c["field"],
        "old": c["old"],
        "new": c["new"],
        "note": c["note"] or "",
        "by": c["by"],
        "at": c["at"],
    }


@app.command("correct")
def correct_cmd(
    event_id: Annotated[str, typer.Argument(help="An event id as listed by `armsgraph events`.")],
    status: Annotated[
        str | None,
        typer.Option(
            "--status", help="The event's status: proposed, agreed, in_progress, completed…"
        ),
    ] = None,
    role: Annotated[
        list[str] | None,
        typer.Option(
            "--role",
            help="ROLE=ENTITY: who holds a role (an id like country:FRA, or a name); "
            "repeat for several; ROLE= removes the role.",
        ),
    ] = None,
    hide: Annotated[
        bool, typer.Option("--hide", help="Hide the event from lists, maps and exports.")
    ] = False,
    unhide: Annotated[bool, typer.Option("--unhide", help="Show a hidden event again.")] = False,
    note: Annotated[
        str | None, typer.Option("--note", help="Why (alone, it flags the event).")
    ] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Who corrects (default: ARMSGRAPH_USER or the login name)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Correct, flag or hide an event. Corrections are kept apart from what was extracted
    and applied again after `rebuild` and every ingest.

    Example: armsgraph correct ev:3f2a9c0d1e2b4a5f --status agreed --role seller=country:FRA --note "contract signed"
    """
    if hide and unhide:
        fail(StoreError("--hide and --unhide contradict each other", hint="give one of them"))
    store = open_store(db)
    try:
        rows = store.correct(
            event_id,
            by=by or default_by(),
            status=status,
            roles=parse_roles(role),
            hidden=True if hide else False if unhide else None,
            note=note,
        )
    except StoreError as err:
        fail(err)
    for c in rows:
        err_console.print(
            f"{safe(c['current_event_id'])}: {safe(change_text(c))}"
            + (f" ({safe(c['note'])})" if c["note"] else ""),
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


@app.command("corrections")
def corrections_cmd(
    event_id: Annotated[
        str | None, typer.Option("--event", help="Only the corrections of this event.")
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
) -> None:
    """List analysts' corrections, oldest first: event, field, old and new value, note, who, when.

    Example: armsgraph corrections --event ev:3f2a9c0d1e2b4a5f --format csv
    """
    store = open_store(db)
    try:
        rows = store.corrections(event_id)
    except StoreError as err:
        fail(err)
    emit([_row(c) for c in rows], fmt, title=f"Corrections ({len(rows)})", full=rows)
