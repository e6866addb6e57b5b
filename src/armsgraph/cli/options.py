"""The command line's shared options, defined once: --db, the event filters, --format, sizes, dates.

Each option is an `Annotated` type a command declares its parameter with; `format_option`
builds the --format of a command from the one `Format` enum (output.py), so every command checks its
formats the same way (click's "Invalid value for '--format'", exit 2). The converters
(`published_date`, `max_size_bytes`, `open_store`) turn a value into what the library
takes, or stop with one line through output.fail.
"""

from __future__ import annotations

import functools
import inspect
import re
import typing
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from armsgraph.cli.output import Format, fail
from armsgraph.errors import InputError, StoreError
from armsgraph.model import EVENT_TYPES, STATUSES


def format_option(*choices: Format, help: str) -> Any:
    """The --format/-f option of a command that writes one of `choices`."""
    names = [c.value for c in choices]

    def parse(value: Any) -> Format:
        if isinstance(value, Format) and value in choices:
            return value
        if str(value) not in names:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(map(repr, names))}.")
        return Format(str(value))

    return typer.Option("--format", "-f", help=help, parser=parse, metavar="|".join(names))


FormatOption = Annotated[
    Format,
    format_option(
        Format.table,
        Format.csv,
        Format.json,
        help="table for reading, csv or json (one object per line) for tools.",
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="ARMSGRAPH_DB",
        help="SQLite file or PostgreSQL URL (postgresql://user@host/db). Default: ./armsgraph.db.",
        show_default=False,
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
    str | None,
    typer.Option(
        "--system",
        help='A system or program: whole words of its name ("Bayraktar", "TB2") or one of its aliases ("F-16", "drones").',
    ),
]
SinceOption = Annotated[
    str | None,
    typer.Option(
        "--since",
        help="Events on or after this date (YYYY[-MM[-DD]]): the event's own dates, else its reports' (see --dates).",
    ),
]
UntilOption = Annotated[
    str | None, typer.Option("--until", help="Events on or before this date (see --dates).")
]


class Dates(StrEnum):
    """Which dates --since and --until compare."""

    event = "event"
    report = "report"


DatesOption = Annotated[
    Dates,
    typer.Option(
        "--dates",
        help="event: the event's own dates (a report's date where it gives none); report: the dates it was reported.",
    ),
]
TextOption = Annotated[
    str | None, typer.Option("--text", help="Words in a source sentence or a system name.")
]
IncludeHiddenOption = Annotated[
    bool | None,
    typer.Option(
        "--include-hidden", help="Also the events an analyst hid (`armsgraph correct --hide`)."
    ),
]
CorpusOption = Annotated[
    Path | None,
    typer.Option(
        "--corpus",
        help="The corpus folder (default: the repository's corpus/).",
        exists=True,
        file_okay=False,
    ),
]
LimitOption = Annotated[int, typer.Option("--limit", help="At most this many rows (0: all).")]
PublishedOption = Annotated[
    str | None,
    typer.Option("--published", help="Publication date (YYYY-MM-DD) for inputs that carry none."),
]
MaxSizeOption = Annotated[
    str,
    typer.Option(
        "--max-size",
        help="Largest document read: a file, a JSON Lines line, a WARC record (e.g. 50MB, 200MB, 1GB).",
    ),
]
GazetteerOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--gazetteer", "-g", help="Extra gazetteer file (CSV or YAML); repeatable.", exists=True
    ),
]
ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model",
        help="An installed spaCy model to use (e.g. en_core_web_sm); default: rules only.",
    ),
]
DecideOption = Annotated[
    str | None,
    typer.Option(
        "--decide",
        help="Who makes the event, role and status decisions: rules, model or both (default: the modes chosen on dev when the models were trained).",
    ),
]


def parse_size(value: str) -> int:
    """A size given as 50MB, 1.5 GB, 800k or a number of bytes → bytes; ValueError if not."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmg]?)b?\s*", value.lower())
    if not m:
        raise ValueError(value)
    n = float(m[1]) * {"": 1, "k": 1e3, "m": 1e6, "g": 1e9}[m[2]]
    if n < 1:
        raise ValueError(value)
    return int(n)


def max_size_bytes(value: str) -> int:
    """--max-size in bytes, or exit 2 naming the value."""
    try:
        return parse_size(value)
    except ValueError:
        fail(
            InputError(
                f"cannot read the size {value!r}",
                where="--max-size",
                hint="give a size such as 50MB, 200MB or 1GB",
            )
        )


def published_date(value: str | None) -> str | None:
    """--published as YYYY-MM-DD, or exit 2 naming the value (before anything is stored)."""
    from armsgraph.ingest.common import given_date

    if not value:
        return None
    try:
        return given_date(value)
    except InputError as err:
        fail(err)


def gazetteer_files(gazetteer: list[Path] | None) -> tuple[str, ...]:
    return tuple(str(p) for p in gazetteer or ())


def open_store(db: str | None) -> Any:
    """The database named by --db (or ARMSGRAPH_DB), or exit 2 saying why it cannot be opened."""
    from armsgraph.store import Store

    try:
        return Store(db)
    except StoreError as err:
        fail(err)


# The event filter options of every command that selects events, in their --help order.
FILTER_OPTIONS: dict[str, Any] = {
    "actor": ActorOption,
    "type": TypeOption,
    "status": StatusOption,
    "system": SystemOption,
    "since": SinceOption,
    "until": UntilOption,
    "dates": DatesOption,
    "text": TextOption,
    "include_hidden": IncludeHiddenOption,
}
FILTER_DEFAULTS: dict[str, Any] = {"dates": Dates.event}


def filter_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command the event filter options (--actor … --text), defined once, where its
    `filters` parameter stands; it is called with them as one dict, `filters`
    (sqlite-utils' output_options decorator, for Typer)."""
    # The command's annotations resolved where it was written (they are strings there).
    hints = typing.get_type_hints(command, include_extras=True)
    hints.pop("filters", None)
    sig = inspect.signature(command)
    params: list[inspect.Parameter] = []
    for p in sig.parameters.values():
        if p.name != "filters":
            params.append(p.replace(annotation=hints.get(p.name, p.annotation)))
            continue
        params += [
            inspect.Parameter(name, p.kind, default=FILTER_DEFAULTS.get(name), annotation=option)
            for name, option in FILTER_OPTIONS.items()
        ]

    @functools.wraps(command)
    def with_filters(*args: Any, **kwargs: Any) -> Any:
        filters = {name: kwargs.pop(name) for name in FILTER_OPTIONS}
        return command(*args, filters=filters, **kwargs)

    with_filters.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    with_filters.__annotations__ = {**hints, **FILTER_OPTIONS}
    return with_filters


def event_filters(**kwargs: Any) -> Any:
    """The EventFilters of the filter options (--limit 0: all)."""
    from armsgraph.store.queries import EventFilters

    limit = kwargs.pop("limit", 50)
    kwargs["include_hidden"] = bool(kwargs.get("include_hidden"))
    kwargs["dates"] = str(kwargs.get("dates") or Dates.event)
    return EventFilters(limit=limit or None, **kwargs)
