"""Golden test on the seed report: every gold event, nothing else but the optional one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armsgraph.evaluate import evaluate
from armsgraph.extract import Extractor
from armsgraph.model import Document

DEV = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "dev"


@pytest.fixture(scope="module")
def seed(seed_dir):
    rec = json.loads((DEV / "dev.jsonl").read_text("utf-8").splitlines()[0])
    doc = Document(text=rec["text"], id=rec["id"], published="2025-11-25")
    return Extractor().extract(doc)


def test_seed_scores(seed):
    report = evaluate(DEV / "dev.gold.jsonl", [seed.to_json()])
    assert report.lenient.f1 == 1.0, "\n".join(report.summary_lines(verbose=True))
    assert report.strict.f1 >= 0.9, "\n".join(report.summary_lines(verbose=True))


def by_type(ex, etype):
    return [e for e in ex.events if e.type == etype]


def test_seed_details(seed):
    names = {e.id: e for e in seed.entities}
    local = by_type(seed, "local_production")
    assert len(local) == 1 and len(local[0].evidence) >= 2
    assert local[0].attribution is not None
    assert (
        local[0].attribution.source == "Turkish officials"
        and local[0].attribution.via == "Bloomberg"
    )
    assert {"since October"} & {local[0].time.text if local[0].time else ""}
    exports = by_type(seed, "export_statistic")[0]
    assert exports.value.amount == 7.5e9 and exports.value.currency == "USD"
    upgrade = by_type(seed, "upgrade")[0]
    assert (
        upgrade.quantity is not None
        and upgrade.quantity.text == "dozens of"
        and upgrade.quantity.amount is None
    )
    facts = {(f.attribute, f.value, f.unit) for f in seed.facts}
    assert ("endurance", 24.0, "h") in facts and ("payload", 250.0, "kg") in facts
    assert ("defense_exports", 7.5e9, "USD") in facts and (
        "defense_exports_change",
        30.0,
        "%",
    ) in facts
    anka = next(f for f in seed.facts if f.attribute == "payload")
    assert "anka" in names[anka.subject].name.lower()
    refusals = [c for e in seed.events for c in e.comments]
    assert any("declined to comment" in c.stance for c in refusals)
    clash = [e for e in by_type(seed, "armed_clash") if e.time and e.time.text == "in May"]
    assert clash and clash[0].time.start == "2025-05-01"


def test_every_span_is_the_text_it_claims(seed):
    text = seed.document.text
    for ev in seed.events:
        for sp in ev.evidence:
            assert text[sp.start : sp.end] == sp.text
    for ent in seed.entities:
        for m in ent.mentions:
            assert text[m.start : m.end] == m.text
    for f in seed.facts:
        assert text[f.evidence.start : f.evidence.end] == f.evidence.text
