"""The annotated corpus: every quoted string stands in its report, and the splits hold by publisher."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from armsgraph import corpus
from armsgraph.model import EVENT_TYPES

ROOT = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def loaded() -> corpus.Corpus:
    return corpus.load(ROOT)  # strict: any problem fails with its file:line


def test_every_report_and_gold_record_checks(loaded: corpus.Corpus) -> None:
    assert loaded.problems == []
    for report in loaded.reports:
        assert report.record["url"].startswith("http") and report.record["license"]


def test_corpus_size_and_variety(loaded: corpus.Corpus) -> None:
    reports = loaded.reports
    stats = corpus.statistics(reports)
    assert len(reports) >= 300
    assert len(stats["publishers"]) >= 30
    assert max(stats["publishers"].values()) <= 0.10 * len(reports)
    assert stats["genres"].get("news", 0) >= 0.40 * len(reports)
    assert len(stats["supplier_countries"]) >= 12
    assert set(stats["types"]) == set(EVENT_TYPES)


def test_splits_are_by_publisher_and_big_enough(loaded: corpus.Corpus) -> None:
    splits = corpus.read_splits(ROOT)  # raises when a publisher is in two splits
    by_split = {name: corpus.split_reports(loaded, name, root=ROOT) for name in corpus.SPLITS}
    assert sum(len(v) for v in by_split.values()) == len(loaded.reports)
    for name, reports in by_split.items():
        assert {r.publisher_key for r in reports} <= set(splits[name])
    test = by_split["test"]
    assert len(test) >= 100
    assert len({r.publisher_key for r in test}) >= 10
    assert len({r.record["publisher_country"] for r in test}) >= 6
    types = Counter(
        t
        for r in test
        for e in r.gold["events"]
        for t in ([e["type"]] if isinstance(e["type"], str) else e["type"][:1])
    )
    assert set(types) == set(EVENT_TYPES), f"missing in test: {set(EVENT_TYPES) - set(types)}"
    assert len(by_split["dev"]) >= 50


def test_agreement_files_annotate_corpus_reports(loaded: corpus.Corpus) -> None:
    ids = set(loaded.by_id())
    second = [
        json.loads(line)["id"]
        for path in (ROOT / "agreement").glob("second-*.gold.jsonl")
        for line in path.read_text("utf-8").splitlines()
        if line.strip()
    ]
    assert len(set(second)) >= 50
    assert set(second) <= ids


def test_loader_names_file_and_line_of_a_quote_not_in_the_text(tmp_path: Path) -> None:
    (tmp_path / "reports").mkdir()
    report = {
        "id": "r1",
        "url": "https://example.org/r1",
        "title": "t",
        "publisher": "P",
        "publisher_key": "p",
        "publisher_country": "USA",
        "genre": "news",
        "license": "CC BY 4.0",
        "text": "Poland signed a contract to buy 32 F-35 jets from the United States.",
    }
    event = {
        "type": "arms_sale",
        "countries": ["POL", "USA"],
        "status": "agreed",
        "evidence": ["Poland signed a contract to buy 32 F-35 jets from the United States."],
        "trigger": "signed a contract to buy",
        "participants": [
            {"mention": "Poland", "role": "buyer", "id": "country:POL", "country": "POL"},
            {"mention": "Spain", "role": "seller", "id": "country:ESP", "country": "ESP"},
        ],
    }
    (tmp_path / "reports" / "x.jsonl").write_text(json.dumps(report) + "\n")
    (tmp_path / "reports" / "x.gold.jsonl").write_text(
        json.dumps({"id": "r1", "events": [event]}) + "\n"
    )
    with pytest.raises(corpus.CorpusError) as err:
        corpus.load(tmp_path)
    message = str(err.value)
    assert "x.gold.jsonl:1 event 1: participant 'Spain' is not in the event's evidence" in message
    assert "participant countries ['ESP'] are not in countries ['POL', 'USA']" in message
    loose = corpus.load(tmp_path, strict=False)
    assert loose.reports == [] and len(loose.problems) == 2


def test_a_report_is_read_for_evaluation_as_ingest_reads_its_line(loaded: corpus.Corpus) -> None:
    """Evaluation extracts what `armsgraph ingest` would: the publisher in meta, the dateline."""
    from armsgraph.ingest import iter_documents

    reports = [r for r in loaded.reports if r.record.get("publisher")][:40]
    by_file: dict[Path, list[corpus.Report]] = {}
    for r in reports:
        by_file.setdefault(r.path, []).append(r)
    compared = 0
    for path, reps in by_file.items():
        ingested = {d.id: d for d in iter_documents([str(path)])}
        for r in reps:
            doc, other = r.document(), ingested[r.id]
            assert doc.meta["publisher"] == r.record["publisher"]
            assert (doc.text, doc.meta, doc.dateline, doc.published) == (
                other.text, other.meta, other.dateline, other.published,
            )  # fmt: skip
            compared += 1
    assert compared == len(reports) > 0
