"""Load and validate the event ontology and pattern tables that drive extraction."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from armsgraph.errors import PatternError
from armsgraph.model import EVENT_TYPES, STATUSES

SLOTS = {"subj", "subj_pass", "obj", "poss", "adj", "to", "for", "in", "with", "from", "by", "between",
         "of", "and", "at", "on", "against", "through"}
NEEDS = {"system", "program", "system_or_program", "money_or_percent", "foreign", "statistic", "aggregate_recipients"}


@dataclass
class TriggerRule:
    name: str
    type: str
    phrases: list[str]
    roles: dict[str, str]
    needs: list[str] = field(default_factory=list)
    implied: dict[str, str] = field(default_factory=dict)
    weak: bool = False  # weak triggers yield when a stronger one is in the same clause
    # Role map used instead when the subject is a country: "Egypt signed a contract with X" buys.
    country_subject_roles: dict[str, str] = field(default_factory=dict)
    default_status: str | None = None  # instead of the type's default ("delivered" is done)
    speaker_default: str | None = None  # role the issuing government takes when none is named
    # Another event the words also tell of, under way: "end the fighting between X and Y" is a
    # ceasefire sought and a clash going on.
    implies: str | None = None
    source: str = ""


@dataclass
class StatusCue:
    status: str
    phrases: list[str]
    strong: bool = False


@dataclass
class Ontology:
    types: dict[str, dict]
    triggers: list[TriggerRule]
    status_cues: list[StatusCue]
    lexicon: dict
    fact_patterns: list[tuple[str, re.Pattern, str]]


def _read_jsonl(name: str) -> list[tuple[str, dict]]:
    path = resources.files("armsgraph") / "extract" / "patterns" / name
    rows = []
    for lineno, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        where = f"armsgraph/extract/patterns/{name}:{lineno}"
        try:
            rows.append((where, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise PatternError(f"not valid JSON ({exc.msg})", where=where, hint="fix the line") from exc
    return rows


def _validate_trigger(where: str, row: dict) -> TriggerRule:
    if row.get("type") not in EVENT_TYPES:
        raise PatternError(f"unknown event type {row.get('type')!r}", where=where,
                           hint=f"use one of {', '.join(EVENT_TYPES)}")
    if not row.get("phrases"):
        raise PatternError("no phrases", where=where, hint="list the trigger words under 'phrases'")
    if row.get("implies") is not None and row["implies"] not in EVENT_TYPES:
        raise PatternError(f"unknown implied type {row['implies']!r}", where=where,
                           hint=f"use one of {', '.join(EVENT_TYPES)}")
    bad = set(row.get("roles", {})) - SLOTS
    if bad:
        raise PatternError(f"unknown slot(s) {sorted(bad)}", where=where, hint=f"slots are {sorted(SLOTS)}")
    bad = set(row.get("needs", [])) - NEEDS
    if bad:
        raise PatternError(f"unknown need(s) {sorted(bad)}", where=where, hint=f"needs are {sorted(NEEDS)}")
    return TriggerRule(
        name=row.get("name", where), type=row["type"], phrases=row["phrases"], roles=row.get("roles", {}),
        needs=row.get("needs", []), implied=row.get("implied", {}), weak=bool(row.get("weak")),
        country_subject_roles=row.get("country_subject_roles", {}),
        default_status=row.get("default_status"), speaker_default=row.get("speaker_default"),
        implies=row.get("implies"), source=row.get("source", ""),
    )


@lru_cache(maxsize=1)
def load_ontology() -> Ontology:
    base = resources.files("armsgraph") / "extract" / "patterns"
    lexicon = json.loads((base / "ontology.json").read_text("utf-8"))
    triggers = [_validate_trigger(w, r) for w, r in _read_jsonl("triggers.jsonl")]
    cues = []
    for where, row in _read_jsonl("status_cues.jsonl"):
        if row.get("status") not in STATUSES:
            raise PatternError(f"unknown status {row.get('status')!r}", where=where, hint=f"use one of {', '.join(STATUSES)}")
        cues.append(StatusCue(status=row["status"], phrases=row["phrases"], strong=bool(row.get("strong"))))
    facts = []
    for i, fp in enumerate(lexicon.get("fact_patterns", [])):
        try:
            facts.append((fp["attribute"], re.compile(fp["regex"], re.IGNORECASE), fp["unit"]))
        except (KeyError, re.error) as exc:
            raise PatternError(f"fact pattern {i}: {exc}", where="armsgraph/extract/patterns/ontology.json",
                               hint="each fact pattern needs attribute, a valid regex with a 'num' group, and unit") from exc
    return Ontology(types=lexicon["types"], triggers=triggers, status_cues=cues, lexicon=lexicon, fact_patterns=facts)
