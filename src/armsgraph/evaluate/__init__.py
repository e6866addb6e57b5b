"""Score extracted events against gold annotations: lenient, strict and role-aware P, R, F1.

The records (gold and predicted events, scores, the report) and their readers are in
evaluate/records.py, the matching of one document in evaluate/matching.py; here are the
entry points: a gold file against predictions, a corpus split, two annotations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from armsgraph.errors import InputError
from armsgraph.evaluate.matching import (
    MATCHERS,
    lenient_match,
    match_document,
    roles_match,
    score_document,
    strict_match,
)
from armsgraph.evaluate.records import (
    GUIDE,
    LEVELS,
    EvalReport,
    EvaluationError,
    GoldEvent,
    Mismatch,
    PredEvent,
    Score,
    Sides,
    annotation_as_predictions,
    gold_events,
    prediction_events,
    read_gold,
    sides_from,
)
from armsgraph.jsonlines import json_lines
from armsgraph.model import Document, Extraction


def evaluate(
    gold_path: str | Path,
    predictions: Iterable[dict[str, Any]],
    *,
    input_errors: Iterable[str] = (),
) -> EvalReport:
    """Score extraction dicts (the JSON contract: `Extraction.to_json()`) against gold.

    Predictions for documents the gold does not annotate are counted and ignored; a gold
    document with no prediction raises EvaluationError naming it.
    """
    gold = read_gold(gold_path)
    predicted: dict[str, list[PredEvent]] = {}
    unscored = duplicates = 0
    for extraction in predictions:
        doc_id = (extraction.get("document") or {}).get("id")
        if doc_id not in gold:
            unscored += 1
            continue
        events, dropped = prediction_events(extraction)
        duplicates += dropped
        predicted.setdefault(doc_id, []).extend(events)
    report = score_events(gold, predicted, where=str(gold_path))
    report.input_errors = list(input_errors)
    report.unscored_documents, report.duplicates = unscored, duplicates
    return report


def score_events(
    gold: dict[str, list[GoldEvent]], predicted: dict[str, list[PredEvent]], *, where: str
) -> EvalReport:
    """Score predicted events per document; a gold document with none predicted is an error."""
    missing = [doc_id for doc_id in gold if doc_id not in predicted]
    if missing:
        shown = ", ".join(missing[:10]) + (
            f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        )
        raise EvaluationError(
            f"{len(missing)} gold document(s) missing from the input: {shown}",
            where=where,
            hint="give the input files that hold these documents (matched by document id)",
        )
    report = EvalReport()
    for doc_id, events in gold.items():
        report.documents += 1
        score_document(report, doc_id, events, predicted[doc_id])
    return report


def evaluate_agreement(gold_path: str | Path, other_path: str | Path) -> EvalReport:
    """Inter-annotator agreement: `other_path` (a second gold file) scored as predictions.

    Only the documents both annotate are scored; optional events of the second annotation
    are not counted as extra.
    """
    gold = read_gold(gold_path)
    other = read_gold(other_path)
    shared = {doc_id: events for doc_id, events in gold.items() if doc_id in other}
    if not shared:
        raise EvaluationError(
            "the two annotations share no document id", where=str(other_path), hint=GUIDE
        )
    predicted = {doc_id: annotation_as_predictions(other[doc_id]) for doc_id in shared}
    return score_events(shared, predicted, where=str(gold_path))


def evaluate_split(
    split: str,
    extract_fn: Callable[[Document], Extraction],
    *,
    root: str | Path | None = None,
) -> EvalReport:
    """Extract every report of one corpus split (train, dev, test) and score it."""
    from armsgraph import corpus as corpus_module

    loaded = corpus_module.load(root)
    reports = corpus_module.split_reports(loaded, split, root=root)
    gold: dict[str, list[GoldEvent]] = {}
    predicted: dict[str, list[PredEvent]] = {}
    duplicates = 0
    for report in reports:
        where = f"{report.path}:{report.line}"
        gold[report.id] = gold_events(report.gold, where, report.line)
        events, dropped = prediction_events(extract_fn(report.document()).to_json())
        duplicates += dropped
        predicted[report.id] = events
    scored = score_events(gold, predicted, where=split)
    scored.duplicates = duplicates
    return scored


def read_predictions(path: str | Path) -> Iterable[dict[str, Any]]:
    """Extraction dicts from a predictions JSON Lines file (`armsgraph extract --format json`)."""
    with open(path, encoding="utf-8") as fh:
        for where, _number, record, problem in json_lines(fh, str(path)):
            if problem is not None:
                raise EvaluationError(
                    problem,
                    where=where,
                    hint="give the output of `armsgraph extract --format json`",
                )
            yield record


def run_evaluation(
    gold_path: str | Path,
    input_paths: Iterable[str],
    extract_fn: Callable[[Document], Extraction],
    **ingest_options: Any,
) -> EvalReport:
    """Read the inputs with iter_documents, extract each gold document, and score."""
    from armsgraph.ingest import iter_documents

    gold_ids = set(read_gold(gold_path))
    errors: list[str] = []

    def unreadable(problem: InputError) -> None:
        errors.append(problem.one_line())

    def predictions() -> Iterable[dict[str, Any]]:
        for item in iter_documents(input_paths, on_problem=unreadable, **ingest_options):
            if item.id not in gold_ids:
                # Extraction is the slow part; documents nobody annotated are skipped.
                yield {"document": item.header(), "events": []}
                continue
            yield extract_fn(item).to_json()

    try:
        report = evaluate(gold_path, predictions())
    except EvaluationError as exc:
        if not errors:
            raise
        # A gold document may be missing because its input could not be read.
        raise EvaluationError(
            exc.message,
            where=exc.where,
            hint=f"{exc.hint}; {len(errors)} input(s) could not be read, first: {errors[0]}",
        ) from None
    report.input_errors = errors
    return report


__all__ = [
    "GUIDE",
    "LEVELS",
    "MATCHERS",
    "EvalReport",
    "EvaluationError",
    "GoldEvent",
    "Mismatch",
    "PredEvent",
    "Score",
    "Sides",
    "annotation_as_predictions",
    "evaluate",
    "evaluate_agreement",
    "evaluate_split",
    "gold_events",
    "lenient_match",
    "match_document",
    "prediction_events",
    "read_gold",
    "read_predictions",
    "roles_match",
    "run_evaluation",
    "score_events",
    "sides_from",
    "strict_match",
]
