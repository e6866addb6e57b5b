"""The feeds and pages to poll: add, list and remove them (stored in the watch_sources table)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, insert, or_, select, update

from armsgraph.errors import ArmsgraphError
from armsgraph.model import content_hash
from armsgraph.store.schema import watch_entries, watch_sources
from armsgraph.store.store import Store
from armsgraph.watch.clock import stamp

DEFAULT_EVERY = 30 * 60
MIN_EVERY = 60  # a shorter schedule would ask a publisher more than once a minute


class SourceError(ArmsgraphError):
    """A source cannot be added, found or removed."""


def source_id(url: str) -> str:
    return "src:" + content_hash(url.strip(), length=12)


def check_url(url: str) -> str:
    """`url` stripped, or SourceError when it is not an http(s) URL with a host."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise SourceError(
            "not an http(s) URL",
            where=url,
            hint="give the address of an RSS or Atom feed or of a page, e.g. https://example.org/feed.xml",
        )
    return url


def host_of(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def add_source(store: Store, url: str, *, every: int = DEFAULT_EVERY) -> dict[str, Any]:
    """Register a feed or page to poll every `every` seconds (at least a minute); a URL
    already registered takes the new schedule. Returns the source."""
    url = check_url(url)
    if every < MIN_EVERY:
        raise SourceError(
            f"polling every {every} s is too often",
            where="--every",
            hint=f"poll at most once a minute (--every {MIN_EVERY // 60}m or more)",
        )
    sid = source_id(url)
    with store.transaction() as conn:
        found = conn.execute(select(watch_sources.c.id).where(watch_sources.c.id == sid)).first()
        if found:
            conn.execute(update(watch_sources).where(watch_sources.c.id == sid).values(every=every))
        else:
            conn.execute(
                insert(watch_sources).values(id=sid, url=url, every=every, added_at=stamp())
            )
    return get_source(store, sid)  # type: ignore[return-value]


def get_source(store: Store, key: str) -> dict[str, Any] | None:
    """A source by its id or URL."""
    with store.connect() as conn:
        row = conn.execute(
            select(watch_sources).where(
                or_(watch_sources.c.id == key, watch_sources.c.url == key.strip())
            )
        ).first()
    return dict(row._mapping) if row else None


def list_sources(store: Store) -> list[dict[str, Any]]:
    """Every source, by URL, with what its last poll did."""
    with store.connect() as conn:
        return [
            dict(r._mapping)
            for r in conn.execute(select(watch_sources).order_by(watch_sources.c.url))
        ]


def remove_source(store: Store, key: str) -> dict[str, Any]:
    """Stop polling a source (by id or URL); what it brought stays in the store."""
    found = get_source(store, key)
    if found is None:
        raise SourceError(
            "no such source",
            where=key,
            hint="`armsgraph sources list` shows the URLs and ids of the sources",
        )
    with store.transaction() as conn:
        conn.execute(delete(watch_entries).where(watch_entries.c.source_id == found["id"]))
        conn.execute(delete(watch_sources).where(watch_sources.c.id == found["id"]))
    return found
