"""Read HTML pages: main text via trafilatura (fast mode), with title, date and URL metadata."""

from __future__ import annotations

from typing import Any

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
) -> Document:
    """An HTML page → a Document of its main text; InputError when it has none."""
    if not data or not data.strip():
        raise InputError("empty page", where=source, hint="check the file or URL")
    if isinstance(data, bytes) and looks_binary(data[:8192]):
        raise InputError(
            "binary content, not HTML",
            where=source,
            hint="give an HTML page; convert PDFs or images to text first",
        )
    try:
        result = _extract(data, url)
        text = (result.text or "").strip() if result is not None else ""
        if len(text.split()) < MIN_WORDS:
            # lxml stops reading markup nested deeper than 255 levels unless told to read
            # "huge" trees (then 2,048): read such a page again that way.
            tree = _deep_tree(data)
            if tree is not None:
                if _depth(tree) >= _HUGE_DEPTH:
                    raise InputError(
                        f"the page's markup is nested more than {_HUGE_DEPTH:,} levels deep",
                        where=source,
                        hint="the page is malformed or hostile; save the article text as .txt if it is a real report",
                    )
                result = _extract(tree, url)
                text = (result.text or "").strip() if result is not None else ""
    except InputError:
        raise
    except RecursionError:
        raise InputError(
            "the page's markup is nested too deeply to read",
            where=source,
            hint="the page is malformed or hostile; save the article text as .txt if it is a real report",
        ) from None
    except Exception as exc:  # noqa: BLE001 - trafilatura/lxml raise many kinds on bad markup
        raise InputError(
            f"could not parse HTML ({type(exc).__name__}: {exc})",
            where=source,
            hint="check that the file is an HTML page",
        ) from None
    if len(text.split()) < MIN_WORDS:
        raise InputError(
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


# The depth lxml's default parser reads to, and the one it reads to with huge_tree.
_DEFAULT_DEPTH = 255
_HUGE_DEPTH = 2047


def _extract(data: Any, url: str | None) -> Any:
    import trafilatura  # imported here: loading it costs a second and only pages need it

    return trafilatura.bare_extraction(
        data,
        url=url,
        fast=True,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
    )


def _deep_tree(data: bytes | str) -> Any:
    """The page parsed as trafilatura parses it but with lxml's huge_tree, when it is
    nested deeper than the default parser reads; else None."""
    from lxml.html import HTMLParser, fromstring
    from trafilatura.utils import decode_file

    parser = HTMLParser(
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        huge_tree=True,
    )
    markup = decode_file(data)
    try:
        tree = fromstring(markup, parser=parser)
    except ValueError:  # a str with an encoding declaration
        tree = fromstring(markup.encode("utf-8"), parser=parser)
    return tree if _depth(tree) > _DEFAULT_DEPTH else None


def _depth(tree: Any) -> int:
    """How deep elements nest in `tree` (iteratively: a deep tree must not recurse)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        el, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((child, d + 1) for child in el)
    return deepest


def read_html_file(
    path: str, *, published: str | None = None, max_bytes: int = 50_000_000
) -> Document:
    """An HTML file → a Document (source = the path); InputError when it cannot be read."""
    return html_document(read_file_bytes(path, max_bytes), path, published=published)
