"""Entity resolution: give every entity of an extraction its canonical id and fold duplicates.

Canonical ids are the gazetteer's (`country:EGY`, organization, system and program ids);
an entity the gazetteer does not know gets `<type>:<folded name>` so the same name of
the same type is one entity across documents.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from armsgraph.errors import ArmsgraphError
from armsgraph.model import Entity, Event, Extraction, Fact, Participant
from armsgraph.nlp.gazetteer import Gazetteer, fold, load_gazetteer

_NAMESPACED = re.compile(r"^[a-z][a-z0-9_-]*:\S+$")
_SLUG = re.compile(r"[^a-z0-9]+")


def _gazetteer() -> Gazetteer | None:
    try:
        return load_gazetteer()
    except (OSError, ArmsgraphError):  # no shipped gazetteer yet: ids as the extractor gave them
        return None


def name_key(entity_type: str, name: str) -> str:
    """The id of an entity the gazetteer does not know: type plus its folded, slugged name."""
    slug = _SLUG.sub("-", fold(name)).strip("-") or "unnamed"
    return f"{entity_type}:{slug}"


def canonical_id(entity: Entity, gazetteer: Gazetteer | None = None) -> str:
    """The id under which `entity` is stored.

    A gazetteer id or any namespaced id (`prefix:rest`) the extractor gave is kept, since
    the extractor builds those from the gazetteer or from the name; a document-local id
    (`e1`, `T3`) is replaced by the gazetteer entry of the same name and type if exactly
    one exists, else by `name_key`.
    """
    gaz = gazetteer if gazetteer is not None else _gazetteer()
    if gaz is not None and gaz.get(entity.id) is not None:
        return entity.id
    if _NAMESPACED.match(entity.id):
        return entity.id
    if gaz is not None:
        hits = [e for e in gaz.lookup(entity.name) if e.type == entity.type]
        if len(hits) == 1:
            return hits[0].id
    return name_key(entity.type, entity.name)


def resolve(extraction: Extraction, gazetteer: Gazetteer | None = None) -> Extraction:
    """A copy of `extraction` with canonical entity ids everywhere, one Entity per id.

    Duplicates (two local entities resolving to one id) pool their aliases and mentions.
    Participants and facts pointing to an entity the extraction does not list are dropped,
    since there is nothing to store for them.
    """
    return resolve_with_ids(extraction, gazetteer)[0]


def resolve_with_ids(
    extraction: Extraction, gazetteer: Gazetteer | None = None
) -> tuple[Extraction, dict[str, str]]:
    """`resolve`, and the canonical id of each of the extraction's entity ids (so a caller
    holding the extraction's JSON can map it without serializing the copy again)."""
    gaz = gazetteer if gazetteer is not None else _gazetteer()
    mapping: dict[str, str] = {}
    merged: dict[str, Entity] = {}
    for ent in extraction.entities:
        cid = canonical_id(ent, gaz)
        mapping[ent.id] = cid
        entry = gaz.get(cid) if gaz is not None else None
        if cid not in merged:
            merged[cid] = Entity(
                id=cid,
                type=entry.type if entry else ent.type,
                name=entry.name if entry else ent.name,
                country=ent.country or (entry.country if entry else None),
                category=ent.category or (entry.category if entry else None),
                aliases=[],
                wikidata=ent.wikidata or (entry.wikidata if entry else None),
                mentions=[],
            )
        target = merged[cid]
        for alias in [ent.name, *ent.aliases, *(m.text for m in ent.mentions)]:
            if alias and alias != target.name and alias not in target.aliases:
                target.aliases.append(alias)
        for m in ent.mentions:
            if m not in target.mentions:
                target.mentions.append(m)
        target.country = target.country or ent.country
        target.category = target.category or ent.category
        target.wikidata = target.wikidata or ent.wikidata

    events: list[Event] = []
    for ev in extraction.events:
        parts: list[Participant] = []
        for p in ev.participants:
            if p.entity in mapping:
                np = Participant(role=p.role, entity=mapping[p.entity])
                if np not in parts:
                    parts.append(np)
        events.append(replace(ev, participants=parts))
    facts: list[Fact] = [
        replace(f, subject=mapping[f.subject]) for f in extraction.facts if f.subject in mapping
    ]
    resolved = Extraction(
        document=extraction.document,
        entities=list(merged.values()),
        events=events,
        facts=facts,
        skipped=extraction.skipped,
    )
    return resolved, mapping


def resolve_event_json(event: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    """An event of an extraction's JSON with canonical participant ids: what
    `resolve(extraction).to_json()` gives for it (participants of unlisted entities dropped,
    duplicates folded, an empty list left out)."""
    parts: list[dict[str, str]] = []
    for p in event.get("participants", []):
        if p["entity"] in mapping:
            np = {"role": p["role"], "entity": mapping[p["entity"]]}
            if np not in parts:
                parts.append(np)
    out = {k: v for k, v in event.items() if k != "participants"}
    if parts:
        out["participants"] = parts
    return out


__all__ = ["canonical_id", "name_key", "resolve", "resolve_event_json", "resolve_with_ids"]
