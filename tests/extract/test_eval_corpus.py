"""Accuracy gate on the project's own evaluation corpus, and evidence spans checked on every report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armsgraph.errors import InputError
from armsgraph.evaluate import evaluate
from armsgraph.extract import Extractor
from armsgraph.ingest import iter_documents

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus" / "eval"
# Recorded floors: raise them when the score rises, never lower them to make a change pass.
FLOORS = json.loads((Path(__file__).with_name("eval_floor.json")).read_text("utf-8"))


@pytest.fixture(scope="module")
def extractions():
    """The corpus read the way `armsgraph evaluate` reads it (ingest, then extract)."""
    extractor = Extractor()
    docs = [d for d in iter_documents([str(CORPUS / "eval.jsonl")]) if not isinstance(d, InputError)]
    return [extractor.extract(doc) for doc in docs]


def test_corpus_is_big_enough_and_sourced():
    records = [json.loads(line) for line in (CORPUS / "eval.jsonl").read_text("utf-8").splitlines()]
    assert len(records) >= 40
    assert all(r.get("url") and r.get("license") for r in records)
    gold_ids = {json.loads(line)["id"] for line in (CORPUS / "eval.gold.jsonl").read_text("utf-8").splitlines()}
    assert gold_ids == {r["id"] for r in records}


def test_score_does_not_fall_below_floor(extractions):
    report = evaluate(CORPUS / "eval.gold.jsonl", [ex.to_json() for ex in extractions])
    summary = "\n".join(report.summary_lines())
    print(summary)
    assert report.lenient.f1 >= FLOORS["lenient_f1"], summary
    assert report.strict.f1 >= FLOORS["strict_f1"], summary


def test_every_evidence_span_is_the_document_text(extractions):
    checked = 0
    for ex in extractions:
        text = ex.document.text
        for ev in ex.events:
            assert ev.evidence, f"{ex.document.id}: event {ev.id} has no evidence"
            for sp in ev.evidence:
                assert text[sp.start : sp.end] == sp.text
                checked += 1
        for ent in ex.entities:
            for m in ent.mentions:
                assert text[m.start : m.end] == m.text
        for f in ex.facts:
            assert text[f.evidence.start : f.evidence.end] == f.evidence.text
    assert checked > 0


def test_numbers_in_output_stand_in_their_evidence(extractions):
    """Nothing invented: a quantity, money or time text is found in the event's evidence."""
    for ex in extractions:
        for ev in ex.events:
            evidence = " ".join(sp.text for sp in ev.evidence)
            for part in (ev.quantity, ev.value, ev.time):
                if part is not None:
                    assert part.text in evidence, (ex.document.id, part.text)
