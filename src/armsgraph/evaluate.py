"""Score extracted events against gold annotations: lenient, strict and role-aware P, R, F1."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from armsgraph.errors import ArmsgraphError, InputError
from armsgraph.model import EVENT_TYPES, STATUSES, Document, Extraction
from armsgraph.ontology import SIDES, THING_TYPES, side_of

LEVELS = ("lenient", "strict", "roles")
GUIDE = "see docs/ANNOTATION.md for the gold format"

# Countries by side (supplier, receiver, symmetric): a sale read backwards has the same
# countries as the right reading but not the same sides.
Sides = tuple[frozenset[str], ...]


def sides_from(pairs: Iterable[tuple[str | None, str | None]]) -> Sides:
    """Countries per side from (role, country) pairs; roles without a side are left out."""
    found: dict[str, set[str]] = {side: set() for side in SIDES}
    for role, country in pairs:
        side = side_of(role) if role else None
        if side and country:
            found[side].add(country.upper())
    return tuple(frozenset(found[side]) for side in SIDES)


class EvaluationError(ArmsgraphError):
    """The gold file is malformed or does not fit the predictions."""


@dataclass(frozen=True)
class GoldEvent:
    types: tuple[str, ...]
    countries: frozenset[str]
    systems: tuple[str, ...]  # lower-case keywords; empty when the event names none
    statuses: tuple[str, ...]  # empty when the gold gives none
    optional: bool
    note: str
    line: int
    sides: Sides | None = None  # None when the gold gives no participants with roles


@dataclass(frozen=True)
class PredEvent:
    type: str
    countries: frozenset[str]
    status: str
    system_texts: tuple[str, ...]  # names, categories, aliases of systems/programs, lower case
    system_names: tuple[str, ...]
    evidence: str
    event_id: str
    sides: Sides = (frozenset(), frozenset(), frozenset())


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        if self.tp + self.fp:
            return self.tp / (self.tp + self.fp)
        return 1.0 if self.fn == 0 else 0.0  # nothing predicted, nothing to find

    @property
    def recall(self) -> float:
        if self.tp + self.fn:
            return self.tp / (self.tp + self.fn)
        return 1.0 if self.fp == 0 else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Mismatch:
    """A missed gold event or an extra predicted one, as --verbose lists it."""

    document: str
    type: str
    countries: list[str]
    status: str | None
    systems: list[str]
    text: str  # the prediction's evidence, or the gold note
    reason: str | None = None  # for strict misses that matched leniently: what differed


@dataclass
class EvalReport:
    documents: int = 0
    lenient: Score = field(default_factory=Score)
    strict: Score = field(default_factory=Score)
    roles: Score = field(default_factory=Score)
    per_type: dict[str, dict[str, Score]] = field(default_factory=dict)
    misses: dict[str, list[Mismatch]] = field(
        default_factory=lambda: {level: [] for level in LEVELS}
    )
    extras: dict[str, list[Mismatch]] = field(
        default_factory=lambda: {level: [] for level in LEVELS}
    )
    optional_found: int = 0
    duplicates: int = 0  # predicted events dropped as exact duplicates within a document
    unscored_documents: int = 0  # predictions for documents the gold does not annotate
    input_errors: list[str] = field(default_factory=list)

    def score(self, level: str) -> Score:
        return getattr(self, level)

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "lenient": self.lenient.to_json(),
            "strict": self.strict.to_json(),
            "roles": self.roles.to_json(),
            "per_type": {
                t: {level: s.to_json() for level, s in levels.items()}
                for t, levels in sorted(self.per_type.items())
            },
            "misses": {k: [asdict(m) for m in v] for k, v in self.misses.items()},
            "extras": {k: [asdict(m) for m in v] for k, v in self.extras.items()},
            "optional_found": self.optional_found,
            "duplicates": self.duplicates,
            "unscored_documents": self.unscored_documents,
            "input_errors": self.input_errors,
        }

    def summary_lines(self, verbose: bool = False) -> list[str]:
        """Plain-text report: scores, per-type counts, and with verbose every miss and extra."""
        lines = [f"documents: {self.documents}"]
        for level in LEVELS:
            s = self.score(level)
            lines.append(
                f"{level:8} P={s.precision:.3f} R={s.recall:.3f} F1={s.f1:.3f}"
                f"  (tp={s.tp} fp={s.fp} fn={s.fn})"
            )
        if self.optional_found:
            lines.append(f"optional gold events found (not scored): {self.optional_found}")
        lines.append("per type (lenient tp/fp/fn, strict tp/fp/fn, roles tp/fp/fn):")
        for t in sorted(self.per_type):
            cells = "  ".join(
                f"{s.tp}/{s.fp}/{s.fn}" for s in (self.per_type[t][level] for level in LEVELS)
            )
            lines.append(f"  {t:22} {cells}")
        if verbose:
            for level in LEVELS:
                for label, items in (("missed", self.misses[level]), ("extra", self.extras[level])):
                    for m in items:
                        why = f" [{m.reason}]" if m.reason else ""
                        system = f" system={'/'.join(m.systems)}" if m.systems else ""
                        lines.append(
                            f"{level} {label}: {m.document} {m.type} "
                            f"{'-'.join(m.countries)} {m.status or '-'}{system}{why}: {m.text}"
                        )
        return lines


# --- reading gold and predictions -------------------------------------------------------


def _as_tuple(value: Any, where: str, name: str, allowed: tuple[str, ...] | None) -> tuple:
    if value is None:
        return ()
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise EvaluationError(
            f'"{name}" must be a string or a list of strings',
            where=where,
            hint=GUIDE,
        )
    if allowed is not None:
        bad = [v for v in values if v not in allowed]
        if bad:
            raise EvaluationError(
                f"unknown {name} {bad[0]!r}",
                where=where,
                hint=f"use one of: {', '.join(allowed)}",
            )
    return tuple(values)


def read_gold(path: str | Path) -> dict[str, list[GoldEvent]]:
    """Gold annotations by document id; a malformed line stops with its file:line."""
    gold: dict[str, list[GoldEvent]] = {}
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            where = f"{path}:{lineno}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvaluationError(
                    f"not valid JSON ({exc.msg})", where=where, hint="fix the gold line"
                ) from None
            if not isinstance(record, dict) or not isinstance(record.get("id"), str):
                raise EvaluationError(
                    'gold line needs a string "id" and an "events" list',
                    where=where,
                    hint=GUIDE,
                )
            if record["id"] in gold:
                raise EvaluationError(
                    f"document {record['id']!r} is annotated twice",
                    where=where,
                    hint="merge its events into one line",
                )
            gold[record["id"]] = gold_events(record, where, lineno)
    return gold


def gold_events(record: dict[str, Any], where: str, line: int = 0) -> list[GoldEvent]:
    """The scorable events of one gold record (`{"id", "events": [...]}`)."""
    events = []
    for raw in record.get("events") or []:
        types = _as_tuple(raw.get("type"), where, "type", EVENT_TYPES)
        if not types:
            raise EvaluationError('gold event without "type"', where=where, hint="give the event type")
        countries = _as_tuple(raw.get("countries"), where, "countries", None)
        participants = raw.get("participants")
        sides = None
        if participants:
            sides = sides_from((p.get("role"), _participant_country(p)) for p in participants)
        events.append(
            GoldEvent(
                types=types,
                countries=frozenset(c.upper() for c in countries),
                systems=tuple(k.lower() for k in _as_tuple(raw.get("system"), where, "system", None)),
                statuses=_as_tuple(raw.get("status"), where, "status", STATUSES),
                optional=bool(raw.get("optional", False)),
                note=str(raw.get("note", "")),
                line=line,
                sides=sides,
            )
        )
    return events


def _participant_country(participant: dict[str, Any]) -> str | None:
    country = participant.get("country")
    if isinstance(country, str) and country:
        return country
    pid = participant.get("id")
    if isinstance(pid, str) and pid.startswith("country:"):
        return pid.split(":", 1)[1]
    return None


def _entity_country(entity: dict[str, Any]) -> str | None:
    if entity.get("type") == "country":
        eid = str(entity.get("id", ""))
        if eid.startswith("country:"):
            return eid.split(":", 1)[1].upper()
    country = entity.get("country")
    return country.upper() if isinstance(country, str) and country else None


def prediction_events(extraction: dict[str, Any]) -> tuple[list[PredEvent], int]:
    """Scorable events of one extraction dict, exact duplicates dropped; and how many were."""
    entities = {e.get("id"): e for e in extraction.get("entities") or []}
    seen: set[tuple] = set()
    out: list[PredEvent] = []
    dropped = 0
    for event in extraction.get("events") or []:
        countries: set[str] = set()
        texts: list[str] = []
        names: list[str] = []
        roles: list[tuple[str | None, str | None]] = []
        for part in event.get("participants") or []:
            entity = entities.get(part.get("entity"), {})
            # A system or program is not a party to the event: a Turkish drone sold to
            # Pakistan makes the event TUR–PAK through the seller, not through the drone.
            if entity.get("type") in THING_TYPES:
                names.append(str(entity.get("name", "")))
                for value in (
                    entity.get("name"),
                    entity.get("category"),
                    *(entity.get("aliases") or []),
                ):
                    if value:
                        texts.append(str(value).lower())
            else:
                code = _entity_country(entity)
                if code:
                    countries.add(code)
                    roles.append((part.get("role"), code))
        key = (event.get("type"), frozenset(countries), frozenset(n.lower() for n in names))
        if key in seen:
            dropped += 1
            continue
        seen.add(key)
        evidence = " … ".join(span.get("text", "") for span in event.get("evidence") or [])
        out.append(
            PredEvent(
                type=str(event.get("type")),
                countries=frozenset(countries),
                status=str(event.get("status")),
                system_texts=tuple(texts),
                system_names=tuple(names),
                evidence=evidence,
                event_id=str(event.get("id", "")),
                sides=sides_from(roles),
            )
        )
    return out, dropped


def annotation_as_predictions(gold: list[GoldEvent]) -> list[PredEvent]:
    """A second annotation read as predictions, for inter-annotator agreement."""
    return [
        PredEvent(
            type=g.types[0],
            countries=g.countries,
            status=g.statuses[0] if g.statuses else "",
            system_texts=g.systems,
            system_names=g.systems,
            evidence=g.note,
            event_id=f"line {g.line}",
            sides=g.sides or (frozenset(), frozenset(), frozenset()),
        )
        for g in gold
        if not g.optional
    ]


# --- matching ---------------------------------------------------------------------------


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
    return gold.sides is None or all(g <= p for g, p in zip(gold.sides, pred.sides))


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
    return " / ".join(f"{name}={'+'.join(sorted(c)) or '-'}" for name, c in zip(SIDES, sides))


def _score_document(
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


# --- entry points -----------------------------------------------------------------------


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
        _score_document(report, doc_id, events, predicted[doc_id])
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
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise EvaluationError(
                    f"not valid JSON ({exc.msg})",
                    where=f"{path}:{lineno}",
                    hint="give the output of `armsgraph extract --format json`",
                ) from None
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
