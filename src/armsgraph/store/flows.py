"""The `flows` view: one row per supplier, recipient and system of an event, for SQL readers.

Which role gives and which receives is the ontology's (`armsgraph.ontology.role_sides`),
copied into the table `ontology_sides` by migration 0011 and by `Store.rebuild`, so that
the view itself names no role: "which countries bought Turkish drones since 2020" is one
SELECT on `flows` in sqlite3, DuckDB, pandas or psql.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, select

from armsgraph.ontology import object_roles, role_sides, thing_types
from armsgraph.store.schema import ontology_sides

# The view, the same text for SQLite and PostgreSQL. An actor is a participant in a role of
# the supplier or receiving side whose entity is not a thing (a system named as a buyer);
# its country is its own for a country, else the country it belongs to. An event with
# several suppliers, recipients or systems has a row for each combination; one without a
# supplier (or recipient) has NULL there; one with neither has no row. Events an analyst
# hid are left out, as in every list; `corrected` is 1 where an analyst changed the event.
FLOWS_VIEW = """
CREATE VIEW flows AS
WITH sided AS (
    SELECT p.event_id, p.entity_id, s.side
    FROM event_participants p
    JOIN ontology_sides s ON s.kind = 'role' AND s.name = p.role
),
actors AS (
    SELECT a.event_id, a.side, e.id AS entity_id, e.name, e.country AS iso3, c.name AS country
    FROM sided a
    JOIN entities e ON e.id = a.entity_id
    LEFT JOIN entities c ON c.id = 'country:' || e.country
    WHERE a.side IN ('supplier', 'receiver')
      AND e.type NOT IN (SELECT name FROM ontology_sides WHERE kind = 'entity_type')
),
things AS (
    SELECT a.event_id, e.id AS entity_id, e.name, e.category
    FROM sided a
    JOIN entities e ON e.id = a.entity_id
    WHERE a.side = 'object'
)
SELECT
    ev.id AS event_id,
    ev.type AS type,
    ev.status AS status,
    ev.time_start AS event_start,
    ev.time_end AS event_end,
    ev.first_seen AS reported_first,
    ev.last_seen AS reported_last,
    s.entity_id AS supplier_id,
    s.name AS supplier,
    s.iso3 AS supplier_iso3,
    s.country AS supplier_country,
    r.entity_id AS recipient_id,
    r.name AS recipient,
    r.iso3 AS recipient_iso3,
    r.country AS recipient_country,
    t.entity_id AS system_id,
    t.name AS system,
    t.category AS system_category,
    ev.quantity AS quantity,
    CASE WHEN ev.value_currency = 'USD' THEN ev.value_amount END AS value_usd,
    ev.n_sources AS n_sources,
    ev.confidence AS confidence,
    ev.corrected AS corrected
FROM events ev
LEFT JOIN actors s ON s.event_id = ev.id AND s.side = 'supplier'
LEFT JOIN actors r ON r.event_id = ev.id AND r.side = 'receiver'
LEFT JOIN things t ON t.event_id = ev.id
WHERE (s.entity_id IS NOT NULL OR r.entity_id IS NOT NULL) AND ev.hidden = 0
"""
DROP_FLOWS_VIEW = "DROP VIEW IF EXISTS flows"

# The columns of the view, in its order (tests and the README list them).
FLOWS_COLUMNS = (
    "event_id", "type", "status", "event_start", "event_end", "reported_first",
    "reported_last", "supplier_id", "supplier", "supplier_iso3", "supplier_country",
    "recipient_id", "recipient", "recipient_iso3", "recipient_country", "system_id",
    "system", "system_category", "quantity", "value_usd", "n_sources", "confidence", "corrected",
)  # fmt: skip


def side_rows() -> list[dict[str, Any]]:
    """The rows of `ontology_sides`: each role's side (supplier, receiver, symmetric, or
    object for the roles of things), and the entity types that are never actors (thing)."""
    rows = [{"kind": "role", "name": r, "side": s} for r, s in sorted(role_sides().items())]
    rows += [{"kind": "role", "name": r, "side": "object"} for r in sorted(object_roles())]
    rows += [{"kind": "entity_type", "name": t, "side": "thing"} for t in sorted(thing_types())]
    return rows


def sync_sides(conn: Connection) -> None:
    """Make `ontology_sides` hold the registry's sides (inside the caller's transaction)."""
    wanted = side_rows()
    have = [dict(r._mapping) for r in conn.execute(select(ontology_sides))]
    key = lambda r: (r["kind"], r["name"], r["side"])  # noqa: E731
    if sorted(have, key=key) == sorted(wanted, key=key):
        return
    conn.execute(delete(ontology_sides))
    conn.execute(ontology_sides.insert(), wanted)
