"""One poll of a source: a conditional request, its new entries extracted and stored with Store.add.

A source is polled by one process at a time (a lease in watch_sources); requests to one
host keep `host_interval` apart (watch_hosts, shared by every process on the database). An
entry counts as seen only once it is stored, so a poll cut short (an error, SIGTERM,
kill -9) leaves the rest for the next poll: its validators (ETag, Last-Modified) are kept
only when every entry was read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select, update

from armsgraph.errors import ArmsgraphError, InputError
from armsgraph.ingest import sniff
from armsgraph.ingest.common import OnProblem
from armsgraph.ingest.feeds import iter_feed_bytes
from armsgraph.ingest.fetch import USER_AGENT, http_errors, media_type, read_capped
from armsgraph.ingest.html import html_document
from armsgraph.ingest.text import text_document
from armsgraph.model import Document, content_hash
from armsgraph.store.schema import watch_entries, watch_hosts, watch_sources
from armsgraph.store.store import Store
from armsgraph.watch.clock import lease_free, owner_id, parse_stamp, stamp
from armsgraph.watch.settings import WatchSettings
from armsgraph.watch.sources import host_of

LEASE_SECONDS = 30 * 60  # longest a poll may hold its source (a crashed one is taken over sooner)


@dataclass
class Response:
    """What a conditional GET brought: 200 with content, or 304 (content empty)."""

    url: str
    status: int
    content_type: str
    content: bytes
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class PollResult:
    """What one poll of a source did."""

    source_id: str
    url: str
    outcome: str  # "new", "not modified", "no new entries", "error", "stopped", "busy"
    new: int = 0
    skipped: list[str] = field(default_factory=list)  # entries that could not be read
    error: str | None = None


def conditional_get(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = 20.0,
    max_bytes: int = 50_000_000,
) -> Response:
    """GET `url` with If-None-Match / If-Modified-Since; raises InputError (what, where, the
    fix) when the source cannot be read, as every reader of one document does."""
    import httpx

    headers = {"User-Agent": USER_AGENT, "Accept": "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/html;q=0.8, */*;q=0.5"}  # fmt: skip
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    with (
        http_errors(url, timeout),
        httpx.Client(timeout=timeout, follow_redirects=True, headers=headers) as client,
        client.stream("GET", url) as resp,
    ):
        if resp.status_code == 304:
            return Response(str(resp.url), 304, "", b"", etag, last_modified)
        if resp.status_code >= 400:
            raise InputError(
                f"the server answered {resp.status_code} {resp.reason_phrase}",
                where=url,
                hint="check the URL; the source is polled again later, less often while it fails",
            )
        return Response(
            url=str(resp.url),
            status=resp.status_code,
            content_type=media_type(resp),
            content=read_capped(
                resp, url, max_bytes, hint="is this really a feed or an article page?"
            ),
            etag=resp.headers.get("etag"),
            last_modified=resp.headers.get("last-modified"),
        )


_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml")  # fmt: skip


def documents_of(resp: Response, source_url: str, on_problem: OnProblem) -> list[Document]:
    """The documents a response holds: a feed's entries, or the page (or text) itself; what
    cannot be read goes to `on_problem` (one channel, as the ingest readers use)."""
    kind = "feed" if resp.content_type in _FEED_TYPES else None
    if kind is None:
        kind = {"text/html": "html", "application/xhtml+xml": "html", "text/plain": "text"}.get(
            resp.content_type
        ) or sniff(resp.content[:4096])
    if kind == "feed":
        return list(iter_feed_bytes(resp.content, source_url, on_problem=on_problem))
    try:
        if kind == "html":
            return [html_document(resp.content, source_url, url=resp.url)]
        if kind == "text":
            return [text_document(resp.content, source_url, url=resp.url)]
    except InputError as problem:  # the readers of one document raise what is wrong
        on_problem(problem)
        return []
    on_problem(
        InputError(
            f"neither a feed nor a page ({resp.content_type or kind})",
            where=source_url,
            hint="give the address of an RSS or Atom feed or of an HTML page",
        )
    )
    return []


def entry_key(doc: Document) -> str:
    """What makes an entry new: its id in the feed (or link) and its text, so that an
    entry whose text was corrected is read again."""
    ident = str(doc.meta.get("guid") or doc.url or "")
    return content_hash(ident, doc.text, length=40)


class Ingestor:
    """Extracts and stores documents; the extraction pipeline is built on first use, so a
    poll that finds nothing new does not load it."""

    def __init__(self, extractor_options: dict[str, Any] | None = None):
        self.options = dict(extractor_options or {})
        self._extractor: Any = None

    def add(self, store: Store, doc: Document) -> str:
        """Store `doc` (unless its text is stored); the id of the stored document."""
        if store.has_document(doc):
            return doc.id
        if self._extractor is None:
            from armsgraph.extract import Extractor

            self._extractor = Extractor(**self.options)
        return store.add(self._extractor.extract(doc)).document_id


class Stopped(Exception):
    """A stop was asked for (SIGTERM, SIGINT) while waiting."""


def wait_for_host(
    store: Store, host: str, interval: float, stop: threading.Event | None = None
) -> None:
    """Return when `host` may be asked again (`interval` seconds after the last request
    any process made to it), recording this request's time."""
    while True:
        now = time.time()
        with store.transaction() as conn:
            last = conn.execute(
                select(watch_hosts.c.last_request_at).where(watch_hosts.c.host == host)
            ).scalar()
            free_at = parse_stamp(last) + interval if last else now
            if now >= free_at:
                _upsert_host(conn, host, stamp(now))
                return
        pause = min(free_at - now, interval)
        if stop is not None:
            if stop.wait(pause):
                raise Stopped
        else:
            time.sleep(pause)


