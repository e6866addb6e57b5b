"""Shared by the golden test and scripts/update_golden.py: what of an extraction a golden file keeps."""

from __future__ import annotations

from pathlib import Path

from armsgraph.extract import Extractor
from armsgraph.ingest import iter_documents
from armsgraph.model import Extraction

ROOT = Path(__file__).resolve().parents[2]
CORPORA = {
    "seed": [str(ROOT.parent / "shared" / "corpus" / "dev" / "dev.jsonl")],
    "eval_corpus": [str(ROOT / "corpus" / "reports" / "us-government-eval.jsonl")],
}


def summarize(ex: Extraction) -> list[list]:
    """One row per event: type, status, sorted countries, sorted system/program names, evidence starts."""
    rows = []
    for ev in ex.events:
        countries, things = set(), set()
        for p in ev.participants:
            ent = ex.entity(p.entity)
            if p.role in ("system", "program"):
                things.add(ent.name if ent else p.entity)
            elif ent is not None and ent.country:
                countries.add(ent.country)
        rows.append(
            [
                ev.type,
                ev.status,
                sorted(countries),
                sorted(things),
                [sp.start for sp in ev.evidence],
            ]
        )
    return sorted(rows)


def summarize_corpus(paths: list[str]) -> dict[str, list[list]]:
    extractor = Extractor()
    out = {}
    for doc in iter_documents(paths):
        if hasattr(doc, "text"):
            out[doc.id] = summarize(extractor.extract(doc))
    return out
