"""One way through the stages: sources → documents → extractions, a failing document set aside.

Every shell runs its documents through here: `armsgraph extract`, the store's ingest
(`armsgraph ingest`, `Database.ingest`), the web app's upload and the Spark job. The
settings of a run travel in one `Options` object; `extractor(options)` builds the NLP
pipeline once per process and settings; `run` streams documents from sources to
extractions, and `extract` the extraction alone (in worker processes when asked). A
document the extractor fails on becomes a problem, reported like an input that cannot be
read, and the run goes on. Problems reach the caller through one callback, in input
order; results are only documents' extractions.

    options = Options(published="2024-11-25")
    for extraction in run(["reports/"], options, on_problem=print):
        ...
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from armsgraph.errors import ArmsgraphError, InputError
from armsgraph.model import Document, Extraction

DEFAULT_MAX_BYTES = 50_000_000  # one document: a file, a JSON Lines line, a WARC record
DEFAULT_TIMEOUT = 20.0  # seconds allowed for one URL fetch
BATCH_SIZE = 32  # documents handed to spaCy's nlp.pipe at once

OnProblem = Callable[[InputError], None]


@dataclass(frozen=True)
class Options:
    """The settings of a run, in one place.

    published: date for inputs that carry none (any common form; kept as YYYY-MM-DD, an
        InputError naming --published when it cannot be read). fetch_links: read the page
        each feed entry links to. max_bytes: largest document read. timeout: seconds for
        one URL fetch. gazetteer_files, model, decide: the extractor's (extra gazetteer
        files, an installed spaCy model, who makes the learned decisions: rules, model or
        both). workers: extraction processes. batch_size: documents per nlp.pipe call.
    """

    published: str | None = None
    fetch_links: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = DEFAULT_TIMEOUT
    gazetteer_files: tuple[str, ...] = field(default=())
    model: str | None = None
    decide: str | None = None
    workers: int = 1
    batch_size: int = BATCH_SIZE

    def __post_init__(self) -> None:
        if self.published:
            from armsgraph.ingest.common import given_date

            object.__setattr__(self, "published", given_date(self.published))
        object.__setattr__(self, "gazetteer_files", tuple(str(f) for f in self.gazetteer_files))

    @property
    def extractor_key(self) -> tuple[Any, ...]:
        return (self.gazetteer_files, self.model, self.decide)


# -- the extractor, built once per process and settings -------------------------------------

_extractors: dict[tuple[Any, ...], Any] = {}
_build_lock = threading.Lock()


def extractor(options: Options) -> Any:
    """The Extractor for `options`, built on first use and kept for the process (only the
    latest settings' one: a pipeline holds a few hundred MB). ArmsgraphError when a
    gazetteer file, the model or --decide cannot be used."""
    key = options.extractor_key
    with _build_lock:
        found = _extractors.get(key)
        if found is None:
            _extractors.clear()
            found = _extractors[key] = _build(options)
    return found


def _build(options: Options) -> Any:
    from armsgraph.extract import Extractor
    from armsgraph.extract.learned import DECISIONS, MODES

    if options.decide is not None and options.decide not in MODES:
        raise ArmsgraphError(
            f"{options.decide!r} is not one of: {', '.join(MODES)}",
            where="--decide",
            hint="rules: the rules alone; model: the learned decisions; both: each as trained",
        )
    built = Extractor(model=options.model, gazetteer_files=options.gazetteer_files)
    if options.decide is not None:
        if built.decisions is None:
            raise ArmsgraphError(
                "--decide needs trained decisions, and none ship with this install",
                hint="run `armsgraph train`",
            )
        built.decisions = built.decisions.with_modes(**dict.fromkeys(DECISIONS, options.decide))
    return built


# -- reading --------------------------------------------------------------------------------


def documents(
    sources: Iterable[str], options: Options, on_problem: OnProblem
) -> Iterator[Document]:
    """The documents of `sources` (paths, directories, URLs, "-"), in order; each input that
    cannot be read goes to `on_problem`."""
    from armsgraph.ingest import iter_documents

    return iter_documents(
        list(sources),
        on_problem=on_problem,
        published=options.published,
        fetch_links=options.fetch_links,
        max_bytes=options.max_bytes,
        timeout=options.timeout,
    )


# -- extracting -----------------------------------------------------------------------------


def extraction_failed(doc: Document, err: BaseException) -> InputError:
    """The problem of a document the extractor failed on: named, the run goes on."""
    return InputError(
        f"extraction failed ({err.__class__.__name__}: {err})",
        where=doc.source or doc.url or doc.id,
        hint="report this document to the armsgraph maintainers; the run goes on",
    )


def extract(
    docs: Iterable[Document],
    options: Options,
    on_problem: OnProblem,
    *,
    then: Callable[[Extraction], Any] | None = None,
) -> Iterator[Any]:
    """Extract `docs` in order: each document's Extraction, or `then(extraction)` computed
    where the extraction ran (in the worker with `options.workers` > 1, so that what the
    parent does with it is only what must be done there)."""
    return _report(_extract_tagged(((_DOC, d) for d in docs), options, then), on_problem)


def run(
    sources: Iterable[str],
    options: Options,
    on_problem: OnProblem,
    *,
    keep: Callable[[Document], bool] | None = None,
    then: Callable[[Extraction], Any] | None = None,
) -> Iterator[Any]:
    """Read `sources` and extract each document (`extract`), reporting every input that
    cannot be read and every document that cannot be extracted to `on_problem`, at its
    place in the input order. `keep(doc)` False leaves a document out before extraction
    (the store's ingest skips texts it holds)."""
    held: list[InputError] = []

    def tagged() -> Iterator[tuple[str, Any]]:
        for doc in documents(sources, options, held.append):
            yield from ((_PROBLEM, p) for p in _take(held))
            if keep is None or keep(doc):
                yield (_DOC, doc)
        yield from ((_PROBLEM, p) for p in _take(held))

    return _report(_extract_tagged(tagged(), options, then), on_problem)


# Items between the stages, in input order: a document to extract, an extraction's result,
# or a problem to report at that place.
_DOC, _RESULT, _PROBLEM = "doc", "result", "problem"


def _report(items: Iterator[tuple[str, Any]], on_problem: OnProblem) -> Iterator[Any]:
    try:
        for kind, value in items:
            if kind == _PROBLEM:
                on_problem(value)
            else:
                yield value
    finally:
        # Stopped early (the caller closed the stream, or on_problem raised): stop the
        # worker processes now rather than when the generator is collected.
        close = getattr(items, "close", None)
        if close is not None:
            close()


def _take(held: list[InputError]) -> list[InputError]:
    out = held[:]
    held.clear()
    return out


def _extract_tagged(
    items: Iterable[tuple[str, Any]], options: Options, then: Callable[[Extraction], Any] | None
) -> Iterator[tuple[str, Any]]:
    """(doc, Document) and (problem, InputError) items in → (result, ...) and (problem, ...)
    out, in the same order."""
    if options.workers > 1:
        yield from _in_workers(items, options, then)
        return
    ex = extractor(options)
    batch: list[tuple[str, Any]] = []
    n_docs = 0
    for item in items:
        batch.append(item)
        n_docs += item[0] == _DOC
        if n_docs >= options.batch_size:
            yield from _run_batch(ex, batch, then)
            batch, n_docs = [], 0
    if batch:
        yield from _run_batch(ex, batch, then)


def _run_batch(
    ex: Any, batch: list[tuple[str, Any]], then: Callable[[Extraction], Any] | None
) -> Iterator[tuple[str, Any]]:
    results = iter(_extract_batch(ex, [value for kind, value in batch if kind == _DOC]))
    for kind, value in batch:
        if kind == _PROBLEM:
            yield (_PROBLEM, value)
            continue
        kind, value = next(results)
        yield (kind, then(value) if then and kind == _RESULT else value)


def _extract_batch(ex: Any, docs: list[Document]) -> list[tuple[str, Any]]:
    """Each document's (result, Extraction) or (problem, InputError), in order: one
    nlp.pipe call, and when it fails, the batch again one by one to find the document."""
    if not docs:
        return []
    try:
        return [(_RESULT, r) for r in ex.pipe(docs, batch_size=len(docs))]
    except Exception:  # noqa: BLE001 - find the document that fails, extract the rest
        out: list[tuple[str, Any]] = []
        for doc in docs:
            try:
                out.append((_RESULT, ex.extract(doc)))
            except Exception as err:  # noqa: BLE001 - one bad document must not stop the run
                out.append((_PROBLEM, extraction_failed(doc, err)))
        return out


# -- worker processes -------------------------------------------------------------------------

_worker_options: Options | None = None


def _init_worker(options: Options) -> None:
    import signal

    global _worker_options
    # Ctrl-C reaches every process of the terminal's group: the parent alone handles it
    # (it stops the pool), so workers do not each print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_options = replace(options, workers=1)
    extractor(_worker_options)


def _extract_in_worker(doc: Document, then: Callable[[Extraction], Any] | None) -> tuple[str, Any]:
    assert _worker_options is not None
    try:
        result = extractor(_worker_options).extract(doc)
        return (_RESULT, then(result) if then else result)
    except Exception as err:  # noqa: BLE001 - one bad document must not stop the run
        e = extraction_failed(doc, err)
        # Sent back as plain fields: exceptions with extra fields do not survive pickling.
        return ("failed", (e.message, e.where or "", e.hint))


def _in_workers(
    items: Iterable[tuple[str, Any]], options: Options, then: Callable[[Extraction], Any] | None
) -> Iterator[tuple[str, Any]]:
    # A bounded window of documents in flight keeps memory flat whatever the corpus size.
    window = 4 * options.workers
    with multiprocessing.get_context().Pool(options.workers, _init_worker, (options,)) as pool:
        pending: deque[Any] = deque()
        for kind, value in items:
            pending.append(
                pool.apply_async(_extract_in_worker, (value, then))
                if kind == _DOC
                else _Ready((kind, value))
            )
            while len(pending) >= window:
                yield _next_done(pending)
        while pending:
            yield _next_done(pending)


class _Ready:
    """An item that needs no worker, waiting in line with the documents in flight."""

    def __init__(self, item: tuple[str, Any]):
        self.item = item

    def get(self) -> tuple[str, Any]:
        return self.item


def _next_done(pending: deque[Any]) -> tuple[str, Any]:
    kind, value = pending.popleft().get()
    if kind == "failed":
        return (_PROBLEM, InputError(value[0], where=value[1], hint=value[2]))
    return (kind, value)
