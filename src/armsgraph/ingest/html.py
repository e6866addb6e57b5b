"""Read HTML pages: main text via trafilatura (fast mode), with title, date and URL metadata."""

from __future__ import annotations

from armsgraph.errors import InputError
from armsgraph.ingest.common import finish, looks_binary, normalize_date, read_file_bytes
from armsgraph.model import Document

# Pages whose extracted text is shorter than this are navigation or error pages; a
# report this short would give nothing to extract anyway.
MIN_WORDS = 20


def html_document(
    data: bytes | str,
    source: str,
    *,
    url: str | None = None,
    published: str | None = None,
) -> Document | InputError:
    """An HTML page → a Document of its main text, or an InputError when it has none."""
    if not data or not data.strip():
        return InputError("empty page", where=source, hint="check the file or URL")
    if isinstance(data, bytes) and looks_binary(data[:8192]):
        return InputError(
            "binary content, not HTML",
            where=source,
            hint="give an HTML page; convert PDFs or images to text first",
        )
    import trafilatura  # imported here: loading it costs a second and only pages need it

    try:
        result = trafilatura.bare_extraction(
            data,
            url=url,
            fast=True,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
        )
    except Exception as exc:  # noqa: BLE001 - trafilatura/lxml raise many kinds on bad markup
        return InputError(
            f"could not parse HTML ({type(exc).__name__}: {exc})",
            where=source,
            hint="check that the file is an HTML page",
        )
    text = (result.text or "").strip() if result is not None else ""
    if len(text.split()) < MIN_WORDS:
        return InputError(
            "no main text found in the page (only navigation or boilerplate)",
            where=source,
            hint="check that it is an article page; save the article text as .txt if needed",
        )
    doc = Document(
        text=text,
        url=url or result.url or None,
        title=result.title or None,
        published=normalize_date(result.date) if result.date else None,
        source=source,
    )
    if result.sitename:
        doc.meta["sitename"] = result.sitename
    return finish(doc, published=published)


def read_html_file(
    path: str, *, published: str | None = None, max_bytes: int = 50_000_000
) -> Document | InputError:
    """An HTML file → a Document (source = the path)."""
    data = read_file_bytes(path, max_bytes)
    if isinstance(data, InputError):
        return data
    return html_document(data, path, published=published)
