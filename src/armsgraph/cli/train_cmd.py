"""CLI verb `train`: fit the learned decisions on the corpus's train split, chosen on dev."""

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

err = Console(stderr=True, highlight=False)


@app.command(rich_help_panel="Extract")
def train(
    corpus: CorpusOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Where to write the models (default: the package's data/models/decisions.json).",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    limit: Annotated[
        int | None,
        typer.Option("--limit", help="Train on the first N train reports only (a quick check)."),
    ] = None,
    guard: Annotated[
        tuple[Path, Path] | None,
        typer.Option(
            "--guard",
            help="GOLD INPUT: reports whose lenient and strict scores no setting may lower (the project keeps its seed report at 1.0).",
            exists=True,
        ),
    ] = None,
    ablation: Annotated[
        list[str] | None,
        typer.Option(
            "--ablation",
            help="After training, print the ablation (rules, model, both per decision) on this split; repeatable.",
        ),
    ] = None,
) -> None:
    """Train the learned event, role and status decisions (needs the `train` extra: scikit-learn).

    Fits on the train split with a fixed seed, chooses the regularization and the keep
    threshold on dev, writes the weights as JSON, and prints train and dev scores next to
    the rules alone. Example: armsgraph train --ablation dev
    """
    from armsgraph import train as training

    try:
        decisions = training.train(
            root=corpus, output=output, seed=seed, limit=limit, guard=guard, log=err.print
        )
        for split in ablation or ():
            table = training.ablation(decisions, split, root=corpus)
            print(json.dumps({split: table}, indent=1))
    except ArmsgraphError as exc:
        fail(exc)
