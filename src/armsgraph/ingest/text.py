"""Read plain-text reports (.txt, .text, .md): one file, one Document."""

from __future__ import annotations

from armsgraph.ingest.common import check_text_bytes, finish, read_file_bytes
from armsgraph.model import Document


def text_document(
    data: bytes, source: str, *, published: str | None = None, url: str | None = None
) -> Document:
    """Bytes of one plain-text report → a Document; InputError saying what is wrong."""
    text = check_text_bytes(data, source)
    return finish(Document(text=text, url=url, source=source), published=published)


def read_text_file(
    path: str, *, published: str | None = None, max_bytes: int = 50_000_000
) -> Document:
    """A plain-text file → a Document (source = the path); InputError when it cannot be read."""
    return text_document(read_file_bytes(path, max_bytes), path, published=published)
