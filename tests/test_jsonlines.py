"""Each JSON Lines reader names file and line of a bad line, in its own words and with its own hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from armsgraph import corpus
from armsgraph.evaluate import EvaluationError, read_gold, read_predictions
from armsgraph.jsonlines import json_lines


def test_lines_parsed_blank_ones_skipped_bad_ones_named() -> None:
    got = list(json_lines(['{"a": 1}\n', "\n", "  \n", "{oops\n", "[2]"], "f.jsonl"))
    assert [(g.where, g.number, g.value, g.problem) for g in got] == [
        ("f.jsonl:1", 1, {"a": 1}, None),
        (
            "f.jsonl:4",
            4,
            None,
            "not valid JSON (Expecting property name enclosed in double quotes)",
        ),
        ("f.jsonl:5", 5, [2], None),
    ]


def test_gold_reader_stops_at_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "g.jsonl"
    path.write_text('{"id": "a", "events": []}\n\nnot json\n')
    with pytest.raises(EvaluationError) as err:
        read_gold(path)
    assert str(err.value) == f"{path}:3: not valid JSON (Expecting value) (fix the gold line)"


def test_predictions_reader_stops_at_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"document": {}}\n{"document": \n')
    with pytest.raises(EvaluationError) as err:
        list(read_predictions(path))
    assert str(err.value) == (
        f"{path}:2: not valid JSON (Expecting value)"
        " (give the output of `armsgraph extract --format json`)"
    )


def test_corpus_loader_lists_bad_lines_and_goes_on(tmp_path: Path) -> None:
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "x.jsonl").write_text("[1]\n")
    (tmp_path / "reports" / "x.gold.jsonl").write_text('\n{"id": "r1", \n')
    loose = corpus.load(tmp_path, strict=False)
    gold, reports = tmp_path / "reports" / "x.gold.jsonl", tmp_path / "reports" / "x.jsonl"
    assert loose.problems == [
        f"{gold}:2: not valid JSON (Expecting property name enclosed in double quotes)",
        f"{reports}:1: a line must be one JSON object",
    ]
