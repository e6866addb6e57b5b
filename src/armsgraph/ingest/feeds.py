"""Read RSS/Atom feeds (feedparser): each entry becomes a Document, or its linked page when asked."""

from __future__ import annotations

import datetime as _dt
import email.utils
import re
from collections.abc import Iterator
from typing import Any

from armsgraph.errors import InputError
from armsgraph.ingest.common import (
    OnProblem,
    finish,
    looks_binary,
    normalize_date,
    read_file_bytes,
)
from armsgraph.ingest.fetch import DEFAULT_TIMEOUT, fetch, is_url
from armsgraph.ingest.html import html_document
from armsgraph.model import Document

# Elements that end a line when feed HTML is flattened to text.
_BLOCK_TAGS = (
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "table", "tr", "section", "article", "figure", "figcaption",
)  # fmt: skip
_SPACES = re.compile(r"[ \t\u00a0]+")


def fragment_text(markup: str) -> str:
    """The text of an HTML fragment (feed content or summary), one line per block."""
    if "<" not in markup:
        import html

        return _tidy(html.unescape(markup))
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return _tidy(re.sub(r"<[^>]+>", " ", markup))
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    for el in root.iter(*_BLOCK_TAGS):
        el.tail = "\n" + (el.tail or "")
    return _tidy(root.text_content())


def _tidy(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _entry_date(entry: Any) -> str | None:
    # The date as written keeps the publisher's local day; feedparser's *_parsed fields
    # are converted to UTC and can move a late-evening story to the next day.
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if not raw:
            continue
        try:
            return email.utils.parsedate_to_datetime(raw).date().isoformat()
        except (TypeError, ValueError, IndexError):
            pass
        date = normalize_date(raw)
        if date:
            return date
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        st = entry.get(key)
        if st:
            return _dt.date(st.tm_year, st.tm_mon, st.tm_mday).isoformat()
    return None


def _entry_text(entry: Any) -> str:
    # Full content beats the summary, which is often a teaser.
    for item in entry.get("content") or []:
        value = item.get("value") or ""
        text = value if item.get("type") == "text/plain" else fragment_text(value)
        if text.strip():
            return text
    summary = entry.get("summary") or ""
    return fragment_text(summary) if summary.strip() else ""


def iter_feed_bytes(
    data: bytes,
    source: str,
    *,
    on_problem: OnProblem,
    published: str | None = None,
    fetch_links: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = 50_000_000,
) -> Iterator[Document]:
    """Documents from the bytes of a feed; to `on_problem`, each entry that cannot be read,
    or one problem for a feed that is not one."""
    try:
        parsed = _parse_feed(data, source)
    except InputError as problem:
        on_problem(problem)
        return
    feed_title = parsed.feed.get("title")
    for n, entry in enumerate(parsed.entries, start=1):
        meta: dict[str, Any] = {"feed": source}
        if feed_title:
            meta["feed_title"] = feed_title
        if entry.get("id"):
            meta["guid"] = entry["id"]
        try:
            if fetch_links and entry.get("link") and is_url(entry["link"]):
                yield _linked_page(entry, meta, published, timeout, max_bytes)
            else:
                yield _entry_document(entry, f"{source} entry {n}", source, meta, published)
        except InputError as problem:
            on_problem(problem)


def _parse_feed(data: bytes, source: str) -> Any:
    """The feedparser result of a feed with entries; InputError for anything else."""
    if not data.strip():
        raise InputError("empty feed", where=source, hint="check the file or URL")
    if looks_binary(data[:8192]):
        raise InputError("binary file, not a feed", where=source, hint="give an RSS or Atom file")
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.get("version"):
        reason = parsed.get("bozo_exception")
        detail = f" ({type(reason).__name__}: {reason})" if reason else ""
        raise InputError(
            f"not an RSS or Atom feed{detail}",
            where=source,
            hint="check that the file or URL is a feed (XML with <rss> or <feed>)",
        )
    if not parsed.entries:
        raise InputError("the feed has no entries", where=source, hint="check the feed URL")
    return parsed


def _linked_page(
    entry: Any, meta: dict[str, Any], published: str | None, timeout: float, max_bytes: int
) -> Document:
    """The page an entry links to, as the entry's document."""
    link = entry["link"]
    got = fetch(link, timeout=timeout, max_bytes=max_bytes)
    doc = html_document(got.content, link, url=got.url, published=_entry_date(entry) or published)
    doc.title = doc.title or entry.get("title") or None
    doc.meta.update(meta)
    return doc


def _entry_document(
    entry: Any, where: str, source: str, meta: dict[str, Any], published: str | None
) -> Document:
    """An entry's own content (or summary) as its document."""
    text = _entry_text(entry)
    if not text:
        raise InputError(
            "the entry has no content or summary",
            where=where,
            hint="read the linked pages instead (fetch_links, --fetch-links)",
        )
    link = entry.get("link") or None
    doc = Document(
        text=text,
        url=link,
        title=entry.get("title") or None,
        published=_entry_date(entry),
        source=link or source,
        meta=meta,
    )
    return finish(doc, published=published)


def read_feed(
    source: str,
    *,
    on_problem: OnProblem,
    published: str | None = None,
    fetch_links: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = 50_000_000,
) -> Iterator[Document]:
    """Documents from a feed file or an http(s) feed URL; problems to `on_problem`."""
    try:
        if is_url(source):
            data = fetch(source, timeout=timeout, max_bytes=max_bytes).content
        else:
            data = read_file_bytes(source, max_bytes)
    except InputError as problem:
        on_problem(problem)
        return
    yield from iter_feed_bytes(
        data,
        source,
        on_problem=on_problem,
        published=published,
        fetch_links=fetch_links,
        timeout=timeout,
        max_bytes=max_bytes,
    )
