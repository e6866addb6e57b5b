"""Export stage: stored events to CSV, JSON Lines, GraphML, Parquet and a SIPRI-style register."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from armsgraph.errors import ArmsgraphError

FORMATS = ("csv", "jsonl", "graphml", "parquet", "sipri")
PAGE = 2000


def iter_events(store: Any, filters: Any = None) -> Iterator[dict[str, Any]]:
    """Every matching event as in `queries.event()` (participants and sources), page by page."""
    from dataclasses import replace

    from armsgraph.store import queries

    f = filters or queries.EventFilters(limit=None)
    offset, limit = f.offset, f.limit
    with store.connect() as conn:
        while True:
            size = PAGE if limit is None else min(PAGE, limit - (offset - f.offset))
            if size <= 0:
                return
            page = queries.events(conn, replace(f, limit=size, offset=offset, order="oldest"))
            sources = queries.sources_of(conn, [e["id"] for e in page])
            for e in page:
                e["sources"] = sources.get(e["id"], [])
                e["status_history"] = [
                    {"date": s["published"], "status": s["status"], "document_id": s["document_id"]}
                    for s in e["sources"]
                ]
                yield e
            if len(page) < size:
                return
            offset += size


def write(store: Any, fmt: str, path: str | Path, filters: Any = None) -> int:
    """Write the events of `store` matching `filters` to `path` in `fmt`; returns rows written."""
    if fmt not in FORMATS:
        raise ArmsgraphError(
            f"unknown export format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}"
        )
    events = iter_events(store, filters)
    if fmt == "csv":
        from armsgraph.export.csv import write_csv

        return write_csv(events, path)
    if fmt == "jsonl":
        from armsgraph.export.jsonl import write_jsonl

        return write_jsonl(events, path)
    if fmt == "graphml":
        from armsgraph.export.graphml import write_graphml

        return write_graphml(events, path)
    if fmt == "parquet":
        from armsgraph.export.parquet import write_parquet

        return write_parquet(events, path)
    from armsgraph.export.sipri import write_sipri

    return write_sipri(events, path)
