"""Read web archives (WARC, optionally gzipped) with warcio: HTML responses become Documents."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import IO, Any

from armsgraph.errors import InputError
from armsgraph.ingest.common import OnProblem, human_size, normalize_date
from armsgraph.ingest.html import html_document
from armsgraph.model import Document

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _media_type(value: str | None) -> str:
    return (value or "").split(";")[0].strip().lower()


def read_warc(
    path: str,
    *,
    on_problem: OnProblem,
    published: str | None = None,
    max_bytes: int = 50_000_000,
) -> Iterator[Document]:
    """Documents from the HTML response records of a WARC file, streamed record by record.

    max_bytes bounds each record, not the archive. A truncated record is a problem for
    `on_problem`; reading stops at a record whose header cannot be parsed, since nothing
    after it can be located reliably.
    """
    try:
        if os.path.getsize(path) == 0:
            on_problem(InputError("empty file", where=path, hint="remove it or give a WARC file"))
            return
        with open(path, "rb") as fh:
            yield from read_warc_stream(
                fh, path, on_problem=on_problem, published=published, max_bytes=max_bytes
            )
    except OSError as exc:
        on_problem(InputError(f"cannot read: {exc.strerror}", where=path, hint="check the path"))


def read_warc_stream(
    fh: IO[bytes], path: str, *, on_problem: OnProblem, published: str | None, max_bytes: int
) -> Iterator[Document]:
    """Documents of a WARC stream (any binary file object: a local file, an HDFS or S3
    stream); each record that cannot be read goes to `on_problem`."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    found_html = False
    records = ArchiveIterator(fh)
    n = 0
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except (ArchiveLoadFailed, EOFError, OSError, ValueError, AttributeError) as exc:
            # warcio reports a garbled header as ArchiveLoadFailed, a cut gzip member
            # as EOFError/zlib error, and a header cut mid-line as AttributeError.
            on_problem(_corrupt(exc, f"{path} record {n + 1}"))
            return
        n += 1
        if not _is_html_page(record):
            continue
        found_html = True
        uri = record.rec_headers.get_header("WARC-Target-URI")
        where = f"{path} record {n} ({uri})" if uri else f"{path} record {n}"
        try:
            payload = _payload(record, where, max_bytes)
        except _Cut as cut:  # nothing after a cut record can be located
            on_problem(cut.problem)
            return
        except InputError as problem:
            on_problem(problem)
            continue
        try:
            yield _page(record, payload, where, uri, path, published)
        except InputError as problem:
            on_problem(problem)
    if not found_html:
        on_problem(
            InputError(
                "no HTML response records in the archive",
                where=path,
                hint="check that the WARC holds crawled web pages",
            )
        )


def _is_html_page(record: Any) -> bool:
    """Whether a record is an HTML page that answered 2xx (a response or a resource)."""
    if record.rec_type not in ("response", "resource"):
        return False
    if record.rec_type == "response":
        if record.http_headers is None:
            return False
        status = record.http_headers.get_statuscode()
        if not status or not status.startswith("2"):
            return False  # redirects and error pages are not articles
        ctype = _media_type(record.http_headers.get_header("Content-Type"))
    else:
        ctype = _media_type(record.rec_headers.get_header("Content-Type"))
    return ctype in _HTML_TYPES


class _Cut(Exception):
    """A record cut off or damaged past reading: the archive ends there."""

    def __init__(self, problem: InputError):
        super().__init__(problem.one_line())
        self.problem = problem


def _corrupt(exc: BaseException, where: str) -> InputError:
    return InputError(
        f"truncated or corrupt WARC record ({type(exc).__name__}: {exc})",
        where=where,
        hint="the archive is cut off or damaged; the records before it were read",
    )


def _payload(record: Any, where: str, max_bytes: int) -> bytes:
    """The whole payload of a record; InputError when it is too large or truncated, _Cut
    when it cannot be read at all."""
    from warcio.limitreader import LimitReader

    length = record.length or 0
    if length > max_bytes:
        raise InputError(
            f"record is {human_size(length)}, larger than the limit of {human_size(max_bytes)}",
            where=where,
            hint="raise the limit with --max-size if this page is expected",
        )
    try:
        payload = record.content_stream().read()
        while record.raw_stream.read(1 << 16):
            pass
    except Exception as exc:  # noqa: BLE001 - a cut record fails in several ways
        raise _Cut(_corrupt(exc, where)) from None
    raw = record.raw_stream
    if not isinstance(raw, LimitReader) or raw.limit > 0:
        missing = f", {raw.limit} bytes missing" if isinstance(raw, LimitReader) else ""
        raise InputError(
            f"truncated WARC record{missing}",
            where=where,
            hint="the archive is cut off; the records before it were read",
        )
    return payload


def _page(
    record: Any, payload: bytes, where: str, uri: str | None, path: str, published: str | None
) -> Document:
    """The page of a record as a Document; InputError when it has no main text."""
    warc_date = normalize_date(record.rec_headers.get_header("WARC-Date"))
    doc = html_document(payload, where, url=uri, published=None)
    # The page's own date wins; the capture date bounds the publication date and stands
    # in for it, before the caller's default.
    if not doc.published:
        doc.published = warc_date or published
    if warc_date:
        doc.meta["captured"] = warc_date
    doc.source = uri or path
    doc.meta["warc"] = path
    return doc
