"""Read plain-text reports (.txt, .text, .md): one file, one Document."""

from __future__ import annotations

from armsgraph.errors import InputError
from armsgraph.ingest.common import check_text_bytes, finish, read_file_bytes
from armsgraph.model import Document


def text_document(
    data: bytes, source: str, *, published: str | None = None, url: str | None = None
) -> Document | InputError:
    """Bytes of one plain-text report → a Document, or an InputError saying what is wrong."""
    text = check_text_bytes(data, source)
    if isinstance(text, InputError):
        return text
    return finish(Document(text=text, url=url, source=source), published=published)


def read_text_file(
    path: str, *, published: str | None = None, max_bytes: int = 50_000_000
) -> Document | InputError:
    """A plain-text file → a Document (source = the path)."""
    data = read_file_bytes(path, max_bytes)
    if isinstance(data, InputError):
        return data
    return text_document(data, path, published=published)
