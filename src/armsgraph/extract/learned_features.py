"""Features of the learned decisions: words and positions around the trigger and the actor,
the parse path between them when parsed, status cue words, and the rules' answers."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

from armsgraph.extract.learned_candidates import WORD, Candidate, Mention, StatusRule
from armsgraph.model import Extraction
from armsgraph.ontology import side_of


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _bucket(n: int) -> str:
    return "0" if n == 0 else "1" if n == 1 else "2-3" if n <= 3 else "4-7" if n <= 7 else "8+"


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
