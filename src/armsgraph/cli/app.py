"""The Typer application every CLI module registers its commands on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="armsgraph",
    help="Turn defense-industry news into a source-cited database of arms-trade events.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
