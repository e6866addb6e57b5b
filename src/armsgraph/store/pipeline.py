"""The ingest pipeline: sources → documents → extraction (optionally in worker processes) → Store.add.

Reading and writing stay in the calling process (one write path); extraction, and the
preparation of what is written (store.prepare), run in workers. Documents whose text is stored already are not extracted again, so re-running
an interrupted ingest resumes where it stopped.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from armsgraph.errors import ArmsgraphError, InputError
from armsgraph.model import Document, Extraction
from armsgraph.store.store import Prepared, Store, prepare

DEFAULT_MAX_BYTES = 50_000_000


@dataclass
class IngestSummary:
    """What an ingest run did. `skipped` holds (where, reason) for each input not stored;
    `updated` counts stored texts that took a corrected publication date."""

    new: int = 0
    unchanged: int = 0
    updated: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    not_extracted: list[tuple[str, str]] = field(default_factory=list)  # stored, extractor declined
    events_added: int = 0
    events_merged: int = 0
    facts: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    interrupted: bool = False  # stopped by Ctrl-C (IngestInterrupted)

    @property
    def documents(self) -> int:
        return self.new + self.unchanged + self.updated

    @property
    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def skip_reasons(self) -> Counter[str]:
        """Skips grouped by reason (the message without the file or URL)."""
        return Counter(reason for _, reason in self.skipped)


class IngestInterrupted(KeyboardInterrupt):
    """The run was interrupted (Ctrl-C): `summary` says what was stored before; every
    document it counts is committed whole, and re-running the same command resumes."""

    def __init__(self, summary: IngestSummary):
        super().__init__("interrupted")
        self.summary = summary


# -- worker side ---------------------------------------------------------------------------

_worker_extractor: Any = None


def _init_worker(options: dict[str, Any]) -> None:
    global _worker_extractor
    import signal

    from armsgraph.extract import Extractor

    # Ctrl-C reaches every process of the terminal's group: the parent alone handles it
    # (it stops the pool), so workers do not each print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    _worker_extractor = Extractor(**options)


def _extract_in_worker(doc: Document) -> Prepared | tuple[str, str, str | None]:
    try:
        # Prepared here (resolved, serialized, rows built) so that the parent, which
        # writes every document, only writes: it bounds the speed-up of the workers.
        return prepare(_worker_extractor.extract(doc))
    except Exception as err:  # noqa: BLE001 - one bad document must not stop the run
        e = _extraction_error(doc, err)
        # Sent back as plain fields: exceptions with extra fields do not survive pickling.
        return (e.message, e.where or "", e.hint)


def _extraction_error(doc: Document, err: Exception) -> InputError:
    return InputError(
        f"extraction failed ({err.__class__.__name__}: {err})",
        where=doc.source or doc.url or doc.id,
        hint="report this document to the armsgraph maintainers; the run goes on",
    )


# -- parent side ---------------------------------------------------------------------------


def ingest(
    store: Store,
    sources: Iterable[str],
    *,
    published: str | None = None,
    fetch_links: bool = False,
    workers: int = 1,
    max_bytes: int = DEFAULT_MAX_BYTES,
    extractor_options: dict[str, Any] | None = None,
    progress: Callable[[IngestSummary], None] | None = None,
) -> IngestSummary:
    """Read, extract and store every document of `sources`; return what happened.

    `workers` > 1 extracts in that many processes; the results are written here, in
    input order, each document in its own transaction. Bad inputs are counted in
    `summary.skipped` and the run goes on; database errors (StoreError) stop it, and so
    does a `published` date that cannot be read (InputError, before anything is read).
    `max_bytes` bounds one document (a file, a JSON Lines line, a WARC record).
    `progress` is called after each input. Ctrl-C raises IngestInterrupted, which
    carries the summary of what was stored.
    """
    from armsgraph.ingest import iter_documents
    from armsgraph.ingest.common import given_date

    if published:
        published = given_date(published)
    summary = IngestSummary()
    options = dict(extractor_options or {})

    def note(item: Extraction | Prepared | InputError) -> None:
        if isinstance(item, ArmsgraphError):
            summary.skipped.append(
                (item.where or "", item.message + (f" ({item.hint})" if item.hint else ""))
            )
        else:
            result = store.add(item)
            if result.status == "unchanged":
                summary.unchanged += 1
            else:
                if result.status == "updated":
                    summary.updated += 1
                else:
                    summary.new += 1
                summary.events_added += result.events_added
                summary.events_merged += result.events_merged
                summary.facts += result.facts
                if item.skipped:
                    summary.not_extracted.append(
                        (item.document.source or item.document.id, item.skipped)
                    )
        if progress:
            progress(summary)
        if stop.requested:
            raise KeyboardInterrupt  # between two documents: the summary is exact

    def todo() -> Iterable[Document | InputError]:
        for item in iter_documents(
            list(sources), published=published, fetch_links=fetch_links, max_bytes=max_bytes
        ):
            if isinstance(item, Document) and store.has_document(item):
                summary.unchanged += 1
                if progress:
                    progress(summary)
                if stop.requested:
                    raise KeyboardInterrupt
                continue
            yield item

    stop = _StopOnSignal()
    try:
        stop.install()
        if workers <= 1:
            from armsgraph.extract import Extractor

            extractor = Extractor(**options)
            for item in todo():
                if isinstance(item, Document):
                    try:
                        item = extractor.extract(item)
                    except Exception as err:  # noqa: BLE001 - one bad document must not stop the run
                        item = _extraction_error(item, err)
                note(item)
        else:
            # A bounded window of documents in flight keeps memory flat whatever the corpus size.
            window = 4 * workers
            with multiprocessing.get_context().Pool(workers, _init_worker, (options,)) as pool:
                pending: deque[Any] = deque()
                for item in todo():
                    pending.append(
                        pool.apply_async(_extract_in_worker, (item,))
                        if isinstance(item, Document)
                        else item
                    )
                    while len(pending) >= window:
                        _drain_one(pending, note)
                while pending:
                    _drain_one(pending, note)
    except KeyboardInterrupt as err:
        # Each document counted was committed in its own transaction (after a second
        # Ctrl-C, the one being written was rolled back whole).
        summary.finished = time.monotonic()
        summary.interrupted = True
        raise IngestInterrupted(summary) from err
    finally:
        stop.uninstall()
    summary.finished = time.monotonic()
    return summary


class _StopOnSignal:
    """Ctrl-C (SIGINT) asks the run to stop after the document being written, so what the
    summary counts is exactly what is stored; a second Ctrl-C stops at once. Installed
    only in the main thread (signal handlers cannot be set elsewhere)."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: Any = None

    def install(self) -> None:
        import signal
        import threading

        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)

    def uninstall(self) -> None:
        import signal

        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None

    def _handle(self, _signum: int, _frame: Any) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True


def _drain_one(pending: deque[Any], note: Callable[[Any], None]) -> None:
    head = pending.popleft()
    if isinstance(head, ArmsgraphError):
        note(head)
        return
    result = head.get()
    note(
        InputError(result[0], where=result[1], hint=result[2])
        if isinstance(result, tuple)
        else result
    )
