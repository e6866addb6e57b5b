"""Shared helpers for readers: safe byte reading, UTF-8 decoding, dates, finishing a Document.

How readers report what they cannot read: a reader of one document raises InputError; a
reader of many (a corpus, an archive, a feed) yields Documents and hands each problem to
its `on_problem` callback, and goes on.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Callable
from typing import Any

from armsgraph.errors import InputError
from armsgraph.ingest.dateline import find_dateline
from armsgraph.ingest.language import detect_language
from armsgraph.model import Document

# A file whose first block holds a NUL byte, or more than this share of control
# characters, is not text: UTF-16 files and images/PDFs land here.
_SNIFF_BYTES = 8192
_CONTROL_SHARE = 0.10
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13))

OnProblem = Callable[[InputError], None]  # where a reader of many documents reports a bad one

_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T ]|\s)")


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} bytes"  # pragma: no cover


def looks_binary(head: bytes) -> bool:
    """True when a leading block of bytes is not text in any 8-bit or UTF-8 encoding."""
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = sum(head.count(bytes([c])) for c in _CONTROL)
    return controls / len(head) > _CONTROL_SHARE


def decode_utf8(data: bytes, where: str, *, offset_base: int = 0) -> str:
    """Decode UTF-8 (a leading BOM is dropped); an InputError names the bad byte's offset."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"invalid UTF-8 at byte offset {offset_base + exc.start}",
            where=where,
            hint="convert the file to UTF-8, e.g. `iconv -f latin1 -t utf-8`",
        ) from None
    # Normalize line ends once here so every offset the later stages compute refers to
    # the same text whatever system wrote the file.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def read_file_bytes(path: str, max_bytes: int) -> bytes:
    """Read a whole file after checking its size; an InputError names the file and the fix."""
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise InputError(
            f"cannot read: {exc.strerror}", where=path, hint="check the path"
        ) from None
    if size > max_bytes:
        raise InputError(
            f"file is {human_size(size)}, larger than the limit of {human_size(max_bytes)}",
            where=path,
            hint="split it into smaller files or JSON Lines, or raise the limit with --max-size",
        )
    if size == 0:
        raise InputError("empty file", where=path, hint="remove it or add the report text")
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise InputError(
            f"cannot read: {exc.strerror}", where=path, hint="check permissions"
        ) from None


def check_text_bytes(data: bytes, where: str) -> str:
    """Bytes of a text input → str; an InputError for empty, binary or non-UTF-8 data."""
    if not data.strip():
        raise InputError("empty file", where=where, hint="remove it or add the report text")
    if looks_binary(data[:_SNIFF_BYTES]):
        raise InputError(
            "binary file, not text",
            where=where,
            hint="give .txt, .html, .jsonl, feed or WARC files; convert PDFs or Word files to text first",
        )
    return decode_utf8(data, where)


# Publication dates outside these years are junk (a page's "0001-01-01", a typo's 9999):
# stored, they would sort before every real report.
YEARS = (1800, 2200)


def normalize_date(value: Any) -> str | None:
    """A date in any common form → ISO YYYY-MM-DD, or None when it cannot be read (or
    falls outside the years 1800–2200)."""
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return _in_range(value.date())
    if isinstance(value, _dt.date):
        return _in_range(value)
    text = str(value).strip()
    if not text:
        return None
    m = _ISO_DATE.match(text)
    if m:
        try:
            return _in_range(_dt.date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError:
            return None
    # dateparser is slow to import and to run, so it is only used past the ISO fast path.
    import dateparser

    parsed = dateparser.parse(
        text,
        settings={"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False},
    )
    return _in_range(parsed.date()) if parsed else None


def _in_range(day: _dt.date) -> str | None:
    return day.isoformat() if YEARS[0] <= day.year <= YEARS[1] else None


DATE_HINT = "give a date such as 2024-11-25 or 25 November 2024"


def given_date(value: str, where: str = "--published") -> str:
    """A publication date given by the user (--published, a form field) as YYYY-MM-DD;
    an InputError naming `where` and the value when it cannot be read."""
    norm = normalize_date(value)
    if norm is None:
        raise InputError(f"cannot read the date {value!r}", where=where, hint=DATE_HINT)
    return norm


def finish(doc: Document, *, published: str | None = None) -> Document:
    """Fill the fields every reader sets the same way: date default, language, dateline."""
    if doc.published:
        norm = normalize_date(doc.published)
        if norm is None:
            doc.meta.setdefault("published_text", doc.published)
        doc.published = norm
    if not doc.published and published:
        doc.published = published
    if not doc.language:
        doc.language = detect_language(doc.text)
    if doc.dateline is None:
        found = find_dateline(doc.text, title=doc.title)
        if found is not None:
            doc.dateline = found.place
            # The extractor uses the span to keep the place of writing out of the actors.
            doc.meta["dateline_span"] = [found.start, found.end]
    return doc
