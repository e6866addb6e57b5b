"""Reads of actors: the entities in events, most active first, and one actor's page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, case, func, literal, or_, select

from armsgraph.ontology import OBJECT_ROLES, THING_TYPES
from armsgraph.store.queries.events import with_participants
from armsgraph.store.queries.filters import (
    MAX_RECENT_WINDOW,
    ORDERS,
    any_hidden,
    contains,
    count_distinct_events,
    in_values,
    own_entities,
    recent_event_ids,
    split_values,
    visible,
)
from armsgraph.store.schema import HIDDEN, aliases, entities, event_participants, facts
from armsgraph.store.schema import events as events_t

PARTNER_WINDOW = 1000


def actors(
    conn: Connection,
    *,
    q: str | None = None,
    type: str | None = None,
    country: str | None = None,
    limit: int | None = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Entities that take part in events, most active first: id, type, name, country, n_events
    (a country's count includes the events of its organizations, people and forces).

    `q` keeps names containing it; `type` an entity type; `country` an ISO alpha-3 code.
    Systems and programs are included (type weapon_system/program) unless `type` says otherwise.
    """
    ep = event_participants
    n = func.count(func.distinct(ep.c.event_id)).label("n_events")
    stmt = (
        select(
            entities.c.id,
            entities.c.type,
            entities.c.name,
            entities.c.country,
            entities.c.category,
            n,
        )
        .join(ep, ep.c.entity_id == entities.c.id)
        .group_by(
            entities.c.id, entities.c.type, entities.c.name, entities.c.country, entities.c.category
        )
        .order_by(n.desc(), entities.c.name)
    )
    hidden = any_hidden(conn)
    if hidden:  # the events an analyst hid are not counted
        stmt = stmt.where(ep.c.event_id.not_in(select(events_t.c.id).where(HIDDEN)))
    if q:
        stmt = stmt.where(contains(entities.c.name, q))
    if type:
        stmt = stmt.where(entities.c.type.in_(split_values(type)))
    if country:
        stmt = stmt.where(entities.c.country == country)
    if type and "country" not in split_values(type):
        # No country can be listed: the counts are the entities' own, paged in SQL.
        if limit is not None:
            stmt = stmt.limit(limit)
        return [dict(r._mapping) for r in conn.execute(stmt.offset(offset or None))]
    rows = [dict(r._mapping) for r in conn.execute(stmt)]
    if any(r["type"] == "country" for r in rows):
        # A country's count takes in its organizations, people and forces (one more scan,
        # cheaper than counting every entity over the union of both).
        counts = _country_counts(conn, hidden)
        for r in rows:
            if r["type"] == "country":
                r["n_events"] = counts.get(r["id"], r["n_events"])
        rows.sort(key=lambda r: (-r["n_events"], r["name"]))
    return rows[offset : None if limit is None else offset + limit]


def _country_counts(conn: Connection, hidden: bool) -> dict[str, int]:
    """Events per country id, counting those of its organizations, people and forces:
    each participant row stands for the country it is or belongs to."""
    ep = event_participants
    owner = case(
        (entities.c.type == "country", entities.c.id),
        else_=literal("country:") + entities.c.country,
    ).label("owner")
    rows = (
        select(ep.c.event_id, owner)
        .join(entities, entities.c.id == ep.c.entity_id)
        .where(
            entities.c.type.not_in(sorted(THING_TYPES)),
            or_(entities.c.type == "country", entities.c.country.is_not(None)),
        )
    )
    if hidden:
        rows = rows.where(ep.c.event_id.not_in(select(events_t.c.id).where(HIDDEN)))
    sub = rows.subquery()
    stmt = select(sub.c.owner, func.count(func.distinct(sub.c.event_id))).group_by(sub.c.owner)
    return {owner: int(n) for owner, n in conn.execute(stmt)}