def _upsert_host(conn: Connection, host: str, at: str) -> None:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(watch_hosts).values(host=host, last_request_at=at)
    conn.execute(stmt.on_conflict_do_update(index_elements=["host"], set_={"last_request_at": at}))


def claim_source(store: Store, source_id: str, owner: str | None = None) -> bool:
    """Take the source's lease for one poll; False when another live process holds it."""
    owner = owner or owner_id()
    now = stamp()
    with store.transaction() as conn:
        held = conn.execute(
            select(watch_sources.c.lease_owner).where(watch_sources.c.id == source_id)
        ).scalar()
        free = lease_free(
            watch_sources.c.lease_owner, watch_sources.c.lease_until, now, [held] if held else []
        )
        done = conn.execute(
            update(watch_sources)
            .where(watch_sources.c.id == source_id, free)
            .values(lease_owner=owner, lease_until=stamp(time.time() + LEASE_SECONDS))
        )
        return done.rowcount == 1


def due_sources(store: Store, *, force: bool = False, now: float | None = None) -> list[dict]:
    """Sources whose next poll is due (a little early is due: a cron job that fires on the
    minute must not miss a poll by a second); every source when `force`."""
    now = time.time() if now is None else now
    with store.connect() as conn:
        rows = [
            dict(r._mapping)
            for r in conn.execute(select(watch_sources).order_by(watch_sources.c.url))
        ]
    if force:
        return rows
    due = []
    for r in rows:
        slack = min(60.0, r["every"] * 0.1)
        if r["next_poll_at"] is None or parse_stamp(r["next_poll_at"]) <= now + slack:
            due.append(r)
    return due


def backoff(every: int, failures: int, cap: float) -> float:
    """Seconds until a failing source is polled again: its interval, doubled for each
    further failure in a row, at most `cap`."""
    return min(every * 2 ** max(failures - 1, 0), max(cap, every))


