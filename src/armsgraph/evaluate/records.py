"""Evaluation records: gold events and predicted events read from their files, scores, reports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from armsgraph.errors import ArmsgraphError
from armsgraph.jsonlines import json_lines
from armsgraph.model import EVENT_TYPES, STATUSES
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
        for where, lineno, record, problem in json_lines(fh, str(path)):
            if problem is not None:
                raise EvaluationError(problem, where=where, hint="fix the gold line")
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
            raise EvaluationError(
                'gold event without "type"', where=where, hint="give the event type"
            )
        countries = _as_tuple(raw.get("countries"), where, "countries", None)
        participants = raw.get("participants")
        sides = None
        if participants:
            sides = sides_from((p.get("role"), _participant_country(p)) for p in participants)
        events.append(
            GoldEvent(
                types=types,
                countries=frozenset(c.upper() for c in countries),
                systems=tuple(
                    k.lower() for k in _as_tuple(raw.get("system"), where, "system", None)
                ),
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
