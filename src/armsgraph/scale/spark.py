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
5. write: Parquet tables documents, entities, events, participants, evidence, facts and
   errors under DIR (partitioned by published_month=YYYY-MM, or 'unknown'), and with
   --jdbc-url the documents into a PostgreSQL (or SQLite) store.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from armsgraph import pipeline
from armsgraph.errors import ArmsgraphError, InputError
from armsgraph.model import Extraction, content_hash
from armsgraph.pipeline import DEFAULT_MAX_BYTES, Options

FORMATS = ("warc", "jsonl", "parquet")
SPARK_HINT = "pip install 'armsgraph[spark]'"
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
_MONTH = re.compile(r"^(\d{4})-(\d{2})")
UNKNOWN_MONTH = "unknown"


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


def month_of(published: str | None) -> str:
    """The partition value of a publication date: YYYY-MM, or 'unknown'."""
    m = _MONTH.match(published or "")
    return f"{m[1]}-{m[2]}" if m else UNKNOWN_MONTH


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
    local = _local_path(path)
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


def _local_path(path: str) -> str | None:
    if path.startswith("file://"):
        return path[len("file://") :]
    if path.startswith("file:"):
        return path[len("file:") :]
    if "://" in path:
        return None
    return path


def _source_name(path: str) -> str:
    """A local file as the single-machine readers name it (no file: scheme)."""
    return _local_path(path) or path


# -- executor side: reading ----------------------------------------------------------------
# Items travel between stages as tuples: InputError keeps extra fields that do not pickle.
# ("doc", order, Document) | ("error", where, message, hint); order sorts inputs as given.


def _error(err: InputError) -> tuple[str, str, str, str | None]:
    return ("error", err.where or "", err.message, err.hint)


def _drain(problems: list[InputError]) -> list[InputError]:
    out = problems[:]
    problems.clear()
    return out


def _skip_name(path: str) -> bool:
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return name.startswith((".", "_"))  # hidden files and Spark/Hadoop markers (_SUCCESS)


