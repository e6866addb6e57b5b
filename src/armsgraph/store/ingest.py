"""The store's ingest: sources through the pipeline into the store, one document at a time.

Reading and extraction are `armsgraph.pipeline.run` (with --workers, extraction and the
preparation of what is written, `store.prepare`, run in worker processes); writing stays in
the calling process (one write path), each document in its own transaction. Texts the
store holds already are not extracted again, so re-running an interrupted ingest resumes
where it stopped.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

from armsgraph.errors import InputError
from armsgraph.model import Document
from armsgraph.pipeline import DEFAULT_MAX_BYTES, Options, run
from armsgraph.store.rows import Prepared, prepare
from armsgraph.store.store import Store

__all__ = ["DEFAULT_MAX_BYTES", "IngestInterrupted", "IngestSummary", "ingest"]


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


def ingest(
    store: Store,
    sources: Iterable[str],
    options: Options | None = None,
    *,
    progress: Callable[[IngestSummary], None] | None = None,
) -> IngestSummary:
    """Read, extract and store every document of `sources`; return what happened.

    `options` (pipeline.Options) gives the date for undated inputs, the size limit, the
    extractor's settings and `workers`: > 1 extracts in that many processes, and the
    results are written here, in input order, each document in its own transaction. Bad
    inputs are counted in `summary.skipped` and the run goes on; database errors
    (StoreError) stop it. `progress` is called after each input. Ctrl-C raises
    IngestInterrupted, which carries the summary of what was stored.
    """
    options = options or Options()
    summary = IngestSummary()
    stop = _StopOnSignal()

    def after_each() -> None:
        if progress:
            progress(summary)
        if stop.requested:
            raise KeyboardInterrupt  # between two documents: the summary is exact

    def skipped(problem: InputError) -> None:
        summary.skipped.append(
            (problem.where or "", problem.message + (f" ({problem.hint})" if problem.hint else ""))
        )
        after_each()

    def new_text(doc: Document) -> bool:
        if not store.has_document(doc):
            return True
        summary.unchanged += 1
        after_each()
        return False

    try:
        stop.install()
        # Workers also prepare what is written (store.prepare), so the parent only writes.
        with closing(run(sources, options, skipped, keep=new_text, then=prepare)) as results:
            for prepared in results:
                _count(summary, prepared, store.add(prepared))
                after_each()
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


def _count(summary: IngestSummary, prepared: Prepared, result: Any) -> None:
    if result.status == "unchanged":
        summary.unchanged += 1
        return
    if result.status == "updated":
        summary.updated += 1
    else:
        summary.new += 1
    summary.events_added += result.events_added
    summary.events_merged += result.events_merged
    summary.facts += result.facts
    if prepared.skipped:
        summary.not_extracted.append(
            (prepared.document.source or prepared.document.id, prepared.skipped)
        )


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
