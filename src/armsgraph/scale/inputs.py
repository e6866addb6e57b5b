"""The Spark job's inputs: the format of each (by --format, its name or its files' names),
the check made before Spark's slow start, and Parquet rows read as documents."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from armsgraph.errors import ArmsgraphError
from armsgraph.scale.records import local_path, read_parquet_rows

FORMATS = ("warc", "jsonl", "parquet")
# Endings that tell an input's format; longest first so ".warc.gz" wins over ".gz".
_ENDINGS = (
    (".warc.gz", "warc"),
    (".warc", "warc"),
    (".jsonl.gz", "jsonl"),
    (".ndjson.gz", "jsonl"),
    (".jsonl", "jsonl"),
    (".ndjson", "jsonl"),
    (".json-lines", "jsonl"),
    (".parquet", "parquet"),
)


def format_of(path: str, given: str | None = None) -> str:
    """The reader for an input: --format when given, else by its name or its files' names."""
    if given:
        if given not in FORMATS:
            raise ArmsgraphError(
                f"unknown input format {given!r}",
                where="--format",
                hint="choose warc, jsonl or parquet",
            )
        return given
    lower = path.lower().rstrip("/")
    for ending, kind in _ENDINGS:
        if lower.endswith(ending):
            return kind
    local = local_path(path)
    if local is not None and os.path.isdir(local):
        # A local directory: the first file with a known ending decides (Spark's own
        # Parquet output is a directory of .parquet parts).
        for _root, _dirs, files in os.walk(local):
            for name in sorted(files):
                if name.startswith((".", "_")):
                    continue
                for ending, kind in _ENDINGS:
                    if name.lower().endswith(ending):
                        return kind
    raise ArmsgraphError(
        "cannot tell the input format from the name",
        where=path,
        hint="give --format warc, jsonl or parquet",
    )


def check_inputs(inputs: Sequence[str], input_format: str | None = None) -> list[str]:
    """The format of each input; an ArmsgraphError for an unknown format or a missing local path."""
    if not inputs:
        raise ArmsgraphError("no input given", hint="name WARC, JSON Lines or Parquet files")
    kinds = [format_of(p, input_format) for p in inputs]
    for path in inputs:
        local = local_path(path)
        if local is not None and not any(c in local for c in "*?[") and not os.path.exists(local):
            raise ArmsgraphError("no such file or directory", where=path, hint="check the path")
    return kinds


def parquet_items(spark: Any, index: int, path: str, published: str | None) -> Any:
    from pyspark.sql import functions as F

    df = spark.read.parquet(path)
    if "text" not in df.columns:
        raise ArmsgraphError(
            'the Parquet input has no "text" column',
            where=path,
            hint=f"it has {', '.join(df.columns) or 'no columns'}; give text and optionally id, url, title, published",
        )
    cols = [
        F.col(c).cast("string").alias(c)
        for c in ("text", "id", "url", "title", "published")
        if c in df.columns
    ]
    df = df.select(
        *cols,
        F.input_file_name().alias("_file"),
        F.monotonically_increasing_id().alias("_row"),
    )
    return df.rdd.mapPartitions(lambda rows: read_parquet_rows(index, rows, published=published))
