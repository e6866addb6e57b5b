"""Reads of flows: who supplied whom, country to country, from the events' roles.

Each event type declares its supplier side and its receiving side in the ontology
(armsgraph.ontology: seller, provider, licensor, exporter → buyer, customer, host,
recipient); an event makes one flow from each supplier country to each receiving country
(organizations, people and forces count as their country). Symmetric types (partners,
parties) and events missing a side make none, and neither does a country supplying itself.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection

from armsgraph.ontology import is_actor, registry
from armsgraph.store.queries.events import events
from armsgraph.store.queries.filters import EventFilters


def country_of(p: dict[str, Any]) -> str | None:
    """The ISO alpha-3 code a participant stands for: a country's own, else its country's."""
    if p["type"] == "country":
        return p.get("country") or p["entity_id"].split(":", 1)[-1]
    return p.get("country")


def sides_of(ev: dict[str, Any]) -> tuple[set[str], set[str]]:
    """The supplier countries and the receiving countries of one event."""
    kind = registry().get(ev["type"])
    if kind is None:
        return set(), set()
    supply, receive = set(), set()
    for p in ev["participants"]:
        if not is_actor(p["role"], p["type"]):
            continue
        code = country_of(p)
        if not code:
            continue
        if p["role"] in kind.supplier_roles:
            supply.add(code)
        elif p["role"] in kind.receiver_roles:
            receive.add(code)
    return supply, receive


def flows_of(evs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flows between countries over `evs` (events as `events()` gives them), most events
    first: {supplier, recipient, n_events, types {type: n}, value_usd, event_ids (latest
    first, at most 20)}. A deal's USD value counts once for each of its flows."""
    table: dict[tuple[str, str], dict[str, Any]] = {}
    for ev in evs:
        supply, receive = sides_of(ev)
        value = ev.get("value") or {}
        usd = value.get("amount") if value.get("currency") == "USD" else None
        for a in sorted(supply):
            for b in sorted(receive - {a}):
                row = table.setdefault(
                    (a, b),
                    {
                        "supplier": a,
                        "recipient": b,
                        "n_events": 0,
                        "types": defaultdict(int),
                        "value_usd": 0.0,
                        "event_ids": [],
                    },
                )
                row["n_events"] += 1
                row["types"][ev["type"]] += 1
                row["value_usd"] += usd or 0.0
                if len(row["event_ids"]) < 20:
                    row["event_ids"].append(ev["id"])
    out = [{**r, "types": dict(r["types"])} for r in table.values()]
    return sorted(out, key=lambda r: (-r["n_events"], r["supplier"], r["recipient"]))


def flows(conn: Connection, filters: EventFilters | None = None) -> list[dict[str, Any]]:
    """The flows (`flows_of`) of the events `filters` selects (default: every event)."""
    return flows_of(events(conn, filters or EventFilters(limit=None)))