def read_file_records(
    index: int,
    kind: str,
    path: str,
    data: bytes,
    *,
    published: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[tuple]:
    """The documents (and errors) of one WARC or JSON Lines file given as bytes."""
    from armsgraph.ingest.jsonl import iter_jsonl
    from armsgraph.ingest.warc import read_warc_stream

    if _skip_name(path):
        return
    source = _source_name(path)
    if not data:
        yield _error(InputError("empty file", where=source, hint="remove it or give a WARC file"))
        return
    stream: io.IOBase = io.BytesIO(data)
    if kind == "jsonl" and data[:2] == b"\x1f\x8b":
        stream = gzip.GzipFile(fileobj=stream)
    problems: list[InputError] = []
    reader = read_warc_stream if kind == "warc" else iter_jsonl
    docs = reader(
        stream, source, on_problem=problems.append, published=published, max_bytes=max_bytes
    )
    try:
        # Problems come out where they were met, between the documents around them.
        for n, doc in enumerate(docs):
            yield from (_error(p) for p in _drain(problems))
            yield ("doc", (index, source, n), doc)
        yield from (_error(p) for p in _drain(problems))
    except (OSError, EOFError) as exc:  # a cut gzip stream of JSON Lines
        yield from (_error(p) for p in _drain(problems))
        yield _error(
            InputError(
                f"truncated or corrupt compressed file ({exc})",
                where=source,
                hint="the records before it were read; re-download the file",
            )
        )


def read_parquet_rows(
    index: int, rows: Iterable[Any], *, published: str | None = None
) -> Iterator[tuple]:
    """Documents from Parquet rows (text, id?, url?, title?, published?, and _file, _row)."""
    from armsgraph.ingest.jsonl import record_document

    for row in rows:
        record = row.asDict()
        file = _source_name(record.pop("_file") or "")
        n = record.pop("_row")
        where = f"{file} row {record['id']}" if record.get("id") else f"{file} row #{n}"
        try:
            yield ("doc", (index, file, n), record_document(record, where, published=published))
        except InputError as problem:
            yield _error(problem)


# -- executor side: de-duplication ---------------------------------------------------------


def _first(a: tuple, b: tuple) -> tuple:
    return a if a[0] <= b[0] else b


def unique_ids(group: tuple[str, Iterable[tuple]]) -> Iterator[tuple]:
    """Documents sharing an id (different texts): the first keeps it, the others get
    `id@hash`, as Store.add names a new version of a stored page."""
    from dataclasses import replace

    doc_id, items = group
    for i, (order, h, doc) in enumerate(sorted(items, key=lambda t: t[0])):
        if i:
            doc = replace(doc, id=f"{doc_id}@{h[:12]}")
        yield order, h, doc


# -- executor side: extraction -------------------------------------------------------------


def extract_partition(options: Options) -> Callable[[Iterable[tuple]], Iterator[dict[str, Any]]]:
    """The mapPartitions function: (order, hash, Document) → one output record each, through
    armsgraph.pipeline (its extractor is built once per Python worker, which Spark reuses
    across tasks); a document the extractor fails on becomes an error record."""

    def run(items: Iterable[tuple]) -> Iterator[dict[str, Any]]:
        placed: dict[str, tuple[tuple, str]] = {}  # document id → (order, hash)
        failed: list[InputError] = []

        def docs() -> Iterator[Any]:
            for order, h, doc in items:
                placed[doc.id] = (order, h)
                yield doc

        for extraction in pipeline.extract(docs(), options, failed.append):
            yield from _error_records(failed)
            order, h = placed.pop(extraction.document.id)
            yield document_record(order, h, extraction)
        yield from _error_records(failed)

    return run


def _error_records(failed: list[InputError]) -> Iterator[dict[str, Any]]:
    for problem in _drain(failed):
        yield {"kind": "error", "error": _error(problem)[1:]}


def document_record(order: tuple, h: str, extraction: Extraction) -> dict[str, Any]:
    """Everything one document contributes to the output tables, with canonical entity ids.

    The rows are those store.prepare gives Store.add (resolved entities, fact ids, local
    event ids), so the merge step sees the same reports the store would.
    """
    from collections import Counter

    from armsgraph.store import document_row, prepare

    doc = extraction.document
    month = month_of(doc.published)
    prepared = prepare(extraction)
    document = {
        **document_row(doc, h),
        "skipped": extraction.skipped,
        "n_events": len(extraction.events),
        "extraction": prepared.json,
        "published_month": month,
    }
    aliases: dict[str, list[str]] = {}
    for row in prepared.aliases:
        aliases.setdefault(row["entity_id"], []).append(row["alias"])
    mentions = Counter(row["entity_id"] for row in prepared.mentions)
    entities = [
        {**row, "aliases": aliases.get(row["id"], []), "n_mentions": mentions[row["id"]]}
        for row in prepared.entities
    ]
    facts = [{**row, "published_month": month} for row in prepared.facts]
    sources = prepared.sources
    return {
        "kind": "doc",
        "order": order,
        "document": document,
        "entities": entities,
        "facts": facts,
        "sources": sources,
    }


# -- executor side: entities and the cross-report merge ------------------------------------


def combine_entities(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Two rows of one entity: attributes from the earlier document (the store keeps the
    first row written), aliases pooled, documents and mentions counted."""
    first, second = (a, b) if a["order"] <= b["order"] else (b, a)
    out = dict(first)
    out["aliases"] = sorted(set(first["aliases"]) | set(second["aliases"]))
    out["n_documents"] = a["n_documents"] + b["n_documents"]
    out["n_mentions"] = a["n_mentions"] + b["n_mentions"]
    return out


def merge_group(group: tuple[str, Iterable[Any]]) -> Iterator[dict[str, Any]]:
    """The merged events of one merge key: connected components of merge.compatible,
    summarized by merge.summarize, exactly the functions Store.add uses."""
    import json

    from armsgraph.ontology import is_actor
    from armsgraph.resolve import merge

    _key, sources = group
    for cluster in merge.clusters(list(sources)):
        row = merge.summarize(cluster)
        participants = row.pop("participants")
        month = month_of(row["first_seen"])
        row["published_month"] = month
        evidence = []
        for s in cluster:
            base = merge.source_row(s)
            spans = s.event.get("evidence") or [{}]
            for n, span in enumerate(spans):
                evidence.append(
                    {
                        "event_id": row["id"],
                        "document_id": base["document_id"],
                        "local_event_id": base["local_event_id"],
                        "n": n,
                        "start": span.get("start"),
                        "end": span.get("end"),
                        "text": span.get("text"),
                        "status": base["status"],
                        "published": base["published"],
                        "attribution": base["attribution"],
                        "local_json": json.dumps(s.event, ensure_ascii=False, sort_keys=True)
                        if n == 0
                        else None,
                        "published_month": month_of(base["published"]),
                    }
                )
        yield {
            "event": row,
            "participants": [
                {"event_id": row["id"], "role": r, "entity_id": e, "published_month": month}
                for r, e in participants
            ],
            "objects": sorted({e for r, e in participants if not is_actor(r)}),
            "evidence": evidence,
        }


def systems_text(objects: Iterable[tuple[str, list[str]]]) -> str | None:
    """The events.systems column as Store writes it: names of the systems and programs,
    then their aliases, each sorted, duplicates dropped, ' | '-joined."""
    objects = list(objects)
    names = sorted(name for name, _ in objects)
    names += sorted(a for _, aliases in objects for a in aliases)
    return " | ".join(dict.fromkeys(names)) or None


def _systems(ids: Iterable[str], names: dict[str, tuple[str, list[str]]]) -> str | None:
    return systems_text(names[i] for i in ids if i in names)


# -- table schemas -------------------------------------------------------------------------

_S, _I, _F, _A = "string", "long", "double", "array<string>"
SCHEMAS: dict[str, list[tuple[str, str]]] = {
    "documents": [
        ("id", _S), ("url", _S), ("title", _S), ("published", _S), ("dateline", _S),
        ("language", _S), ("source", _S), ("content_hash", _S), ("text", _S), ("skipped", _S),
        ("n_events", _I), ("extraction", _S), ("published_month", _S),
    ],
    "entities": [
        ("id", _S), ("type", _S), ("name", _S), ("country", _S), ("category", _S),
        ("wikidata", _S), ("aliases", _A), ("n_documents", _I), ("n_mentions", _I),
    ],
    "events": [
        ("id", _S), ("type", _S), ("status", _S), ("first_seen", _S), ("last_seen", _S),
        ("time_text", _S), ("time_start", _S), ("time_end", _S), ("quantity", _F),
        ("quantity_text", _S), ("value_amount", _F), ("value_currency", _S), ("value_text", _S),
        ("confidence", _F), ("n_sources", _I), ("systems", _S), ("merge_key", _S),
        ("published_month", _S),
    ],
    "participants": [("event_id", _S), ("role", _S), ("entity_id", _S), ("published_month", _S)],
    "evidence": [
        ("event_id", _S), ("document_id", _S), ("local_event_id", _S), ("n", _I), ("start", _I),
        ("end", _I), ("text", _S), ("status", _S), ("published", _S), ("attribution", _S),
        ("local_json", _S), ("published_month", _S),
    ],
    "facts": [
        ("id", _S), ("subject", _S), ("attribute", _S), ("value", _S), ("unit", _S),
        ("document_id", _S), ("start", _I), ("end", _I), ("text", _S), ("published_month", _S),
    ],
    "errors": [("where", _S), ("message", _S), ("hint", _S)],
}  # fmt: skip
PARTITIONED = ("documents", "events", "participants", "evidence", "facts")


def _schema(name: str) -> str:
    return ", ".join(f"`{col}` {typ}" for col, typ in SCHEMAS[name])


def _as_tuple(name: str) -> Callable[[dict[str, Any]], tuple]:
    cols = [c for c, _ in SCHEMAS[name]]
    floats = {c for c, t in SCHEMAS[name] if t == _F}

    def conv(row: dict[str, Any]) -> tuple:
        return tuple(
            float(row[c]) if c in floats and row.get(c) is not None else row.get(c) for c in cols
        )

    return conv


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
    for index, (path, kind) in enumerate(zip(inputs, kinds)):
        if kind == "parquet":
            parts.append(_parquet_items(spark, index, path, published))
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
        .reduceByKey(_first, numPartitions=n_parts)
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
    events = merged.map(lambda m: {**m["event"], "systems": _systems(m["objects"], objects.value)})

    # 5. write
    tables = {
        "documents": ok.map(lambda r: r["document"]),
        "entities": entities,
        "events": events,
        "participants": merged.flatMap(lambda m: m["participants"]),
        "evidence": merged.flatMap(lambda m: m["evidence"]),
        "facts": ok.flatMap(lambda r: r["facts"]),
        "errors": errors.map(lambda e: dict(zip(("where", "message", "hint"), e))),
    }
    out = output.rstrip("/")
    for name, rdd in tables.items():
        df = spark.createDataFrame(rdd.map(_as_tuple(name)), schema=_schema(name))
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


def check_inputs(inputs: Sequence[str], input_format: str | None = None) -> list[str]:
    """The format of each input; an ArmsgraphError for an unknown format or a missing local path."""
    if not inputs:
        raise ArmsgraphError("no input given", hint="name WARC, JSON Lines or Parquet files")
    kinds = [format_of(p, input_format) for p in inputs]
    for path in inputs:
        local = _local_path(path)
        if local is not None and not any(c in local for c in "*?[") and not os.path.exists(local):
            raise ArmsgraphError("no such file or directory", where=path, hint="check the path")
    return kinds


def _parquet_items(spark: Any, index: int, path: str, published: str | None) -> Any:
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

    sys.argv = ["armsgraph", "spark", *sys.argv[1:]]
    main()
