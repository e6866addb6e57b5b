"""Parquet export (pyarrow): the CSV columns with proper types, for pandas, polars and DuckDB."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from armsgraph.errors import ArmsgraphError
from armsgraph.export.csv import COLUMNS, flat_row

FLOATS = {"quantity", "value_amount", "confidence"}
INTS = {"n_sources"}


def write_parquet(
    events: Iterable[dict[str, Any]], path: str | Path, *, batch: int = 10_000
) -> int:
    """Write events as one Parquet file (row groups of `batch` events); returns the count."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as err:
        raise ArmsgraphError(
            "Parquet export needs pyarrow", hint="pip install 'armsgraph[parquet]'"
        ) from err
    schema = pa.schema(
        [
            (c, pa.float64() if c in FLOATS else pa.int64() if c in INTS else pa.string())
            for c in COLUMNS
        ]
    )

    def table(rows: list[dict[str, Any]]) -> Any:
        cols = {c: [None if r[c] == "" else r[c] for r in rows] for c in COLUMNS}
        return pa.table(cols, schema=schema)

    n = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        rows: list[dict[str, Any]] = []
        for ev in events:
            rows.append(flat_row(ev))
            if len(rows) >= batch:
                writer.write_table(table(rows))
                n += len(rows)
                rows = []
        if rows or n == 0:
            writer.write_table(table(rows))
            n += len(rows)
    return n
