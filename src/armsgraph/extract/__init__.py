"""extract stage: sentences and mentions → typed, source-cited events and facts."""

from __future__ import annotations

import gc
import sys
import types
from collections.abc import Iterable, Iterator

from armsgraph.extract.learned import Decisions, load_decisions, refine
from armsgraph.model import Document, Extraction


class Extractor:
    """Builds the NLP pipeline once and extracts documents with it.

    `gazetteer_files` extend the shipped gazetteer; `model` names an installed spaCy
    model to use instead of the blank pipeline. `decisions` are the learned decisions applied
    after the rules: "default" the shipped ones (when trained), None the rules alone, or a
    `Decisions` object (see `armsgraph.extract.learned`).
    """

    def __init__(
        self,
        *,
        gazetteer_files: tuple[str, ...] = (),
        model: str | None = None,
        decisions: Decisions | str | None = "default",
    ):
        from armsgraph.extract.events import EventExtractor
        from armsgraph.nlp.gazetteer import load_gazetteer
        from armsgraph.nlp.pipeline import get_pipeline

        self.gazetteer_files = tuple(gazetteer_files)
        self.model = model
        self.nlp = get_pipeline(model, self.gazetteer_files)
        self.events = EventExtractor(self.nlp, load_gazetteer(self.gazetteer_files))
        self.decisions = load_decisions() if decisions == "default" else decisions
        # The gazetteer and the matchers are some hundred thousand objects that live as long as the
        # process: left to the collector, every full collection walks them all again (a fifth of
        # extraction time, measured by bench/throughput.py). Freezing moves what is alive now out
        # of its reach; it is also what a fork for `--workers` wants (no copy-on-write of them).
        gc.freeze()

    def _skip_reason(self, doc: Document) -> str | None:
        if not doc.text.strip():
            return "empty text"
        if doc.language and not doc.language.startswith("en"):
            return f"language: {doc.language} (only English is extracted)"
        return None

    def extract(self, doc: Document) -> Extraction:
        reason = self._skip_reason(doc)
        if reason:
            return Extraction(document=doc, skipped=reason)
        return self._decide(doc, self.nlp(doc.text))

    def _decide(self, document: Document, parsed) -> Extraction:
        extraction = self.events.extract(document, parsed)
        if self.decisions is not None and not isinstance(self.decisions, str):
            sentences = [(s.start_char, s.end_char) for s in parsed.sents]
            refine(extraction, sentences, self.decisions, self.events.status_rule(parsed))
        return extraction

    def pipe(self, docs: Iterable[Document], batch_size: int = 32) -> Iterator[Extraction]:
        """Extract many documents, letting spaCy batch the tokenization."""
        pending: list[Document] = []
        for doc in docs:
            pending.append(doc)
            if len(pending) >= batch_size:
                yield from self._run(pending)
                pending = []
        if pending:
            yield from self._run(pending)

    def _run(self, docs: list[Document]) -> Iterator[Extraction]:
        todo = [d for d in docs if self._skip_reason(d) is None]
        parsed = dict(zip((id(d) for d in todo), self.nlp.pipe(d.text for d in todo), strict=True))
        for d in docs:
            if id(d) in parsed:
                yield self._decide(d, parsed[id(d)])
            else:
                yield Extraction(document=d, skipped=self._skip_reason(d))


_default: Extractor | None = None


def extract(doc: Document | str, **kwargs) -> Extraction:
    """Extract one document (or a plain text, with Document fields as keywords) with a shared Extractor."""
    global _default
    if isinstance(doc, str):
        doc = Document(text=doc, **kwargs)
    if _default is None:
        _default = Extractor()
    return _default.extract(doc)


class _CallableModule(types.ModuleType):
    """Lets `armsgraph.extract(text)` call extract() while `armsgraph.extract` stays the package."""

    def __call__(self, doc: Document | str, **kwargs) -> Extraction:
        return extract(doc, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
