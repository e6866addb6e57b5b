"""Corrections: what analysts change, flag or hide in events, stored apart and applied on every write.

An analyst's correction is a row of the table `corrections` (who, when, which field, the
value before and after, why), never an edit of what was extracted. `correct` records one
and applies it; `apply_corrections` writes the corrected values into the derived tables
(events.status, the participants of a role, events.corrected and events.hidden, the
event's network row) and runs whenever those tables are written again: after each
document `Store.add` stores, and after `rebuild`. A correction names the event's id when
it was made; when that id later becomes an alias (two events merged), the correction
follows it to the event it stands for (table event_ids).

Fields: `status` (a status), `role:ROLE` (the entities in that role: a JSON list of
{id, type, name, country}; an empty list removes the role), `hidden` ("1" hidden, "0"
shown again) and `note` (a flag: only the note).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from armsgraph.errors import StoreError
from armsgraph.model import STATUSES
from armsgraph.ontology import OBJECT_ROLES, is_actor, roles_of
from armsgraph.store.db import insert_rows
from armsgraph.store.graph import write_graph
from armsgraph.store.queries.corrections import list_corrections
from armsgraph.store.schema import (
    aliases,
    corrections,
    entities,
    event_graph,
    event_ids,
    event_participants,
    event_sources,
    events,
)

FIELDS = ("status", "role:ROLE", "hidden", "note")
_ENTITY_KEYS = ("id", "type", "name", "country")


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


# -- recording ---------------------------------------------------------------------------------


def correct(
    conn: Connection,
    event_id: str,
    *,
    by: str,
    status: str | None = None,
    roles: Mapping[str, Sequence[str]] | None = None,
    hidden: bool | None = None,
    note: str | None = None,
) -> list[dict[str, Any]]:
    """Record an analyst's corrections of one event and apply them; returns the rows
    recorded (as `list_corrections` gives them).

    `status`: the event's status; `roles`: role -> entities (ids, or names the store or
    the gazetteer knows; none: the role is removed); `hidden`: hide (True) or show
    again (False); `note`: why (alone, it flags the event). `by`: who. The event may be
    named by an alias of its id. StoreError when the event, a status, a role or an
    entity is unknown, or nothing is asked."""
    ev = _live_event(conn, event_id)
    note = (note or "").strip() or None
    by = by.strip()
    if not by:
        raise StoreError("who made the correction is missing", hint="give --by NAME")
    changes: list[tuple[str, str | None, str | None]] = []
    if status is not None:
        if status not in STATUSES:
            raise StoreError(f"unknown status {status!r}", hint=f"use one of {', '.join(STATUSES)}")
        changes.append(("status", ev.status, status))
    for role, names in (roles or {}).items():
        changes.append(_role_change(conn, ev, role, names))
    if hidden is not None:
        changes.append(("hidden", str(ev.hidden), "1" if hidden else "0"))
    if not changes:
        if note is None:
            raise StoreError(
                f"nothing to correct in {event_id}",
                hint="give --status, --role ROLE=ENTITY, --hide, --unhide or --note",
            )
        changes.append(("note", None, None))
    at = _now()
    rows = [
        {
            "event_id": ev.id,
            "field": field,
            "old_value": old,
            "new_value": new,
            "note": note,
            "by": by,
            "at": at,
        }
        for field, old, new in changes
    ]
    first = conn.execute(select(func.coalesce(func.max(corrections.c.id), 0))).scalar_one() + 1
    insert_rows(conn, corrections, rows)
    apply_corrections(conn, [ev.id])
    return [r for r in list_corrections(conn, ev.id) if r["id"] >= first]


def _live_event(conn: Connection, event_id: str) -> Any:
    """The events row `event_id` names (itself, or the event its alias stands for)."""
    target = conn.execute(select(event_ids.c.event_id).where(event_ids.c.id == event_id)).scalar()
    for eid in dict.fromkeys([event_id, target]):
        if eid is None:
            continue
        row = conn.execute(
            select(events.c.id, events.c.type, events.c.status, events.c.hidden).where(
                events.c.id == eid
            )
        ).first()
        if row is not None:
            return row
    raise StoreError(f"no event {event_id!r}", hint="list ids with `armsgraph events`")


def _role_change(
    conn: Connection, ev: Any, role: str, names: Sequence[str]
) -> tuple[str, str, str]:
    allowed = [*roles_of(ev.type), *sorted(OBJECT_ROLES)]
    if role not in allowed:
        raise StoreError(
            f"no role {role!r} in events of type {ev.type}",
            hint=f"use one of {', '.join(allowed)}",
        )
    new = [resolve_entity(conn, n) for n in names if n.strip()]
    for ent in new:
        if is_actor(role) != is_actor(role, ent["type"]):
            raise StoreError(
                f"{ent['name']} ({ent['id']}) is a {ent['type']}, not an actor",
                hint=f"give the {role} as a country, organization or person",
            )
    ep = event_participants
    old_ids = conn.execute(
        select(ep.c.entity_id).where(ep.c.event_id == ev.id, ep.c.role == role)
    ).scalars()
    old = [_entity_value(r) for r in _entity_rows(conn, sorted(old_ids))]
    return f"role:{role}", _dump(old), _dump(list({e["id"]: e for e in new}.values()))


def _dump(ents: Sequence[Mapping[str, Any]]) -> str:
    return json.dumps(list(ents), ensure_ascii=False, sort_keys=True)


def _entity_rows(conn: Connection, ids: Sequence[str]) -> list[Any]:
    if not ids:
        return []
    q = select(*(entities.c[k] for k in _ENTITY_KEYS)).where(entities.c.id.in_(list(ids)))
    return list(conn.execute(q.order_by(entities.c.id)))


def _entity_value(row: Any) -> dict[str, Any]:
    return {k: getattr(row, k) for k in _ENTITY_KEYS}


def resolve_entity(conn: Connection, name: str) -> dict[str, Any]:
    """The entity `name` means: a stored id, a gazetteer id, else a stored name or alias
    (ignoring case), else a gazetteer name; as {id, type, name, country}."""
    from armsgraph.nlp.gazetteer import load_gazetteer

    name = name.strip()
    stored = _entity_rows(conn, [name])
    if stored:
        return _entity_value(stored[0])
    gaz = load_gazetteer()
    entry = gaz.get(name)
    if entry is None:
        low = name.lower()
        ids = sorted(
            conn.execute(
                select(entities.c.id)
                .where(func.lower(entities.c.name) == low)
                .union(select(aliases.c.entity_id).where(func.lower(aliases.c.alias) == low))
            ).scalars()
        )
        if ids:
            return _entity_value(_entity_rows(conn, ids[:1])[0])
        found = gaz.lookup(name)
        entry = found[0] if found else None
    if entry is None:
        raise StoreError(
            f"no entity {name!r}",
            hint="give an entity id (country:FRA) or a name as `armsgraph actors --name` lists it",
        )
    return {"id": entry.id, "type": entry.type, "name": entry.name, "country": entry.country}


# -- applying ------------------------------------------------------------------------------------


def _rows_for(conn: Connection, where: Any = None) -> list[Any]:
    """Corrections with the live event each stands for now (`target`), oldest first."""
    i = event_ids
    q = (
        select(corrections, i.c.event_id.label("target"))
        .join(i, i.c.id == corrections.c.event_id)
        .join(events, events.c.id == i.c.event_id)
        .order_by(corrections.c.id)
    )
    if where is not None:
        q = q.where(where)
    return list(conn.execute(q))


def apply_corrections(
    conn: Connection, event_ids_: Sequence[str] | None = None, *, doc_id: str | None = None
) -> int:
    """Write the corrections of the events `event_ids_`, of the events holding reports of
    the document `doc_id`, or of every event (neither given) into the derived tables;
    returns how many events were corrected. The latest correction of a field wins."""
    if conn.execute(select(corrections.c.id).limit(1)).first() is None:
        return 0  # no correction at all: one probe per stored document, nothing else
    if doc_id is not None:
        mine = select(event_sources.c.event_id).where(event_sources.c.document_id == doc_id)
        rows = _rows_for(conn, event_ids.c.event_id.in_(mine))
    elif event_ids_ is not None:
        rows = _rows_for(conn, event_ids.c.event_id.in_(list(event_ids_)))
    else:
        rows = _rows_for(conn)
    by_event: dict[str, list[Any]] = defaultdict(list)
    for r in rows:
        by_event[r.target].append(r)
    recast: list[str] = []
    for target, mine_ in by_event.items():
        if _apply_one(conn, target, mine_):
            recast.append(target)
    if recast:  # their actors changed: the network row is drawn again
        conn.execute(delete(event_graph).where(event_graph.c.event_id.in_(recast)))
    if by_event:
        write_graph(conn, sorted(by_event))
    return len(by_event)


def _apply_one(conn: Connection, event_id: str, rows: Sequence[Any]) -> bool:
    """Apply one event's corrections (oldest first); whether its participants changed."""
    status: str | None = None
    hidden = 0
    roles: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        if r.field == "status":
            status = r.new_value
        elif r.field == "hidden":
            hidden = int(r.new_value == "1")
        elif r.field.startswith("role:"):
            roles[r.field[5:]] = json.loads(r.new_value or "[]")
    values: dict[str, Any] = {"corrected": 1, "hidden": hidden}
    if status is not None:
        values["status"] = status
    conn.execute(update(events).where(events.c.id == event_id).values(values))
    if not roles:
        return False
    last_seen = conn.execute(select(events.c.last_seen).where(events.c.id == event_id)).scalar()
    ents = [e for members in roles.values() for e in members]
    insert_rows(
        conn,
        entities,
        [{k: e.get(k) for k in _ENTITY_KEYS} for e in ents],
        skip_existing=True,
    )
    ep = event_participants
    conn.execute(delete(ep).where(ep.c.event_id == event_id, ep.c.role.in_(sorted(roles))))
    insert_rows(
        conn,
        ep,
        [
            {"event_id": event_id, "role": role, "entity_id": e["id"], "last_seen": last_seen}
            for role, members in sorted(roles.items())
            for e in members
        ],
    )
    return True