def actor(conn: Connection, entity_id: str, *, limit: int | None = 100) -> dict[str, Any] | None:
    """One entity: id, type, name, country, category, wikidata, aliases, n_events, its events
    (latest first, at most `limit`, each as in `events()` plus the entity's `roles` there),
    its facts, and the actors it shares events with (`partners`: id, name, n_events, counted
    over its PARTNER_WINDOW latest events)."""
    row = conn.execute(select(entities).where(entities.c.id == entity_id)).first()
    if row is None:
        return None
    out: dict[str, Any] = dict(row._mapping)
    out["aliases"] = sorted(
        conn.execute(select(aliases.c.alias).where(aliases.c.entity_id == entity_id)).scalars()
    )
    # A country's page counts and lists the events of its organizations, people and forces
    # too, as the events table does for the same actor (`own`: the ids it stands for).
    own = own_entities(conn, entity_id, row.type)
    out["own"] = own
    mine = select(event_participants.c.event_id).where(
        event_participants.c.entity_id.in_(in_values(own))
    )
    shown = visible(conn)  # hidden events leave the actor's page too
    if shown:
        out["n_events"] = conn.execute(
            select(func.count()).select_from(events_t).where(events_t.c.id.in_(mine), *shown)
        ).scalar_one()
    else:
        out["n_events"] = count_distinct_events(conn, own)
    if limit is not None and limit <= MAX_RECENT_WINDOW:
        latest = recent_event_ids(conn, own, shown, limit)
        q = select(events_t).where(events_t.c.id.in_(in_values(latest)))
    else:
        q = select(events_t).where(events_t.c.id.in_(mine), *shown)
    q = q.order_by(*ORDERS["recent"])
    if limit is not None:
        q = q.limit(limit)
    evs = with_participants(conn, q)
    for e in evs:
        e["roles"] = _roles_in(e, entity_id, set(own))
    out["events"] = evs
    out["facts"] = [
        dict(r._mapping)
        for r in conn.execute(
            select(
                facts.c.id,
                facts.c.attribute,
                facts.c.value,
                facts.c.unit,
                facts.c.document_id,
                facts.c.start,
                facts.c.end,
                facts.c.text,
            )
            .where(facts.c.subject == entity_id)
            .order_by(facts.c.attribute, facts.c.document_id)
        )
    ]
    # Partners are counted over the actor's latest PARTNER_WINDOW events: for an actor in
    # hundreds of thousands of events an exact count would read all of them on every page.
    window = (
        select(event_participants.c.event_id)
        .where(event_participants.c.entity_id.in_(in_values(own)))
        .order_by(event_participants.c.last_seen.desc(), event_participants.c.event_id.desc())
        .limit(PARTNER_WINDOW)
    )
    other = event_participants.alias("other")
    n = func.count(func.distinct(other.c.event_id)).label("n_events")
    out["partners"] = [
        dict(r._mapping)
        for r in conn.execute(
            select(entities.c.id, entities.c.name, entities.c.type, n)
            .join(other, other.c.entity_id == entities.c.id)
            .where(
                other.c.event_id.in_(window.scalar_subquery()),
                other.c.entity_id.not_in(in_values(own)),
                other.c.role.not_in(sorted(OBJECT_ROLES)),
            )
            .group_by(entities.c.id, entities.c.name, entities.c.type)
            .order_by(n.desc(), entities.c.name)
            .limit(50)
        )
    ]
    return out


def _roles_in(e: dict[str, Any], entity_id: str, own: set[str]) -> list[str]:
    """The roles of an actor in one of its events: its own ("buyer"), and those of its
    organizations there with their name ("buyer (Pakistan Navy)")."""
    mine = sorted({p["role"] for p in e["participants"] if p["entity_id"] == entity_id})
    theirs = sorted(
        {
            f"{p['role']} ({p['name']})"
            for p in e["participants"]
            if p["entity_id"] in own and p["entity_id"] != entity_id
        }
    )
    return mine + theirs
