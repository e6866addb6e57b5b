"""Export stage: stored events to CSV, JSON Lines, GraphML, Parquet and a SIPRI-style register."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from armsgraph.errors import ArmsgraphError

# Each format's writer, "module:function" (imported when used: pyarrow is optional).
WRITERS = {
    "csv": "armsgraph.export.csv:write_csv",
    "jsonl": "armsgraph.export.jsonl:write_jsonl",
    "graphml": "armsgraph.export.graphml:write_graphml",
    "parquet": "armsgraph.export.parquet:write_parquet",
    "sipri": "armsgraph.export.sipri:write_sipri",
}
FORMATS = tuple(WRITERS)
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
            page = queries.with_sources(
                conn, queries.events(conn, replace(f, limit=size, offset=offset, order="oldest"))
            )
            yield from page
            if len(page) < size:
                return
            offset += size


def write(store: Any, fmt: str, path: str | Path, filters: Any = None) -> int:
    """Write the events of `store` matching `filters` to `path` in `fmt`; returns rows written."""
    if fmt not in FORMATS:
        raise ArmsgraphError(
            f"unknown export format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}"
        )
    module, name = WRITERS[fmt].split(":")
    writer = getattr(importlib.import_module(module), name)
    return writer(iter_events(store, filters), path)
