"""CLI verbs `extract` and `evaluate`: reports in, events out (or scored against gold)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from armsgraph.cli.app import app
from armsgraph.cli.options import (
    CorpusOption,
    DecideOption,
    GazetteerOption,
    MaxSizeOption,
    ModelOption,
    PublishedOption,
    format_option,
    gazetteer_files,
    max_size_bytes,
    published_date,
)
from armsgraph.cli.output import Format, err_console, fail, say
from armsgraph.cli.terminal import plain
from armsgraph.errors import ArmsgraphError, InputError


def make_extractor(model: str | None, gazetteer: list[Path] | None, decide: str | None = None):
    """The pipeline's extractor for these options, or exit 2 saying what is wrong."""
    from armsgraph.pipeline import Options, extractor

    options = Options(model=model, gazetteer_files=gazetteer_files(gazetteer), decide=decide)
    try:
        return extractor(options)
    except ArmsgraphError as exc:
        fail(exc)


def _money(value) -> str:
    """A value as "$7.5 billion" (money.format_money), else the words of the report."""
    from armsgraph.money import format_money

    if value is None:
        return ""
    if value.amount is not None:
        return format_money(value.amount, value.currency)
    return value.text or ""


def _event_rows(extraction) -> list[tuple[str, ...]]:
    from armsgraph.ontology import is_actor

    names = {e.id: e.name for e in extraction.entities}
    rows = []
    for ev in extraction.events:
        actors = "; ".join(
            f"{p.role}: {names.get(p.entity, p.entity)}"
            for p in ev.participants
            if is_actor(p.role)
        )
        things = ", ".join(
            names.get(p.entity, p.entity) for p in ev.participants if not is_actor(p.role)
        )
        extra = " ".join(
            x
            for x in (
                ev.time.text if ev.time else "",
                ev.quantity.text if ev.quantity else "",
                _money(ev.value),
            )
            if x
        )
        rows.append((ev.type, ev.status, actors, things, extra, ev.evidence[0].text[:90]))
    return rows


@app.command(rich_help_panel="Extract")
def extract(
    inputs: Annotated[
        list[str], typer.Argument(help="Files, directories, URLs, or - for standard input.")
    ],
    fmt: Annotated[
        Format,
        format_option(
            Format.table,
            Format.json,
            help="table (readable) or json (one object per document per line).",
        ),
    ] = Format.table,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of standard output."),
    ] = None,
    published: PublishedOption = None,
    model: ModelOption = None,
    gazetteer: GazetteerOption = None,
    decide: DecideOption = None,
    max_size: MaxSizeOption = "50MB",
) -> None:
    """Extract source-cited events from reports.

    Example: armsgraph extract report.txt --published 2025-11-25 --format json
    """
    from armsgraph.pipeline import Options, run

    options = Options(
        published=published_date(published),
        max_bytes=max_size_bytes(max_size),
        model=model,
        gazetteer_files=gazetteer_files(gazetteer),
        decide=decide,
    )
    make_extractor(model, gazetteer, decide)  # a bad --gazetteer, --model or --decide: exit 2 now
    out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115 (closed below)
    console = Console(file=out, width=160) if fmt is Format.table else None
    skipped = other_language = docs = events = 0

    def problem(item: InputError) -> None:
        nonlocal skipped
        skipped += 1
        say(f"skipped: {item.one_line()}")

    try:
        # Batches of reports go through spaCy at a time; results come in input order.
        for ex in run(inputs, options, problem):
            item = ex.document
            docs += 1
            if ex.skipped:
                other_language += 1
                say(f"not extracted: {item.source or item.id}: {ex.skipped}")
            events += len(ex.events)
            if fmt is Format.json:
                out.write(json.dumps(ex.to_json(), ensure_ascii=False) + "\n")
            else:
                table = Table(
                    title=plain(f"{item.title or item.id}  ({len(ex.events)} events)"),
                    title_justify="left",
                )
                for col in (
                    "type",
                    "status",
                    "actors",
                    "systems",
                    "when / how many / value",
                    "evidence",
                ):
                    table.add_column(col, overflow="fold")
                for row in _event_rows(ex):
                    table.add_row(*(plain(v) for v in row))
                console.print(table)
    finally:
        if output:
            out.close()
    err_console.print(
        f"{docs} document(s), {events} event(s); {skipped} input(s) skipped; {other_language} not in English"
    )
    raise typer.Exit(1 if skipped else 0)


SPLIT_NAMES = ("train", "dev", "test")


@app.command(rich_help_panel="Extract")
def evaluate(
    inputs: Annotated[
        list[str] | None, typer.Argument(help="Input documents (e.g. a JSON Lines corpus).")
    ] = None,
    gold: Annotated[
        Path | None,
        typer.Option(
            "--gold", help="Gold annotations (JSON Lines, see docs/ANNOTATION.md).", exists=True
        ),
    ] = None,
    split: Annotated[
        str | None,
        typer.Option(
            "--split",
            help="Score one split of the corpus: train, dev or test (no INPUTS or --gold).",
        ),
    ] = None,
    corpus: CorpusOption = None,
    annotation: Annotated[
        Path | None,
        typer.Option(
            "--annotation",
            help="A second gold file scored against --gold: inter-annotator agreement.",
            exists=True,
        ),
    ] = None,
    predictions: Annotated[
        bool,
        typer.Option(
            "--predictions", help="INPUTS are `extract --format json` outputs, not documents."
        ),
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List every miss and extra.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    model: ModelOption = None,
    gazetteer: GazetteerOption = None,
    decide: DecideOption = None,
) -> None:
    """Score extraction against gold events: lenient, strict and role-aware precision, recall, F1.

    Lenient needs the type and the participants' countries; strict also the status and a
    system keyword; roles also the countries on each side (supplier, receiver; partners and
    parties as one set), so a sale read backwards is wrong.

    Example: armsgraph evaluate --split dev --verbose
    """
    from armsgraph import evaluate as ev

    if split is not None and split not in SPLIT_NAMES:
        fail(f"--split {split!r} is not one of: {', '.join(SPLIT_NAMES)}")
    if split is None and gold is None:
        fail("give --split train|dev|test, or --gold FILE with INPUTS (or --annotation FILE)")
    if split is None and annotation is None and not inputs:
        fail("give the INPUTS to score against --gold (documents, or --predictions files)")
    try:
        if split is not None:
            extractor = make_extractor(model, gazetteer, decide)
            report = ev.evaluate_split(split, extractor.extract, root=corpus)
        elif annotation is not None:
            report = ev.evaluate_agreement(gold, annotation)
        elif predictions:
            report = ev.evaluate(
                gold, (rec for path in inputs for rec in ev.read_predictions(path))
            )
        else:
            extractor = make_extractor(model, gazetteer, decide)
            report = ev.run_evaluation(gold, inputs, extractor.extract)
    except ArmsgraphError as exc:
        fail(exc)
    if as_json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        for line in report.summary_lines(verbose=verbose):
            print(line)
