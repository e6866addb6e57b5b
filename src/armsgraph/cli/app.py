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


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"armsgraph {version('armsgraph')}")
        except PackageNotFoundError:  # a source tree without installed metadata
            typer.echo("armsgraph (version unknown: not installed)")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False,
        "--version",
        help="Print armsgraph's version and exit.",
        callback=_show_version,
        is_eager=True,
    ),
) -> None:
    """Turn defense-industry news into a source-cited database of arms-trade events."""
