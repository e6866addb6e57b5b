"""Read RSS/Atom feeds (feedparser): each entry becomes a Document, or its linked page when asked."""

from __future__ import annotations

import datetime as _dt
import email.utils
import re
from collections.abc import Iterator
from typing import Any

from armsgraph.errors import InputError
from armsgraph.ingest.common import finish, looks_binary, normalize_date, read_file_bytes
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
    published: str | None = None,
    fetch_links: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = 50_000_000,
) -> Iterator[Document | InputError]:
    """Documents from the bytes of a feed; errors per entry, or one for a feed that is not one."""
    if not data.strip():
        yield InputError("empty feed", where=source, hint="check the file or URL")
        return
    if looks_binary(data[:8192]):
        yield InputError("binary file, not a feed", where=source, hint="give an RSS or Atom file")
        return
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.get("version"):
        reason = parsed.get("bozo_exception")
        detail = f" ({type(reason).__name__}: {reason})" if reason else ""
        yield InputError(
            f"not an RSS or Atom feed{detail}",
            where=source,
            hint="check that the file or URL is a feed (XML with <rss> or <feed>)",
        )
        return
    if not parsed.entries:
        yield InputError("the feed has no entries", where=source, hint="check the feed URL")
        return
    feed_title = parsed.feed.get("title")
    for n, entry in enumerate(parsed.entries, start=1):
        where = f"{source} entry {n}"
        link = entry.get("link") or None
        title = entry.get("title") or None
        date = _entry_date(entry)
        meta: dict[str, Any] = {"feed": source}
        if feed_title:
            meta["feed_title"] = feed_title
        if entry.get("id"):
            meta["guid"] = entry["id"]
        if fetch_links and link and is_url(link):
            got = fetch(link, timeout=timeout, max_bytes=max_bytes)
            if isinstance(got, InputError):
                yield got
                continue
            doc = html_document(got.content, link, url=got.url, published=date or published)
            if isinstance(doc, InputError):
                yield doc
                continue
            doc.title = doc.title or title
            doc.meta.update(meta)
            yield doc
            continue
        text = _entry_text(entry)
        if not text:
            yield InputError(
                "the entry has no content or summary",
                where=where,
                hint="read the linked pages instead (fetch_links, --fetch-links)",
            )
            continue
        doc = Document(
            text=text, url=link, title=title, published=date, source=link or source, meta=meta
        )
        yield finish(doc, published=published)


def read_feed(
    source: str,
    *,
    published: str | None = None,
    fetch_links: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = 50_000_000,
) -> Iterator[Document | InputError]:
    """Documents from a feed file or an http(s) feed URL."""
    if is_url(source):
        got = fetch(source, timeout=timeout, max_bytes=max_bytes)
        if isinstance(got, InputError):
            yield got
            return
        data: bytes | InputError = got.content
    else:
        data = read_file_bytes(source, max_bytes)
    if isinstance(data, InputError):
        yield data
        return
    yield from iter_feed_bytes(
        data,
        source,
        published=published,
        fetch_links=fetch_links,
        timeout=timeout,
        max_bytes=max_bytes,
    )
