"""The Spark job's work on the executors: read files, keep one document per text, extract, merge.

Every function here runs inside a Spark task over plain Python values (it is pickled by
reference: this module must be importable on the workers); the driver in scale/spark.py
chains them. Items travel between stages as tuples, since InputError keeps fields that do
not pickle: ("doc", order, Document) | ("error", where, message, hint), where order
sorts inputs as given.
"""

from __future__ import annotations

import gzip
import io
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from armsgraph import pipeline
from armsgraph.errors import InputError
from armsgraph.model import Extraction
from armsgraph.pipeline import DEFAULT_MAX_BYTES, Options

_MONTH = re.compile(r"^(\d{4})-(\d{2})")
UNKNOWN_MONTH = "unknown"


def month_of(published: str | None) -> str:
    """The partition value of a publication date: YYYY-MM, or 'unknown'."""
    m = _MONTH.match(published or "")
    return f"{m[1]}-{m[2]}" if m else UNKNOWN_MONTH


def local_path(path: str) -> str | None:
    if path.startswith("file://"):
        return path[len("file://") :]
    if path.startswith("file:"):
        return path[len("file:") :]
    if "://" in path:
        return None
    return path


def _source_name(path: str) -> str:
    """A local file as the single-machine readers name it (no file: scheme)."""
    return local_path(path) or path


# -- executor side: reading ----------------------------------------------------------------


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


def first_of(a: tuple, b: tuple) -> tuple:
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


def systems_of(ids: Iterable[str], names: dict[str, tuple[str, list[str]]]) -> str | None:
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


def schema_of(name: str) -> str:
    return ", ".join(f"`{col}` {typ}" for col, typ in SCHEMAS[name])


def as_tuple(name: str) -> Callable[[dict[str, Any]], tuple]:
    cols = [c for c, _ in SCHEMAS[name]]
    floats = {c for c, t in SCHEMAS[name] if t == _F}

    def conv(row: dict[str, Any]) -> tuple:
        return tuple(
            float(row[c]) if c in floats and row.get(c) is not None else row.get(c) for c in cols
        )

    return conv
