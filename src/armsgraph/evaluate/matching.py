"""Matching predicted events to gold ones, one document at a time: lenient, strict, by roles."""

from __future__ import annotations

from collections.abc import Callable

from armsgraph.evaluate.records import (
    LEVELS,
    EvalReport,
    GoldEvent,
    Mismatch,
    PredEvent,
    Score,
    Sides,
)
from armsgraph.ontology import SIDES


def lenient_match(gold: GoldEvent, pred: PredEvent) -> bool:
    return pred.type in gold.types and pred.countries == gold.countries


def _system_ok(gold: GoldEvent, pred: PredEvent) -> bool:
    if not gold.systems:
        return True
    return any(k in text for k in gold.systems for text in pred.system_texts)


def strict_match(gold: GoldEvent, pred: PredEvent) -> bool:
    return (
        lenient_match(gold, pred)
        and (not gold.statuses or pred.status in gold.statuses)
        and _system_ok(gold, pred)
    )


def roles_match(gold: GoldEvent, pred: PredEvent) -> bool:
    """Lenient, and each side holds the countries the gold puts there.

    A report may leave one side unnamed in its evidence (the gold then gives that side no
    participant): only the countries the gold places are checked. Gold without roles: lenient.
    """
    if not lenient_match(gold, pred):
        return False
    return gold.sides is None or all(g <= p for g, p in zip(gold.sides, pred.sides, strict=False))


MATCHERS = {"lenient": lenient_match, "strict": strict_match, "roles": roles_match}


def _max_matching(
    golds: list[int], preds: list[int], ok: Callable[[int, int], bool], taken: dict[int, int]
) -> None:
    """Grow `taken` (pred → gold) to a maximum one-to-one matching of golds (augmenting paths)."""

    def augment(g: int, visited: set[int]) -> bool:
        for p in preds:
            if p in visited or not ok(g, p):
                continue
            visited.add(p)
            if p not in taken or augment(taken[p], visited):
                taken[p] = g
                return True
        return False

    for g in golds:
        augment(g, set())


def match_document(
    gold: list[GoldEvent], preds: list[PredEvent], ok: Callable[[GoldEvent, PredEvent], bool]
) -> dict[int, int]:
    """One-to-one gold↔prediction pairs (gold index → pred index), required golds first."""
    required = [i for i, g in enumerate(gold) if not g.optional]
    optional = [i for i, g in enumerate(gold) if g.optional]
    taken: dict[int, int] = {}
    _max_matching(required, list(range(len(preds))), lambda g, p: ok(gold[g], preds[p]), taken)
    # Optional golds may only absorb predictions the required ones left over.
    free = [p for p in range(len(preds)) if p not in taken]
    rest: dict[int, int] = {}
    _max_matching(optional, free, lambda g, p: ok(gold[g], preds[p]), rest)
    taken.update(rest)
    return {g: p for p, g in taken.items()}


def _miss_reason(level: str, gold: GoldEvent, pred: PredEvent) -> str:
    if level == "roles":
        return "sides " + _sides_text(pred.sides) + ", gold " + _sides_text(gold.sides or ())
    reasons = []
    if gold.statuses and pred.status not in gold.statuses:
        reasons.append(f"status {pred.status}, gold {'/'.join(gold.statuses)}")
    if not _system_ok(gold, pred):
        found = ", ".join(pred.system_names) or "none"
        reasons.append(f"no system keyword ({'/'.join(gold.systems)}) in {found}")
    return "; ".join(reasons)


def _sides_text(sides: Sides) -> str:
    return " / ".join(
        f"{name}={'+'.join(sorted(c)) or '-'}" for name, c in zip(SIDES, sides, strict=False)
    )


def score_document(
    report: EvalReport, doc_id: str, gold: list[GoldEvent], preds: list[PredEvent]
) -> None:
    lenient_pairs = match_document(gold, preds, lenient_match)
    for level, ok in MATCHERS.items():
        pairs = lenient_pairs if level == "lenient" else match_document(gold, preds, ok)
        score = report.score(level)
        matched_preds = set(pairs.values())
        for gi, g in enumerate(gold):
            if g.optional:
                if level == "lenient" and gi in pairs:
                    report.optional_found += 1
                continue
            counts = _type_score(
                report, g.types[0] if gi not in pairs else preds[pairs[gi]].type, level
            )
            if gi in pairs:
                score.tp += 1
                counts.tp += 1
                continue
            score.fn += 1
            counts.fn += 1
            reason = None
            if level != "lenient" and gi in lenient_pairs:
                reason = _miss_reason(level, g, preds[lenient_pairs[gi]])
            report.misses[level].append(
                Mismatch(
                    document=doc_id,
                    type="/".join(g.types),
                    countries=sorted(g.countries),
                    status="/".join(g.statuses) or None,
                    systems=list(g.systems),
                    text=g.note,
                    reason=reason,
                )
            )
        for pi, p in enumerate(preds):
            if pi in matched_preds:
                continue
            score.fp += 1
            _type_score(report, p.type, level).fp += 1
            report.extras[level].append(
                Mismatch(
                    document=doc_id,
                    type=p.type,
                    countries=sorted(p.countries),
                    status=p.status,
                    systems=list(p.system_names),
                    text=p.evidence,
                )
            )


def _type_score(report: EvalReport, event_type: str, level: str) -> Score:
    levels = report.per_type.setdefault(event_type, {lv: Score() for lv in LEVELS})
    return levels[level]
