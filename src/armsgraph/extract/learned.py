"""Learned decisions over the rule candidates: which events stand, who takes which side, status.

The rules (events.py) propose events; sentences that hold an actor and a trigger word but gave
no event are proposed too. Three linear models trained on the corpus's train split
(`armsgraph train`) then decide: the event's type or none, the side of each actor in its
sentence (supplier, receiver, symmetric or none) and the status. Features are plain words
and positions around the trigger and the actor, so nothing is parsed twice and the models
are small JSON files shipped in the package.

Here the decisions are applied (`refine`); the candidates are in learned_candidates.py,
their features in learned_features.py and the models in learned_models.py.
"""

from __future__ import annotations

from armsgraph.extract.learned_candidates import (
    ACTOR_TYPES,
    PARSER_PACKAGE,
    Candidate,
    Mention,
    StatusRule,
    attach_parses,
    candidates,
    parser,
    trigger_words,
)
from armsgraph.extract.learned_features import (
    event_features,
    role_features,
    rules_status,
    status_cue_patterns,
    status_features,
)
from armsgraph.extract.learned_models import (
    DECISIONS,
    FEATURE_VERSION,
    MODEL_NAMES,
    MODEL_PATH,
    MODES,
    NEVER,
    Decisions,
    LinearModel,
    load_decisions,
)
from armsgraph.model import Event, Extraction, Participant, Span, content_hash
from armsgraph.ontology import OBJECT_ROLES, role_sides, roles_of, side_of

__all__ = [
    "ACTOR_TYPES",
    "DECISIONS",
    "FEATURE_VERSION",
    "MODEL_NAMES",
    "MODEL_PATH",
    "MODES",
    "NEVER",
    "PARSER_PACKAGE",
    "Candidate",
    "Decisions",
    "LinearModel",
    "Mention",
    "StatusRule",
    "attach_parses",
    "candidates",
    "event_features",
    "load_decisions",
    "parser",
    "refine",
    "role_features",
    "rules_status",
    "status_cue_patterns",
    "status_features",
    "trigger_words",
]


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
