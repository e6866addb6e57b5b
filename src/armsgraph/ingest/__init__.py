"""Ingest stage: paths, directories, URLs and stdin → Documents; bad inputs reported as problems.

`iter_documents(sources)` gives the documents of every source in order; each input that
cannot be read is an InputError in its `.problems` (and goes to `on_problem` when given),
and the reading goes on.
"""

from __future__ import annotations

import errno
import gzip
import io
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from armsgraph.errors import InputError
from armsgraph.ingest.common import (
    OnProblem,
    given_date,
    human_size,
    looks_binary,
    normalize_date,
)
from armsgraph.ingest.feeds import iter_feed_bytes
from armsgraph.ingest.fetch import DEFAULT_TIMEOUT, fetch, is_url
from armsgraph.ingest.html import html_document, read_html_file
from armsgraph.ingest.jsonl import iter_jsonl, read_jsonl_file
from armsgraph.ingest.text import read_text_file, text_document
from armsgraph.ingest.warc import read_warc
from armsgraph.model import Document

__all__ = [
    "EXTENSIONS",
    "Documents",
    "InputError",
    "OnProblem",
    "iter_documents",
    "normalize_date",
    "source_kind",
]

# File name endings → reader. Longest endings first so ".warc.gz" wins over ".gz".
EXTENSIONS: dict[str, str] = {
    ".warc.gz": "warc",
    ".warc": "warc",
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json-lines": "jsonl",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}
_FEED_TYPES = {
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_JSONL_TYPES = {"application/jsonl", "application/x-ndjson", "application/json-lines"}
_SNIFF = 4096
_STDIN = "<stdin>"


def _kind_by_name(path: str) -> str | None:
    lower = path.lower()
    for ending, kind in EXTENSIONS.items():
        if lower.endswith(ending):
            return kind
    return None


def sniff(head: bytes) -> str:
    """Guess a reader from the first bytes: warc, feed, html, jsonl, text or binary."""
    if head.startswith(b"WARC/"):
        return "warc"
    if head.startswith(b"\x1f\x8b"):
        try:
            inner = gzip.GzipFile(fileobj=io.BytesIO(head)).read(5)
        except (OSError, EOFError):
            inner = b""
        return "warc" if inner.startswith(b"WARC/") else "binary"
    if looks_binary(head):
        return "binary"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    lower = start[:_SNIFF].lower()
    if lower.startswith(b"<"):
        if b"<rss" in lower or b"<feed" in lower or b"<rdf:rdf" in lower:
            return "feed"
        if lower.startswith(b"<?xml") and b"<html" not in lower:
            return "feed"
        return "html"
    if start.startswith(b"{"):
        first = start.split(b"\n", 1)[0]
        if b"\n" not in start:  # first line longer than the sniffed block: trust the brace
            return "jsonl"
        try:
            return "jsonl" if isinstance(json.loads(first), dict) else "text"
        except ValueError:
            return "text"
    return "text"


def source_kind(source: str) -> str:
    """The reader for a path: by its ending, else by its first bytes ("url", "stdin" too)."""
    if source == "-":
        return "stdin"
    if is_url(source):
        return "url"
    if os.path.isdir(source):
        return "dir"
    kind = _kind_by_name(source)
    if kind:
        return kind
    try:
        with open(source, "rb") as fh:
            return sniff(fh.read(_SNIFF))
    except OSError:
        return "text"  # the reader reports the OS error with its hint


class Documents(Iterator[Document]):
    """The documents of some sources, read as they are iterated. `problems` lists the
    inputs that could not be read so far (InputErrors naming file, line or URL and the
    fix); `on_problem`, when given, hears of each one as it happens."""

    def __init__(
        self, read: Callable[[OnProblem], Iterator[Document]], on_problem: OnProblem | None
    ):
        self.problems: list[InputError] = []
        self._on_problem = on_problem
        self._docs = read(self._report)

    def _report(self, problem: InputError) -> None:
        self.problems.append(problem)
        if self._on_problem is not None:
            self._on_problem(problem)

    def __next__(self) -> Document:
        return next(self._docs)


def iter_documents(
    sources: Iterable[str],
    *,
    on_problem: OnProblem | None = None,
    published: str | None = None,
    fetch_links: bool = False,
    max_bytes: int = 50_000_000,
    timeout: float = DEFAULT_TIMEOUT,
    stdin: IO[bytes] | None = None,
) -> Documents:
    """The documents of every source, in order; each bad input is a problem (see
    Documents) and the reading goes on. A `published` date that cannot be read raises
    InputError (naming --published) before anything is read.

    sources: file paths, directories (recursed, hidden files skipped), http(s) URLs and
    "-" for standard input. published: date for inputs that carry none (any common form,
    normalized to YYYY-MM-DD). fetch_links: read the page each feed entry links to rather
    than the entry's own text. max_bytes: size limit of one document (a text or HTML
    file, a feed, a JSON Lines line, a WARC record); corpora are streamed. timeout:
    seconds allowed for each URL fetch.
    """
    # A date that cannot be read stops the run before any document is read: every input
    # without a date of its own would otherwise be stored without one.
    default_date = given_date(published) if published else None
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]  # one path given bare, not a list of its characters

    def read(report: OnProblem) -> Iterator[Document]:
        opts = {"published": default_date, "max_bytes": max_bytes, "on_problem": report}
        for source in sources:
            source = os.fspath(source)
            kind = source_kind(source)
            if kind == "stdin":
                yield from _read_stdin(stdin or sys.stdin.buffer, **opts)
            elif kind == "url":
                yield from _read_url(source, fetch_links=fetch_links, timeout=timeout, **opts)
            elif kind == "dir":
                yield from _read_dir(source, fetch_links=fetch_links, timeout=timeout, **opts)
            elif not os.path.exists(source):
                report(_missing(source))
            else:
                yield from _read_file(
                    source, kind, fetch_links=fetch_links, timeout=timeout, **opts
                )

    return Documents(read, on_problem)


def _missing(source: str) -> InputError:
    """Why a path that does not exist cannot be read: missing, or a link that loops."""
    try:
        os.stat(source)
    except OSError as exc:
        if exc.errno != errno.ENOENT:
            return InputError(
                f"cannot read: {exc.strerror}",
                where=source,
                hint="check the path and the symbolic links on it",
            )
    return InputError("no such file or directory", where=source, hint="check the path")


def _read_file(
    path: str,
    kind: str,
    *,
    on_problem: OnProblem,
    published: str | None,
    max_bytes: int,
    fetch_links: bool,
    timeout: float,
) -> Iterator[Document]:
    many = {"on_problem": on_problem, "published": published, "max_bytes": max_bytes}
    if kind == "jsonl":
        yield from read_jsonl_file(path, **many)
    elif kind == "warc":
        yield from read_warc(path, **many)
    elif kind == "feed":
        from armsgraph.ingest.feeds import read_feed

        yield from read_feed(path, fetch_links=fetch_links, timeout=timeout, **many)
    else:
        try:
            yield _read_one(path, kind, published=published, max_bytes=max_bytes)
        except InputError as problem:
            on_problem(problem)


def _read_one(path: str, kind: str, *, published: str | None, max_bytes: int) -> Document:
    """The one document of a text or HTML file; InputError for anything else."""
    if kind == "text":
        return read_text_file(path, published=published, max_bytes=max_bytes)
    if kind == "html":
        return read_html_file(path, published=published, max_bytes=max_bytes)
    raise InputError(
        "binary file, not text",
        where=path,
        hint="give .txt, .html, .jsonl, feed or WARC files; convert PDFs or Word files to text first",
    )


def _read_dir(
    root: str,
    *,
    on_problem: OnProblem,
    published: str | None,
    max_bytes: int,
    fetch_links: bool,
    timeout: float,
) -> Iterator[Document]:
    readable = 0
    others = 0
    for dirpath, dirnames, filenames in os.walk(root):
        # Sorted for a stable order across runs; hidden entries (.git, .DS_Store) skipped.
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = os.path.join(dirpath, name)
            kind = _kind_by_name(name)
            if kind is None:
                others += 1
                continue
            readable += 1
            yield from _read_file(
                path, kind, on_problem=on_problem, published=published, max_bytes=max_bytes,
                fetch_links=fetch_links, timeout=timeout,
            )  # fmt: skip
    if readable == 0:
        skipped = f" ({others} other files skipped)" if others else ""
        on_problem(
            InputError(
                f"directory has no readable files{skipped}",
                where=root,
                hint="it should hold .txt, .html, .jsonl, .xml/.rss/.atom or .warc files",
            )
        )


def _read_url(
    url: str,
    *,
    on_problem: OnProblem,
    published: str | None,
    max_bytes: int,
    fetch_links: bool,
    timeout: float,
) -> Iterator[Document]:
    try:
        got = fetch(url, timeout=timeout, max_bytes=max_bytes)
    except InputError as problem:
        on_problem(problem)
        return
    kind = {**dict.fromkeys(_HTML_TYPES, "html"), **dict.fromkeys(_FEED_TYPES, "feed"),
            **dict.fromkeys(_JSONL_TYPES, "jsonl"), "text/plain": "text"}.get(got.content_type)  # fmt: skip
    if kind is None:
        kind = sniff(got.content[:_SNIFF])
    if kind == "feed":
        yield from iter_feed_bytes(
            got.content, url, on_problem=on_problem, published=published,
            fetch_links=fetch_links, timeout=timeout, max_bytes=max_bytes,
        )  # fmt: skip
    elif kind == "jsonl":
        yield from iter_jsonl(
            io.BytesIO(got.content), url, on_problem=on_problem, published=published,
            max_bytes=max_bytes,
        )  # fmt: skip
    else:
        try:
            yield _fetched_document(got, url, kind, published)
        except InputError as problem:
            on_problem(problem)


def _fetched_document(got: Any, url: str, kind: str, published: str | None) -> Document:
    """The one document of a fetched page or text; InputError for other content."""
    if kind == "html":
        return html_document(got.content, url, url=got.url, published=published)
    if kind == "text":
        return text_document(got.content, url, published=published, url=got.url)
    if kind == "warc":
        raise InputError(
            "WARC archives are read from files, not URLs",
            where=url,
            hint="download the archive and give its path",
        )
    raise InputError(
        f"unsupported content type {got.content_type or 'unknown'}",
        where=url,
        hint="give an HTML page, a feed, plain text or JSON Lines",
    )


def _read_stdin(
    stream: IO[bytes], *, on_problem: OnProblem, published: str | None, max_bytes: int
) -> Iterator[Document]:
    # Whether standard input is JSON Lines is known only at its end, so it is spooled
    # to a temporary file (memory up to 8 MB) while each line is checked.
    all_objects = True
    nonempty = 0
    size = 0
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as spool:
        for line in stream:
            spool.write(line)
            size += len(line)
            if all_objects and line.strip():
                nonempty += 1
                try:
                    all_objects = isinstance(json.loads(line), dict)
                except ValueError:
                    all_objects = False
        spool.seek(0)
        if nonempty and all_objects:
            yield from iter_jsonl(
                spool, _STDIN, on_problem=on_problem, published=published, max_bytes=max_bytes
            )
            return
        if size > max_bytes:
            on_problem(
                InputError(
                    f"standard input is {human_size(size)}, larger than the limit of "
                    f"{human_size(max_bytes)}",
                    where=_STDIN,
                    hint="give a file, JSON Lines, or raise the limit with --max-size",
                )
            )
            return
        data = spool.read()
    if not data.strip():
        on_problem(
            InputError(
                "standard input is empty",
                where=_STDIN,
                hint="pipe a report or JSON Lines into the command",
            )
        )
        return
    try:
        yield text_document(data, _STDIN, published=published)
    except InputError as problem:
        on_problem(problem)
