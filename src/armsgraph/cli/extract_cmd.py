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
from armsgraph.cli.terminal import plain, safe
from armsgraph.errors import ArmsgraphError, InputError

err = Console(stderr=True, highlight=False)

GazetteerOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--gazetteer", "-g", help="Extra gazetteer file (CSV or YAML); repeatable.", exists=True
    ),
]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        help="An installed spaCy model to use (e.g. en_core_web_sm); default: rules only.",
    ),
]


DecideOpt = Annotated[
    str | None,
    typer.Option(
        "--decide",
        help="Who makes the event, role and status decisions: rules, model or both (default: the modes chosen on dev when the models were trained).",
    ),
]


def make_extractor(model: str | None, gazetteer: list[Path] | None, decide: str | None = None):
    """The pipeline's extractor for these options, or exit 2 saying what is wrong."""
    from armsgraph.pipeline import Options, extractor

    options = Options(
        model=model, gazetteer_files=tuple(str(p) for p in gazetteer or ()), decide=decide
    )
    try:
        return extractor(options)
    except ArmsgraphError as exc:
        err.print(f"error: {safe(exc.one_line())}", markup=False)
        raise typer.Exit(2) from None


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
            names.get(p.entity, p.entity)
            for p in ev.participants
            if not is_actor(p.role)
        )
        extra = " ".join(
            x
            for x in (
                ev.time.text if ev.time else "",
                ev.quantity.text if ev.quantity else "",
                ev.value.text if ev.value else "",
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
    format: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="table (readable) or json (one object per document per line)."
        ),
    ] = "table",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to this file instead of standard output."),
    ] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date (YYYY-MM-DD) for inputs that carry none.")
    ] = None,
    model: ModelOpt = None,
    gazetteer: GazetteerOpt = None,
    decide: DecideOpt = None,
    max_size: Annotated[
        str,
        typer.Option(
            "--max-size",
            help="Largest document read: a file, a JSON Lines line, a WARC record (e.g. 50MB, 1GB).",
        ),
    ] = "50MB",
) -> None:
    """Extract source-cited events from reports.

    Example: armsgraph extract report.txt --published 2025-11-25 --format json
    """
    from armsgraph.cli.store_cmd import max_size_bytes, published_date
    from armsgraph.pipeline import Options, run

    if format not in ("table", "json"):
        err.print(f"error: unknown --format {safe(format)!r} (use table or json)", markup=False)
        raise typer.Exit(2)
    options = Options(
        published=published_date(published),
        max_bytes=max_size_bytes(max_size),
        model=model,
        gazetteer_files=tuple(str(p) for p in gazetteer or ()),
        decide=decide,
    )
    make_extractor(model, gazetteer, decide)  # a bad --gazetteer, --model or --decide: exit 2 now
    out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115 (closed below)
    console = Console(file=out, width=160) if format == "table" else None
    skipped = other_language = docs = events = 0

    def problem(item: InputError) -> None:
        nonlocal skipped
        skipped += 1
        err.print(f"skipped: {safe(item.one_line())}", markup=False, soft_wrap=True)

    try:
        # Batches of reports go through spaCy at a time; results come in input order.
        for ex in run(inputs, options, problem):
            item = ex.document
            docs += 1
            if ex.skipped:
                other_language += 1
                err.print(
                    f"not extracted: {safe(item.source or item.id)}: {safe(ex.skipped)}",
                    markup=False,
                    soft_wrap=True,
                )
            events += len(ex.events)
            if format == "json":
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
    err.print(
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
    corpus: Annotated[
        Path | None,
        typer.Option(
            "--corpus",
            help="The corpus folder for --split (default: the repository's corpus/).",
            exists=True,
            file_okay=False,
        ),
    ] = None,
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
    model: ModelOpt = None,
    gazetteer: GazetteerOpt = None,
    decide: DecideOpt = None,
) -> None:
    """Score extraction against gold events: lenient, strict and role-aware precision, recall, F1.

    Lenient needs the type and the participants' countries; strict also the status and a
    system keyword; roles also the countries on each side (supplier, receiver; partners and
    parties as one set), so a sale read backwards is wrong.

    Example: armsgraph evaluate --split dev --verbose
    """
    from armsgraph import evaluate as ev

    if split is not None and split not in SPLIT_NAMES:
        err.print(f"error: --split {split!r} is not one of: {', '.join(SPLIT_NAMES)}", markup=False)
        raise typer.Exit(2)
    if split is None and gold is None:
        err.print(
            "error: give --split train|dev|test, or --gold FILE with INPUTS (or --annotation FILE)"
        )
        raise typer.Exit(2)
    if split is None and annotation is None and not inputs:
        err.print(
            "error: give the INPUTS to score against --gold (documents, or --predictions files)"
        )
        raise typer.Exit(2)
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
        err.print(f"error: {safe(exc.one_line())}", markup=False)
        raise typer.Exit(2) from None
    if as_json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        for line in report.summary_lines(verbose=verbose):
            print(line)
