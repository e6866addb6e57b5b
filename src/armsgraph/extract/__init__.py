"""extract stage: sentences and mentions → typed, source-cited events and facts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from armsgraph.model import Document, Extraction


class Extractor:
    """Builds the NLP pipeline once and extracts documents with it.

    `gazetteer_files` extend the shipped gazetteer; `model` names an installed spaCy
    model to use instead of the blank pipeline.
    """

    def __init__(self, *, gazetteer_files: tuple[str, ...] = (), model: str | None = None):
        self.gazetteer_files = tuple(gazetteer_files)
        self.model = model

    def extract(self, doc: Document) -> Extraction:
        return Extraction(document=doc)

    def pipe(self, docs: Iterable[Document], batch_size: int = 64) -> Iterator[Extraction]:
        for doc in docs:
            yield self.extract(doc)


_default: Extractor | None = None


def extract(doc: Document | str, **kwargs) -> Extraction:
    """Extract one document (or a plain text) with a shared default Extractor."""
    global _default
    if isinstance(doc, str):
        doc = Document(text=doc, **kwargs)
    if _default is None:
        _default = Extractor()
    return _default.extract(doc)
