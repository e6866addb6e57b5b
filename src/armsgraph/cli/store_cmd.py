"""CLI verbs that look after the store: rebuild (after a merge-rule change) and demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from armsgraph.cli.app import app
from armsgraph.cli.ingest_cmd import run_ingest
from armsgraph.cli.options import DbOption, open_store
from armsgraph.cli.output import Format, emit, event_table_row, fail
from armsgraph.errors import StoreError


@app.command("rebuild")
def rebuild_cmd(db: DbOption = None) -> None:
    """Recompute entities and merged events from the stored extractions (after a merge-rule change).

    Example: armsgraph rebuild --db arms.db
    """
    store = open_store(db)
    try:
        counts = store.rebuild()
    except StoreError as err:
        fail(err)
    Console().print(
        f"rebuilt from {counts['rebuilt']} documents: {counts['events']} events, "
        f"{counts['sources']} sources, {counts['entities']} entities, {counts['facts']} facts",
        markup=False,
    )


DEMO_DB = "armsgraph-demo.db"


def sample_files() -> list[Path]:
    """The sample reports shipped with the package (reports.jsonl, else any samples/*.jsonl)."""
    from importlib import resources

    samples = Path(str(resources.files("armsgraph") / "data" / "samples"))
    main = samples / "reports.jsonl"
    if main.is_file():
        return [main]
    return sorted(samples.glob("*.jsonl")) if samples.is_dir() else []


@app.command("demo")
def demo_cmd(
    db: Annotated[
        str, typer.Option("--db", help="SQLite file to create (replaced if it is the demo file).")
    ] = DEMO_DB,
) -> None:
    """Ingest the sample reports shipped with armsgraph into a fresh SQLite file and show the events found.

    Example: armsgraph demo && armsgraph events --db armsgraph-demo.db
    """
    files = sample_files()
    if not files:
        fail(
            StoreError(
                "no sample reports found in armsgraph/data/samples",
                hint="reinstall armsgraph; the package ships them",
            )
        )
    path = Path(db)
    if "://" in db:
        fail(
            StoreError(
                "the demo writes a fresh SQLite file", where=db, hint="give a file path to --db"
            )
        )
    if path.exists():
        if path.name != DEMO_DB:
            fail(
                StoreError(
                    "file exists; the demo only replaces its own file",
                    where=db,
                    hint="choose a new path for --db",
                )
            )
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    summary = run_ingest(db, [str(f) for f in files])
    store = open_store(db)
    evs = store.events(limit=20)
    emit(
        [event_table_row(e) for e in evs],
        Format.table,
        title=f"Events found ({store.count_events()} in all)",
    )
    shown = f" --db {db}" if db != "armsgraph.db" else ""
    first = evs[0]["id"] if evs else "EVENT_ID"
    Console().print(
        "\nNext, try:\n"
        f"  armsgraph events{shown} --type arms_sale\n"
        f"  armsgraph actors{shown}\n"
        f"  armsgraph show {first}{shown}\n"
        f"  armsgraph export{shown} --format csv -o events.csv\n"
        f"  armsgraph serve{shown}",
        markup=False,
        highlight=False,
    )
    if summary.skipped:
        raise typer.Exit(1)
