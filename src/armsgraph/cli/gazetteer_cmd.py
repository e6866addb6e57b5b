"""CLI verbs: `gazetteer lookup` (what a name resolves to, and why) and `gazetteer stats`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from armsgraph.cli.app import app
from armsgraph.cli.output import fail
from armsgraph.cli.terminal import plain, safe
from armsgraph.errors import GazetteerError
from armsgraph.nlp.gazetteer import ENV_VAR, Gazetteer, load_gazetteer

gazetteer_app = typer.Typer(
    help="Look up names in the gazetteer of countries, organizations, systems and programs.",
    no_args_is_help=True,
)
app.add_typer(gazetteer_app, name="gazetteer")

_GAZETTEER_HELP = (
    f"Extra gazetteer file (CSV or YAML, same columns); repeat for several. Files named in {ENV_VAR} "
    "are read too. Rows override shipped rows with the same id."
)
GazetteerFiles = Annotated[
    list[Path] | None, typer.Option("--gazetteer", "-g", help=_GAZETTEER_HELP, show_default=False)
]


def _load(files: list[Path] | None, err: Console) -> Gazetteer:
    try:
        gaz = load_gazetteer(tuple(str(f) for f in files or ()))
    except GazetteerError as exc:  # a broken shipped file: nothing to look up in
        fail(exc)
    for problem in gaz.problems:
        err.print(
            f"skipped: {safe(problem.one_line())}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    return gaz


@gazetteer_app.command("lookup")
def lookup_cmd(
    name: Annotated[
        str, typer.Argument(help='A name as written in a report, e.g. "Pakistan\'s navy".')
    ],
    gazetteer: GazetteerFiles = None,
) -> None:
    """Print the entity NAME resolves to, the alias that matched and the file:line it comes from.

    Example: armsgraph gazetteer lookup "Turkiye's" --gazetteer my_names.yaml
    """
    out, err = Console(), Console(stderr=True)
    gaz = _load(gazetteer, err)
    matches = gaz.explain(name, any_case=True)
    if not matches:
        err.print(
            f"not found: {name!r} is not in the gazetteer "
            f"(add it to a file given with --gazetteer or in {ENV_VAR})",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)
    if len(matches) > 1:
        out.print(f"{name!r} is ambiguous: {len(matches)} entities share the alias.", markup=False)
    for m in matches:
        e = m.entry
        table = Table(show_header=False, box=None, pad_edge=False)
        table.add_column(style="bold")
        table.add_column(overflow="fold")
        rows = [
            ("id", e.id),
            ("type", e.type),
            ("name", e.name),
            ("country", e.country or ""),
            ("category", e.category or ""),
            ("wikidata", e.wikidata or ""),
            ("parent", e.parent or ""),
            ("matched alias", f"{m.alias}  ({m.how})"),
            ("origin", e.origin),
            ("source", e.source or ""),
            ("aliases", " | ".join(e.aliases)),
        ]
        for key, value in rows:
            table.add_row(key, plain(value))
        out.print(table)


@gazetteer_app.command("stats")
def stats_cmd(
    gazetteer: GazetteerFiles = None,
) -> None:
    """Print how many entities the gazetteer holds by type, and by category within a type.

    Example: armsgraph gazetteer stats --gazetteer my_names.csv
    """
    out, err = Console(), Console(stderr=True)
    gaz = _load(gazetteer, err)
    stats = gaz.stats()
    table = Table(title="Gazetteer entities by type")
    table.add_column("type")
    table.add_column("count", justify="right")
    for t, n in sorted(stats["type"].items()):
        table.add_row(t, str(n))
    table.add_row("total", str(len(gaz)), style="bold")
    out.print(table)
    for t in ("weapon_system", "organization", "program"):
        if t not in stats["type"]:
            continue
        cat = Table(title=f"{t} by category")
        cat.add_column("category")
        cat.add_column("count", justify="right")
        for c, n in sorted(stats[t].items(), key=lambda kv: (-kv[1], kv[0])):
            cat.add_row(c, str(n))
        out.print(cat)
    ambiguous = gaz.ambiguous_aliases()
    if ambiguous:
        out.print(f"{len(ambiguous)} alias(es) name more than one entity.", markup=False)
