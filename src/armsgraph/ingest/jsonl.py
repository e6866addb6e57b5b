"""Read JSON Lines corpora: one document per line, streamed so any size fits in memory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from armsgraph.errors import InputError
from armsgraph.ingest.common import (
    DATE_HINT,
    OnProblem,
    decode_utf8,
    finish,
    human_size,
    looks_binary,
    normalize_date,
)
from armsgraph.model import Document

# Keys with a place of their own on Document; all others travel in Document.meta.
_HEADER_KEYS = ("id", "url", "title", "published")
_CHUNK = 1 << 20


def record_document(record: Any, where: str, *, published: str | None = None) -> Document:
    """One parsed JSON Lines record → a Document; InputError naming what is wrong."""
    if not isinstance(record, dict):
        raise InputError(
            f"line is a JSON {type(record).__name__}, not an object",
            where=where,
            hint='write one object per line: {"text": "...", "id": "..."}',
        )
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        what = 'no "text" field' if "text" not in record else '"text" is empty or not a string'
        raise InputError(
            what,
            where=where,
            hint='each line needs the report in "text": {"text": "...", "id": "..."}',
        )
    doc_id = record.get("id")
    if doc_id is not None and (not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool)):
        raise InputError(
            f'"id" must be a string, not {_json_type(doc_id)}',
            where=where,
            hint="give each document a string id or leave it out for a content hash",
        )
    fields: dict[str, Any] = {}
    for key in ("url", "title", "published"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            # Stored as str(value), a list would become "['t']": refuse the line instead.
            raise InputError(
                f'"{key}" must be a string, not {_json_type(value)}',
                where=where,
                hint=f'write "{key}" as a string or leave it out',
            )
        fields[key] = (value.strip() or None) if value is not None else None
    if fields["published"] is not None:
        date = normalize_date(fields["published"])
        if date is None:
            raise InputError(
                f'cannot read the date in "published" ({fields["published"]!r})',
                where=where,
                hint=f"{DATE_HINT}, or leave it out",
            )
        fields["published"] = date
    meta = {k: v for k, v in record.items() if k not in _HEADER_KEYS and k != "text"}
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    doc = Document(
        text=text,
        id=str(doc_id) if doc_id not in (None, "") else "",
        source=where,
        meta=meta,
        **fields,
    )
    return finish(doc, published=published)


def _json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, as the user wrote it."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _lines(fh: IO[bytes], max_bytes: int) -> Iterator[tuple[int, int, bytes | None]]:
    """(line number, byte offset, line bytes) with None for a line longer than max_bytes."""
    lineno = 0
    offset = 0
    while True:
        line = fh.readline(max_bytes + 1)
        if not line:
            return
        lineno += 1
        start = offset
        offset += len(line)
        if len(line) > max_bytes and not line.endswith(b"\n"):
            # Skip the rest of the over-long line without holding it.
            while True:
                rest = fh.readline(_CHUNK)
                offset += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
            yield lineno, start, None
            continue
        yield lineno, start, line


def iter_jsonl(
    fh: IO[bytes],
    source: str,
    *,
    on_problem: OnProblem,
    published: str | None = None,
    max_bytes: int = 50_000_000,
) -> Iterator[Document]:
    """Documents from a binary JSON Lines stream (source = path:LINE); each line that is not
    a document goes to `on_problem`. max_bytes bounds each line (each document), not the
    corpus, which is streamed."""
    seen_any = False
    for lineno, offset, raw in _lines(fh, max_bytes):
        where = f"{source}:{lineno}"
        if raw is None:
            seen_any = True
            on_problem(
                InputError(
                    f"line is longer than the limit of {human_size(max_bytes)}",
                    where=where,
                    hint="split the document or raise the limit with --max-size",
                )
            )
            continue
        if not raw.strip():
            continue
        seen_any = True
        try:
            yield record_document(_parse(raw, where, offset), where, published=published)
        except InputError as problem:
            on_problem(problem)
    if not seen_any:
        on_problem(InputError("empty file", where=source, hint="remove it or add JSON lines"))


def _parse(raw: bytes, where: str, offset: int) -> Any:
    line = decode_utf8(raw, where, offset_base=offset)
    try:
        return json.loads(line.rstrip("\n"))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid JSON ({exc.msg} at column {exc.colno})",
            where=where,
            hint="fix or remove the line; each line must be one JSON object",
        ) from None


def read_jsonl_file(
    path: str, *, on_problem: OnProblem, published: str | None = None, max_bytes: int = 50_000_000
) -> Iterator[Document]:
    """Documents from a JSON Lines file, read line by line; problems to `on_problem`."""
    try:
        with open(path, "rb") as fh:
            # One error for a binary file, not one per garbage "line".
            if looks_binary(fh.peek(8192)[:8192]):
                on_problem(
                    InputError(
                        "binary file, not JSON Lines",
                        where=path,
                        hint="give a UTF-8 text file with one JSON object per line",
                    )
                )
                return
            yield from iter_jsonl(
                fh, path, on_problem=on_problem, published=published, max_bytes=max_bytes
            )
    except OSError as exc:
        on_problem(InputError(f"cannot read: {exc.strerror}", where=path, hint="check the path"))