def poll_source(
    store: Store,
    source: dict[str, Any],
    settings: WatchSettings,
    ingestor: Ingestor,
    *,
    stop: threading.Event | None = None,
    on_entry: Callable[[str], None] | None = None,
) -> PollResult:
    """Poll one source (whose lease the caller holds): fetch it conditionally, store each
    entry not seen before, record what happened, release the lease."""
    sid, url = source["id"], source["url"]
    try:
        wait_for_host(store, host_of(url), settings.host_interval, stop)
    except Stopped:
        _release(store, sid)
        return PollResult(sid, url, "stopped")
    try:
        got = conditional_get(
            url,
            etag=source["etag"],
            last_modified=source["last_modified"],
            timeout=settings.timeout,
            max_bytes=settings.max_bytes,
        )
    except InputError as problem:
        return _failed(store, source, problem, settings)
    if got.status == 304:
        return _succeeded(store, source, got, PollResult(sid, url, "not modified"), complete=True)
    errors: list[InputError] = []
    docs = documents_of(got, url, errors.append)
    if not docs and errors and errors[0].where == url:
        # The whole response is unreadable (not a feed, no text): an error of the source.
        return _failed(store, source, errors[0], settings)
    result = PollResult(sid, url, "no new entries", skipped=[e.one_line() for e in errors])
    complete = True
    for doc in docs:
        if stop is not None and stop.is_set():
            complete = False
            result.outcome = "stopped"
            break
        key = entry_key(doc)
        with store.connect() as conn:
            seen = conn.execute(
                select(watch_entries.c.entry_key).where(
                    watch_entries.c.source_id == sid, watch_entries.c.entry_key == key
                )
            ).first()
        if seen:
            continue
        try:
            document_id = ingestor.add(store, doc)
        except ArmsgraphError:
            # The store or the extractor cannot work (a database error, a broken pattern
            # file): not this source's fault. Its lease goes; the next poll reads it again.
            _release(store, sid)
            raise
        except Exception as err:  # noqa: BLE001 - one bad entry must not stop the poll
            result.skipped.append(
                f"{doc.url or url}: extraction failed ({err.__class__.__name__}: {err})"
            )
            continue
        # Committed after the document: a crash in between only means the entry is read
        # again next time, and Store.add finds its text stored.
        with store.transaction() as conn:
            conn.execute(
                watch_entries.insert().values(
                    source_id=sid, entry_key=key, document_id=document_id, seen_at=stamp()
                )
            )
        result.new += 1
        if on_entry:
            on_entry(doc.url or doc.id)
    if result.new and result.outcome != "stopped":
        result.outcome = "new"
    return _succeeded(store, source, got, result, complete=complete)


def _release(store: Store, sid: str) -> None:
    with store.transaction() as conn:
        conn.execute(
            update(watch_sources)
            .where(watch_sources.c.id == sid)
            .values(lease_owner=None, lease_until=None)
        )


def _succeeded(
    store: Store, source: dict[str, Any], got: Response, result: PollResult, *, complete: bool
) -> PollResult:
    now = time.time()
    words = {
        "not modified": "not modified",
        "no new entries": "no new entries",
        "new": f"{result.new} new entr{'y' if result.new == 1 else 'ies'}",
        "stopped": f"stopped after {result.new} new entr{'y' if result.new == 1 else 'ies'}",
    }[result.outcome]
    if result.skipped:
        words += f"; {len(result.skipped)} entr{'y' if len(result.skipped) == 1 else 'ies'} unreadable: {result.skipped[0]}"
    values: dict[str, Any] = {
        "last_poll_at": stamp(now),
        "last_status": words,
        "last_new": result.new,
        "total_new": watch_sources.c.total_new + result.new,
        "failures": 0,
        "next_poll_at": stamp(now + source["every"]) if complete else None,
        "lease_owner": None,
        "lease_until": None,
    }
    if complete and got.status != 304:
        values.update(etag=got.etag, last_modified=got.last_modified)
    with store.transaction() as conn:
        conn.execute(update(watch_sources).where(watch_sources.c.id == source["id"]).values(values))
    return result


def _failed(
    store: Store, source: dict[str, Any], err: ArmsgraphError, settings: WatchSettings
) -> PollResult:
    now = time.time()
    failures = (source.get("failures") or 0) + 1
    wait = backoff(source["every"], failures, settings.max_backoff)
    with store.transaction() as conn:
        conn.execute(
            update(watch_sources)
            .where(watch_sources.c.id == source["id"])
            .values(
                last_poll_at=stamp(now),
                last_status="error",
                last_new=0,
                last_error=err.one_line(),
                last_error_at=stamp(now),
                failures=failures,
                next_poll_at=stamp(now + wait),
                lease_owner=None,
                lease_until=None,
            )
        )
    return PollResult(source["id"], source["url"], "error", error=err.one_line())
