"""CLI verbs `corpus check` and `corpus sources`: the annotated corpus, verified and listed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from armsgraph.cli.app import app
from armsgraph.cli.options import CorpusOption
from armsgraph.cli.output import fail
from armsgraph.errors import ArmsgraphError

corpus_app = typer.Typer(
    help="Check the annotated corpus (reports, gold events, splits) and list its sources.",
    no_args_is_help=True,
)
app.add_typer(corpus_app, name="corpus", rich_help_panel="Extract")
err = Console(stderr=True, highlight=False)


@corpus_app.command("check")
def check(
    corpus: CorpusOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Check every report and gold record (each quoted string must stand in its report), then count.

    Prints each problem as file:line, then reports, publishers, genres, event types,
    supplier countries and the size of each split. Exit status 1 when anything is wrong.

    Example: armsgraph corpus check
    """
    from armsgraph import corpus as corpus_module

    loaded = corpus_module.load(corpus, strict=False)
    for problem in loaded.problems:
        err.print(f"problem: {problem}", markup=False)
    stats = corpus_module.statistics(loaded.reports)
    try:
        stats["splits"] = {
            name: len(corpus_module.split_reports(loaded, name, root=corpus))
            for name in corpus_module.SPLITS
        }
    except ArmsgraphError as exc:
        loaded.problems.append(exc.one_line())
        err.print(f"problem: {exc.one_line()}", markup=False)
    if as_json:
        print(json.dumps(stats, indent=2))
    else:
        for key, value in stats.items():
            shown = (
                ", ".join(f"{k} {v}" for k, v in value.items())
                if isinstance(value, dict)
                else value
            )
            print(f"{key}: {shown}")
    raise typer.Exit(1 if loaded.problems else 0)


@corpus_app.command("sources")
def sources(
    corpus: CorpusOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Write here (default: SOURCES.md in the corpus folder)."
        ),
    ] = None,
) -> None:
    """Write the table of every report's source: id, title, URL, publisher, license, what was trimmed.

    Example: armsgraph corpus sources
    """
    from armsgraph import corpus as corpus_module

    try:
        loaded = corpus_module.load(corpus)
    except ArmsgraphError as exc:
        fail(exc)
    target = output or (Path(corpus) if corpus else corpus_module.default_root()) / "SOURCES.md"
    target.write_text(corpus_module.sources_markdown(loaded), encoding="utf-8")
    err.print(f"wrote {target} ({len(loaded.reports)} reports)")
