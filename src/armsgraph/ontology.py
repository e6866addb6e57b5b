"""The registry of event types and roles, read once from the ontology's data files.

Two files hold it: `extract/patterns/ontology.json` (each type's actor roles, which side
each role stands on, the symmetric types) and `data/event_types.json` (the roles in the
order exports list them, object roles, each type's colour, the directed edges the network
draws, its SIPRI supplier and recipient roles). Every module that needs a fact about a
type asks here; a new type is a change to those two files and the tests.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from armsgraph.errors import PatternError

SIDES = ("supplier", "receiver", "symmetric")
ONTOLOGY_FILE = "armsgraph/extract/patterns/ontology.json"
TYPES_FILE = "armsgraph/data/event_types.json"
_COLOUR = re.compile(r"^#[0-9a-f]{6}$")


@dataclass(frozen=True)
class SipriRoles:
    """Which roles fill SIPRI's Supplier and Recipient columns for one type."""

    supplier: tuple[str, ...]
    recipient: tuple[str, ...]
    recipient_else: tuple[str, ...]  # the recipient when no participant has those roles
    local_production: bool  # SIPRI's "Local production" column


@dataclass(frozen=True)
class EventType:
    """Everything armsgraph knows about one event type."""

    name: str
    roles: tuple[str, ...]  # actor roles, in the ontology's order
    supplier_roles: tuple[str, ...]
    receiver_roles: tuple[str, ...]
    symmetric: bool  # its actors stand together (partners, parties)
    colour: str
    edges: tuple[tuple[str, str], ...]  # directed (from role, to role) pairs of the network
    sipri: SipriRoles | None  # None: not a row of the SIPRI register


def _read(path: str) -> dict[str, Any]:
    parts = path.split("/")
    file = resources.files(parts[0]).joinpath(*parts[1:])
    try:
        return json.loads(file.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise PatternError(f"not valid JSON ({exc.msg})", where=path, hint="fix the file") from exc


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return _read(ONTOLOGY_FILE)


@lru_cache(maxsize=1)
def _extra() -> dict[str, Any]:
    return _read(TYPES_FILE)


def _fail(message: str, where: str = TYPES_FILE, hint: str | None = None) -> PatternError:
    return PatternError(message, where=where, hint=hint or "fix the file")


def _sides(onto: dict[str, Any]) -> dict[str, str]:
    table = onto["role_sides"]
    return {role: side for side in SIDES for role in table[side]}


@lru_cache(maxsize=1)
def role_sides() -> dict[str, str]:
    """Role → side ("supplier", "receiver" or "symmetric"), from `role_sides` in the ontology."""
    return _sides(_data())


def side_of(role: str) -> str | None:
    """The side a role stands on; None for object roles and roles with no side."""
    return role_sides().get(role)


def symmetric_types() -> frozenset[str]:
    """Event types whose actors stand together (partners, parties), from `symmetric`."""
    return frozenset(name for name, t in registry().items() if t.symmetric)


def roles_of(event_type: str) -> tuple[str, ...]:
    """The actor roles an event type has, in the ontology's order."""
    return registry()[event_type].roles


@lru_cache(maxsize=1)
def column_roles() -> tuple[str, ...]:
    """Every role, actors' then objects', in the order exports give each a column."""
    return tuple(_extra()["roles"]["order"])


@lru_cache(maxsize=1)
def object_roles() -> frozenset[str]:
    """Roles of things, not actors (system, program): no side, no country of their own."""
    return frozenset(_extra()["roles"]["object_roles"])


@lru_cache(maxsize=1)
def thing_types() -> frozenset[str]:
    """Entity types that are never actors (weapon_system, program)."""
    return frozenset(_extra()["thing_entity_types"]["types"])


def is_actor(role: str, entity_type: str | None = None) -> bool:
    """Whether a participant acts in its event: its role is not an object role (system,
    program) and its entity, when its type is known, is not a thing."""
    return role not in OBJECT_ROLES and entity_type not in THING_TYPES


@lru_cache(maxsize=1)
def registry() -> dict[str, EventType]:
    """Every event type by name, in the ontology's order, checked against both files."""
    return build_registry(_data(), _extra())


def build_registry(onto: dict[str, Any], extra: dict[str, Any]) -> dict[str, EventType]:
    """The event types of an ontology (ontology.json's content) and its registry data
    (event_types.json's), checked; PatternError names the file and what to fix."""
    types, described = onto["types"], extra["types"]
    names = [t for t in types if not t.startswith("_")]
    missing = [t for t in names if t not in described]
    if missing:
        raise _fail(f"no entry for the type(s) {', '.join(missing)}", hint="add colour and edges")
    unknown = [t for t in described if not t.startswith("_") and t not in types]
    if unknown:
        raise _fail(
            f"type(s) {', '.join(unknown)} not in the ontology",
            hint=f"add them to {ONTOLOGY_FILE} or remove them here",
        )
    symmetric = set(onto["symmetric"])
    if symmetric - set(names):
        raise _fail(
            f"unknown symmetric type(s) {', '.join(sorted(symmetric - set(names)))}",
            where=ONTOLOGY_FILE,
        )
    sides = _sides(onto)
    known = set(extra["roles"]["order"])
    return {
        name: _event_type(name, types[name], described[name], name in symmetric, sides, known)
        for name in names
    }


def _event_type(
    name: str,
    onto: dict[str, Any],
    extra: dict[str, Any],
    symmetric: bool,
    sides: dict[str, str],
    known: set[str],
) -> EventType:
    roles = tuple(onto["roles"])
    edges = tuple((a, b) for a, b in extra.get("edges", []))
    sipri = extra.get("sipri")
    used = set(roles) | {r for pair in edges for r in pair}
    if sipri:
        used |= {
            r for key in ("supplier", "recipient", "recipient_else") for r in sipri.get(key, [])
        }
    if used - known:
        raise _fail(
            f"{name}: role(s) {', '.join(sorted(used - known))} not in roles.order",
            hint="list every role in roles.order, where it gets its export column",
        )
    if not _COLOUR.match(str(extra.get("colour", ""))):
        raise _fail(f"{name}: colour {extra.get('colour')!r} is not #rrggbb", hint="give one")
    if symmetric and not any(sides.get(r) == "symmetric" for r in roles):
        raise _fail(f"{name}: a symmetric type needs a symmetric role", where=ONTOLOGY_FILE)
    return EventType(
        name=name,
        roles=roles,
        supplier_roles=tuple(r for r in roles if sides.get(r) == "supplier"),
        receiver_roles=tuple(r for r in roles if sides.get(r) == "receiver"),
        symmetric=symmetric,
        colour=extra["colour"],
        edges=edges,
        sipri=SipriRoles(
            supplier=tuple(sipri["supplier"]),
            recipient=tuple(sipri["recipient"]),
            recipient_else=tuple(sipri.get("recipient_else", ())),
            local_production=bool(sipri.get("local_production")),
        )
        if sipri
        else None,
    )


def event_types() -> tuple[str, ...]:
    """The names of the event types, in the ontology's order."""
    return tuple(registry())


def sipri_types() -> tuple[str, ...]:
    """The types that are rows of the SIPRI register, in the ontology's order."""
    return tuple(name for name, t in registry().items() if t.sipri)


OBJECT_ROLES = object_roles()
THING_TYPES = thing_types()
