"""Training on a small slice of the real corpus: the models fit, ship as JSON, load and run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from armsgraph import corpus
from armsgraph.extract import Extractor
from armsgraph.extract.learned import MODEL_NAMES, load_decisions

pytest.importorskip("sklearn")
ROOT = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    """The real reports, with a split of our own: two publishers to train on, one for dev."""
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(ROOT / "reports", root / "reports")
    keys = sorted({r.publisher_key for r in corpus.load(root).reports})
    splits = {"train": keys[:-3], "dev": keys[-3:-2], "test": keys[-2:]}
    (root / "splits.json").write_text(
        json.dumps({"splits": {name: {"publishers": ks} for name, ks in splits.items()}})
    )
    return root


def test_train_writes_models_that_load_and_extract(small_corpus: Path, tmp_path: Path) -> None:
    from armsgraph.train import train

    out = tmp_path / "decisions.json"
    lines: list[str] = []
    decisions = train(root=small_corpus, output=out, seed=0, limit=20, log=lines.append)
    assert any(line.startswith("dev:") for line in lines), lines
    loaded = load_decisions(out)
    assert loaded is not None and set(loaded.models) == set(MODEL_NAMES)
    assert loaded.meta["seed"] == 0 and 0 < loaded.meta["train_reports"] <= 20
    assert loaded.to_json() == decisions.to_json()
    # The same seed gives the same models.
    again = train(
        root=small_corpus, output=tmp_path / "again.json", seed=0, limit=20, log=lambda _: None
    )
    assert again.models["event/model"].weights == decisions.models["event/model"].weights

    report = next(r for r in corpus.load(small_corpus).reports if r.gold["events"])
    extraction = Extractor(decisions=loaded).extract(report.document())
    text = report.record["text"]
    for event in extraction.events:
        assert 0.0 < event.confidence < 1.0
        for span in event.evidence:
            assert text[span.start : span.end] == span.text


def test_rules_mode_leaves_the_rules_alone(small_corpus: Path, tmp_path: Path) -> None:
    from armsgraph.train import train

    decisions = train(
        root=small_corpus, output=tmp_path / "d.json", seed=0, limit=10, log=lambda _: None
    )
    report = corpus.load(small_corpus).reports[0]
    rules = Extractor(decisions=None).extract(report.document()).to_json()
    ruled = Extractor(decisions=decisions.with_modes(event="rules", role="rules", status="rules"))
    assert ruled.extract(report.document()).to_json() == rules


def test_role_features_read_the_dependency_path() -> None:
    """With the parse, 'from' on the path to the trigger tells the supplier; 'to deter' does not."""
    from armsgraph.extract.learned import Candidate, Mention, attach_parses, parser, role_features
    from armsgraph.model import Document, Entity, Extraction, Span

    if parser() is None:
        pytest.skip("the parse extra is not installed")
    text = "Romania signed a contract for HIMARS launchers from the United States to deter Russia."
    entities = [
        Entity("country:ROU", "country", "Romania", mentions=[Span(0, 7, "Romania")]),
        Entity("country:USA", "country", "United States", mentions=[Span(55, 68, "United States")]),
        Entity("country:RUS", "country", "Russia", mentions=[Span(78, 84, "Russia")]),
    ]
    extraction = Extraction(document=Document(text=text, id="d"), entities=entities)
    actors = [Mention(e.id, e.mentions[0].start, e.mentions[0].end) for e in entities]
    c = Candidate(sentence=(0, len(text)), trigger=(8, 14), rule=None, actors=actors, things=[])
    attach_parses([c], text)
    usa = role_features(c, actors[1], "arms_sale", extraction, use_rules=False)
    russia = role_features(c, actors[2], "arms_sale", extraction, use_rules=False)
    romania = role_features(c, actors[0], "arms_sale", extraction, use_rules=False)
    assert usa.get("path_prep=from") == 1.0 and "path_prep=from" not in russia
    assert romania.get("dep=nsubj") == 1.0
    assert russia.get("path_clause=acl") == 1.0


def test_a_guard_report_keeps_its_score(small_corpus: Path, tmp_path: Path, seed_dir: Path) -> None:
    from armsgraph.evaluate import evaluate
    from armsgraph.train import train

    gold, source = seed_dir / "dev.gold.jsonl", seed_dir / "dev.jsonl"
    decisions = train(
        root=small_corpus,
        output=tmp_path / "d.json",
        seed=0,
        limit=15,
        guard=(gold, source),
        log=lambda _: None,
    )
    rec = json.loads(source.read_text("utf-8").splitlines()[0])
    from armsgraph.model import Document

    extraction = Extractor(decisions=decisions).extract(Document(text=rec["text"], id=rec["id"]))
    report = evaluate(gold, [extraction.to_json()])
    assert (report.lenient.f1, report.strict.f1) == (1.0, 1.0), "\n".join(
        report.summary_lines(verbose=True)
    )
