"""Accuracy gate on the corpus's dev split, and evidence spans checked on every corpus report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armsgraph import corpus
from armsgraph.evaluate import evaluate_split
from armsgraph.extract import Extractor

ROOT = Path(__file__).resolve().parents[2] / "corpus"
# Recorded floors for the dev split: raise them when the score rises, never lower them to make
# a change pass. The test split is printed by `armsgraph evaluate --split test`, never enforced.
FLOORS = json.loads((Path(__file__).with_name("eval_floor.json")).read_text("utf-8"))


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def test_dev_score_does_not_fall_below_floor(extractor: Extractor) -> None:
    report = evaluate_split("dev", extractor.extract, root=ROOT)
    summary = "\n".join(report.summary_lines())
    print(summary)
    assert report.lenient.f1 >= FLOORS["lenient_f1"], summary
    assert report.strict.f1 >= FLOORS["strict_f1"], summary
    assert report.roles.f1 >= FLOORS["roles_f1"], summary


@pytest.fixture(scope="module")
def extractions(extractor: Extractor):
    return [extractor.extract(r.document()) for r in corpus.load(ROOT).reports]


def test_every_evidence_span_is_the_document_text(extractions) -> None:
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


def test_numbers_in_output_stand_in_their_evidence(extractions) -> None:
    """Nothing invented: a quantity, money or time text is found in the event's evidence."""
    for ex in extractions:
        for ev in ex.events:
            evidence = " ".join(sp.text for sp in ev.evidence)
            for part in (ev.quantity, ev.value, ev.time):
                if part is not None:
                    assert part.text in evidence, (ex.document.id, part.text)
