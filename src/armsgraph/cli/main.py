"""Entry point of the `armsgraph` command: imports every command module, then runs the app."""

from __future__ import annotations

import importlib

from armsgraph.cli.app import app

# Each module registers its verbs on `app` when imported; order is the order of `--help`.
COMMAND_MODULES = (
    "armsgraph.cli.extract_cmd",  # extract, evaluate
    "armsgraph.cli.corpus_cmd",  # corpus check/sources
    "armsgraph.cli.train_cmd",  # train
    "armsgraph.cli.gazetteer_cmd",  # gazetteer lookup/stats
    "armsgraph.cli.ingest_cmd",  # ingest
    "armsgraph.cli.read_cmd",  # events, actors, show, export
    "armsgraph.cli.trends_cmd",  # trends
    "armsgraph.cli.search_cmd",  # search, documents
    "armsgraph.cli.store_cmd",  # rebuild, demo
    "armsgraph.cli.correct_cmd",  # correct, corrections
    "armsgraph.cli.serve_cmd",  # serve
    "armsgraph.cli.spark_cmd",  # spark
    "armsgraph.cli.watch_cmd",  # sources add/list/remove, watch add/list/notices/remove/retry/run, poll
)


def load_commands() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name)


def main(args: list[str] | None = None) -> None:
    """Run the command line on `args` (default: sys.argv[1:])."""
    from armsgraph.cli.terminal import configure_logging

    configure_logging()
    load_commands()
    app(args=args, prog_name="armsgraph")


if __name__ == "__main__":
    main()
