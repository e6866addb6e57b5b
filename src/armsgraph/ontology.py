"""The registry of event types and roles, read once from the ontology data file."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

# Roles of things, not actors: a participant in one of these roles has no side and no country
# of its own in an event (a Turkish drone sold to Pakistan is TUR–PAK through the seller).
OBJECT_ROLES = frozenset({"system", "program"})
SIDES = ("supplier", "receiver", "symmetric")


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    path = resources.files("armsgraph.extract") / "patterns" / "ontology.json"
    return json.loads(path.read_text("utf-8"))


@lru_cache(maxsize=1)
def role_sides() -> dict[str, str]:
    """Role → side ("supplier", "receiver" or "symmetric"), from `role_sides` in the ontology."""
    table = _data()["role_sides"]
    return {role: side for side in SIDES for role in table[side]}


def side_of(role: str) -> str | None:
    """The side a role stands on; None for object roles and roles with no side."""
    return role_sides().get(role)


def symmetric_types() -> frozenset[str]:
    """Event types whose actors stand together (partners, parties), from `symmetric`."""
    return frozenset(_data()["symmetric"])


def roles_of(event_type: str) -> tuple[str, ...]:
    """The actor roles an event type has, in the ontology's order."""
    return tuple(_data()["types"][event_type]["roles"])
