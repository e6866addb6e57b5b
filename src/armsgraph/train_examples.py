"""Training examples: each report run through the rules, and the rules' candidates labelled by
the gold events whose evidence overlaps them (type or none, each actor's side, the status)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from armsgraph import corpus as corpus_module
from armsgraph.evaluate import GoldEvent, gold_events
from armsgraph.extract.learned import (
    MODEL_NAMES,
    Candidate,
    StatusRule,
    attach_parses,
    candidates,
    event_features,
    role_features,
    rules_status,
    status_features,
)
from armsgraph.model import Extraction
from armsgraph.ontology import side_of


@dataclass
class Parsed:
    """One report run through the rules: the extraction, its sentences and its gold."""

    report: corpus_module.Report
    extraction: Extraction
    sentences: list[tuple[int, int]]
    gold: list[GoldEvent]
    gold_raw: list[dict[str, Any]]
    status_rule: StatusRule | None = None


@dataclass
class Examples:
    rows: dict[str, list[tuple[dict[str, float], str]]] = field(
        default_factory=lambda: {name: [] for name in MODEL_NAMES}
    )

    def add(
        self, decision: str, label: str, features: Callable[..., dict[str, float]], *args, **kwargs
    ) -> None:
        """One example per model of the decision: features(*args, use_rules) without, and with, the rules."""
        for variant in ("model", "both"):
            if f"{decision}/{variant}" in self.rows:
                self.rows[f"{decision}/{variant}"].append(
                    (features(*args, **kwargs, use_rules=variant == "both"), label)
                )


def _ranges(text: str, quotes: list[str]) -> list[tuple[int, int]]:
    out = []
    for quote in quotes:
        at = text.find(quote)
        if at >= 0:
            out.append((at, at + len(quote)))
    return out


def _actor_country(extraction: Extraction, entity_id: str) -> str | None:
    entity = extraction.entity(entity_id)
    if entity is None:
        return None
    return entity_id.split(":", 1)[1] if entity.type == "country" else entity.country


def _best_gold(c: Candidate, parsed: Parsed) -> dict[str, Any] | None:
    """The gold event this candidate speaks of: evidence overlapping, most countries shared."""
    text = parsed.extraction.document.text
    spans = [c.sentence] + ([(s.start, s.end) for s in c.rule.evidence] if c.rule else [])
    mine = {_actor_country(parsed.extraction, m.entity) for m in c.actors} - {None}
    best, best_score = None, 0.0
    for raw in parsed.gold_raw:
        quotes = raw.get("evidence") or []
        quotes = [quotes] if isinstance(quotes, str) else quotes
        if not any(a < y and x < b for a, b in spans for x, y in _ranges(text, quotes)):
            continue
        theirs = set(raw.get("countries") or [])
        score = len(mine & theirs) / max(1, len(mine | theirs))
        types = raw["type"] if isinstance(raw["type"], list) else [raw["type"]]
        if c.rule is not None and c.rule.type in types:
            score += 0.01
        if score > best_score:
            best, best_score = raw, score
    return best


def _first(value: Any, prefer: str | None) -> str:
    values = value if isinstance(value, list) else [value]
    return prefer if prefer in values else values[0]


def examples_of(parsed: list[Parsed], use_parse: bool = False) -> Examples:
    out = Examples()
    for p in parsed:
        ex = p.extraction
        cands = candidates(ex, p.sentences)
        if use_parse:
            attach_parses(cands, ex.document.text)
        for c in cands:
            gold = _best_gold(c, p)
            rule_type = c.rule.type if c.rule else None
            label = _first(gold["type"], rule_type) if gold else "none"
            out.add("event", label, event_features, c, ex)
            if gold is None:
                continue
            if gold.get("status"):
                status = _first(gold["status"], c.rule.status if c.rule else None)
                ruled = rules_status(c, label, p.status_rule)
                out.add("status", status, status_features, c, label, ex, ruled=ruled)
            sides: dict[str, str] = {}
            for part in gold.get("participants") or []:
                side = side_of(part.get("role") or "")
                if side and part.get("country"):
                    sides.setdefault(part["country"], side)
            if not gold.get("participants"):
                continue
            for m in c.actors:
                side = sides.get(_actor_country(ex, m.entity) or "", "none")
                out.add("role", side, role_features, c, m, label, ex)
    return out


def run_rules(reports: list[corpus_module.Report], extractor) -> list[Parsed]:
    out = []
    for r in reports:
        doc = r.document()
        spacy_doc = extractor.nlp(doc.text)
        extraction = extractor.events.extract(doc, spacy_doc)
        sentences = [(s.start_char, s.end_char) for s in spacy_doc.sents]
        where = f"{r.path}:{r.line}"
        gold = gold_events(r.gold, where, r.line)
        rule = extractor.events.status_rule(spacy_doc)
        out.append(Parsed(r, extraction, sentences, gold, r.gold["events"], rule))
    return out


def read_guard(gold_path: str | Path, input_path: str | Path, extractor) -> list[Parsed]:
    """Reports (a gold file and its JSON Lines input) whose score a choice must not lower."""
    from armsgraph.evaluate import read_gold
    from armsgraph.ingest import iter_documents

    gold = read_gold(gold_path)
    raw = {
        json.loads(line)["id"]: json.loads(line)
        for line in Path(gold_path).read_text("utf-8").splitlines()
        if line.strip()
    }
    out = []
    for doc in iter_documents([str(input_path)]):
        if getattr(doc, "id", None) in gold:
            spacy_doc = extractor.nlp(doc.text)
            sentences = [(s.start_char, s.end_char) for s in spacy_doc.sents]
            report = corpus_module.Report(
                record={"id": doc.id}, gold=raw[doc.id], path=Path(input_path), line=0
            )
            extraction = extractor.events.extract(doc, spacy_doc)
            rule = extractor.events.status_rule(spacy_doc)
            out.append(
                Parsed(report, extraction, sentences, gold[doc.id], raw[doc.id]["events"], rule)
            )
    return out
