"""The extraction as a PySpark job: WARC, JSON Lines or Parquet in, Parquet tables (and the store) out.

Run it with `armsgraph spark INPUT... --output DIR`; `python -m armsgraph.scale.spark ...`
and `spark-submit src/armsgraph/scale/spark.py ...` run that same command. The steps:

1. read: each input file becomes Documents with the single-machine readers
   (ingest/warc.py, ingest/jsonl.py); Parquet rows go through the JSON Lines record check;
2. de-duplicate: one document per distinct text, ids made unique as `Store.add` does;
3. extract: armsgraph.pipeline, whose extractor is built once per Python worker and
   reused by every partition it runs;
4. merge: reports grouped by merge key and clustered with resolve/merge.py, so the merged
   events are those `armsgraph ingest` stores for the same input;
   (the executor side of steps 1–4 is scale/records.py)
5. write: Parquet tables documents, entities, events, participants, evidence, facts and
   errors under DIR (partitioned by published_month=YYYY-MM, or 'unknown'), and with
   --jdbc-url the documents into a PostgreSQL (or SQLite) store.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from armsgraph.errors import ArmsgraphError
from armsgraph.model import Extraction, content_hash
from armsgraph.pipeline import Options
from armsgraph.scale.inputs import FORMATS, check_inputs, format_of, parquet_items
from armsgraph.scale.records import (
    PARTITIONED,
    as_tuple,
    combine_entities,
    extract_partition,
    first_of,
    merge_group,
    month_of,
    read_file_records,
    schema_of,
    systems_of,
    unique_ids,
)

SPARK_HINT = "pip install 'armsgraph[spark]'"


# -- options and results -------------------------------------------------------------------


@dataclass
class JobResult:
    """What a Spark run wrote."""

    output: str
    documents: int = 0
    events: int = 0
    merged_events: int = 0  # events reported by more than one document
    entities: int = 0
    duplicates: int = 0  # inputs whose text was read already
    errors: list[tuple[str, str, str | None]] = field(default_factory=list)  # first ones
    n_errors: int = 0
    stored: int | None = None  # documents written to --jdbc-url
    seconds: float = 0.0


def require_pyspark() -> Any:
    """The pyspark module, or an ArmsgraphError naming the extra that brings it."""
    try:
        import pyspark
    except ImportError as exc:
        raise ArmsgraphError(
            "PySpark is not installed",
            where="armsgraph spark",
            hint=f"{SPARK_HINT} (Java 17 or later must be on the PATH too)",
        ) from exc
    return pyspark


# -- driver side ---------------------------------------------------------------------------


def spark_session(master: str | None = None, app_name: str = "armsgraph") -> Any:
    """A SparkSession. Under spark-submit the master comes from it; otherwise `master`
    (default local[*]), bound to 127.0.0.1 with the web UI off."""
    require_pyspark()
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    elif os.environ.get("PYSPARK_GATEWAY_PORT"):
        # Under spark-submit the JVM runs already and its configuration names the master.
        master = SparkConf().get("spark.master", "local[*]")
    else:
        master = "local[*]"
        builder = builder.master(master)
    if master.startswith("local"):
        # Local workers must run this interpreter, where armsgraph and spaCy are installed
        # (on a cluster, spark.pyspark.python or PYSPARK_PYTHON names the executors' one).
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = (
            builder.config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "8")
            .config("spark.ui.showConsoleProgress", "false")
        )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    return spark


def run(
    spark: Any,
    inputs: Sequence[str],
    output: str,
    options: Options | None = None,
    *,
    input_format: str | None = None,
    partitions: int | None = None,
    jdbc_url: str | None = None,
    max_errors_shown: int = 20,
) -> JobResult:
    """Run the whole job on `spark`; returns counts. `options` (pipeline.Options) gives the
    date for undated inputs, the size limit and the extractor's settings. Raises
    ArmsgraphError for bad options and for failures on the Java side (a missing remote
    input, an unwritable output)."""
    started = time.monotonic()
    options = options or Options()
    kinds = check_inputs(inputs, input_format)
    sc = spark.sparkContext
    n_parts = partitions or max(2, sc.defaultParallelism * 2)

    with _spark_errors(output):
        return _run(
            spark, inputs, kinds, output, n_parts=n_parts, jdbc_url=jdbc_url, options=options,
            max_errors_shown=max_errors_shown, started=started,
        )  # fmt: skip


@contextmanager
def _spark_errors(output: str) -> Iterator[None]:
    """Java-side failures (a missing remote path, an unwritable output) as one-line errors."""
    try:
        yield
    except ArmsgraphError:
        raise
    except Exception as exc:
        kind = type(exc).__name__
        if kind not in ("Py4JJavaError", "AnalysisException") and not kind.startswith("PySpark"):
            raise
        text = str(exc).strip().splitlines()
        first = next((t for t in text if "Exception:" in t), text[0] if text else kind)
        raise ArmsgraphError(
            f"the Spark job failed: {first.strip()[:400]}",
            where=output,
            hint="check the input paths and that the output directory is writable; Spark's log above has details",
        ) from exc


def _run(
    spark: Any,
    inputs: Sequence[str],
    kinds: list[str],
    output: str,
    *,
    n_parts: int,
    jdbc_url: str | None,
    options: Options,
    max_errors_shown: int,
    started: float,
) -> JobResult:
    from pyspark import StorageLevel

    sc = spark.sparkContext
    published, max_bytes = options.published, options.max_bytes
    # 1. read
    parts = []
    for index, (path, kind) in enumerate(zip(inputs, kinds, strict=True)):
        if kind == "parquet":
            parts.append(parquet_items(spark, index, path, published))
        else:
            parts.append(
                sc.binaryFiles(path).flatMap(
                    lambda pd, i=index, k=kind: read_file_records(
                        i, k, pd[0], pd[1], published=published, max_bytes=max_bytes
                    )
                )
            )
    items = sc.union(parts) if len(parts) > 1 else parts[0]
    items = items.persist(StorageLevel.MEMORY_AND_DISK)
    read_errors = items.filter(lambda t: t[0] == "error").map(lambda t: t[1:])

    # 2. one document per text (the earliest input wins, as a sequential ingest keeps the
    # first), then unique ids; the shuffle also spreads one big file over all cores.
    docs = (
        items.filter(lambda t: t[0] == "doc")
        .map(lambda t: (content_hash(t[2].text, length=40), (t[1], t[2])))
        .reduceByKey(first_of, numPartitions=n_parts)
        .map(lambda kv: (kv[1][1].id, (kv[1][0], kv[0], kv[1][1])))
        .groupByKey(numPartitions=n_parts)
        .flatMap(unique_ids)
    )

    # 3. extract, once; every table below reads the persisted records.
    records = docs.mapPartitions(extract_partition(options)).persist(StorageLevel.MEMORY_AND_DISK)
    ok = records.filter(lambda r: r["kind"] == "doc")
    errors = read_errors.union(
        records.filter(lambda r: r["kind"] == "error").map(lambda r: r["error"])
    )

    # 4. entities and merged events
    entities = (
        ok.flatMap(lambda r: [{**e, "order": r["order"], "n_documents": 1} for e in r["entities"]])
        .map(lambda e: (e["id"], e))
        .reduceByKey(combine_entities, numPartitions=n_parts)
        .values()
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    merged = (
        ok.flatMap(lambda r: [(s.key, s) for s in r["sources"]])
        .groupByKey(numPartitions=n_parts)
        .flatMap(merge_group)
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    # Systems and programs are few next to documents and events (the gazetteer's entries
    # plus unknown names), so their names travel to every worker rather than through joins.
    wanted = sc.broadcast(set(merged.flatMap(lambda m: m["objects"]).distinct().collect()))
    objects = sc.broadcast(
        dict(
            entities.filter(lambda e: e["id"] in wanted.value)
            .map(lambda e: (e["id"], (e["name"], e["aliases"])))
            .collect()
        )
    )
    events = merged.map(
        lambda m: {**m["event"], "systems": systems_of(m["objects"], objects.value)}
    )

    # 5. write
    tables = {
        "documents": ok.map(lambda r: r["document"]),
        "entities": entities,
        "events": events,
        "participants": merged.flatMap(lambda m: m["participants"]),
        "evidence": merged.flatMap(lambda m: m["evidence"]),
        "facts": ok.flatMap(lambda r: r["facts"]),
        "errors": errors.map(lambda e: dict(zip(("where", "message", "hint"), e, strict=True))),
    }
    out = output.rstrip("/")
    for name, rdd in tables.items():
        df = spark.createDataFrame(rdd.map(as_tuple(name)), schema=schema_of(name))
        writer = df.write.mode("overwrite")
        if name in PARTITIONED:
            writer = writer.partitionBy("published_month")
        writer.parquet(f"{out}/{name}")

    # Counts from the written files: Parquet footers hold them, no Python stage runs again.
    def written(name: str) -> Any:
        return spark.read.parquet(f"{out}/{name}")

    result = JobResult(output=out)
    read = items.map(lambda t: t[0]).countByValue()
    result.documents = written("documents").count()
    result.entities = written("entities").count()
    ev = written("events")
    result.events = ev.count()
    result.merged_events = ev.filter("n_sources > 1").count()
    err = written("errors")
    result.n_errors = err.count()
    result.errors = [
        (r["where"], r["message"], r["hint"]) for r in err.limit(max_errors_shown).collect()
    ]
    failed = result.n_errors - read.get("error", 0)  # documents the extractor failed on
    result.duplicates = read.get("doc", 0) - result.documents - failed
    if jdbc_url:
        result.stored = write_store(spark, out, jdbc_url)
    for rdd in (items, records, entities, merged):
        rdd.unpersist()
    wanted.destroy()
    objects.destroy()
    result.seconds = time.monotonic() - started
    return result


def write_store(spark: Any, output: str, url: str) -> int:
    """Add the documents of a finished run to the armsgraph store at `url` (PostgreSQL or
    SQLite) through Store.add, from the driver, one document at a time.

    The store then merges them with the events it holds already, which a plain JDBC
    append of the Parquet tables could not do. Documents stream to the driver
    (toLocalIterator), so memory stays flat; the write runs at the store's speed on one
    core, so for tens of millions of documents load the Parquet tables instead.
    """
    import json

    from armsgraph.store import Store, document_from_row

    url = url.removeprefix("jdbc:")
    df = spark.read.parquet(f"{output}/documents").orderBy("published", "id")
    n = 0
    with Store(url) as store:
        for row in df.toLocalIterator():
            store.add(Extraction.from_json(json.loads(row.extraction), document_from_row(row)))
            n += 1
    return n


# -- command line --------------------------------------------------------------------------


def report(result: JobResult, out: Callable[[str], Any] = print) -> None:
    """Print what a run did: skipped inputs first (one line each), then the totals."""
    for where, message, hint in result.errors:
        out(f"skipped: {where}: {message}" + (f" ({hint})" if hint else ""))
    if result.n_errors > len(result.errors):
        out(f"... and {result.n_errors - len(result.errors)} more (see {result.output}/errors)")
    out(
        f"{result.documents} documents, {result.events} events "
        f"({result.merged_events} from several reports), {result.entities} entities, "
        f"{result.n_errors} inputs skipped, {result.duplicates} duplicates "
        f"in {result.seconds:.1f} s → {result.output}"
    )
    if result.stored is not None:
        out(f"{result.stored} documents added to the store")


__all__ = ["FORMATS", "JobResult", "format_of", "month_of", "report", "run", "spark_session"]


if __name__ == "__main__":
    # `python -m armsgraph.scale.spark ARGS` and `spark-submit .../spark.py ARGS` run the one
    # command line of the job, `armsgraph spark ARGS`.
    from armsgraph.cli.main import main

    main(["spark", *sys.argv[1:]])
