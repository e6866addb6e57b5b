"""What a read selects: EventFilters, the WHERE they make, and the index reads of an actor's latest events."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import Any

from sqlalchemy import Connection, bindparam, func, literal_column, or_, select, union

from armsgraph.ontology import THING_TYPES
from armsgraph.store.schema import HIDDEN, aliases, entities, event_participants, event_sources
from armsgraph.store.schema import events as events_t

ORDERS = {
    # Ties broken by id, descending as ix_event_participants_entity_last_seen is read.
    "recent": (events_t.c.last_seen.desc(), events_t.c.id.desc()),
    "oldest": (events_t.c.first_seen.asc(), events_t.c.id),
    "sources": (events_t.c.n_sources.desc(), events_t.c.last_seen.desc(), events_t.c.id),
    "confidence": (events_t.c.confidence.desc(), events_t.c.last_seen.desc(), events_t.c.id),
}


@dataclass(frozen=True)
class EventFilters:
    """What `events()` selects. Every filter is optional; they combine with AND.

    actor:  an entity id ("country:EGY"), or a name or alias of one (case-insensitive);
            a country also matches its organizations, people and forces.
    type:   an event type (model.EVENT_TYPES); several separated by commas.
    status: the current status (model.STATUSES); several separated by commas.
    system: a system or program: words of its name ("Bayraktar", "TB2"), one of its
            aliases in full ("F-16", "drones") or its id; never part of a word.
    since / until: ISO dates (YYYY, YYYY-MM or YYYY-MM-DD); an event is kept when its
            dates overlap the range: by default the event's own dates (time_start ..
            time_end, each taken from its reports' dates when a report gives none);
            with dates="report", the dates of its reports (first_seen .. last_seen).
    dates:  "event" (the default) or "report": which dates since / until compare.
    text:   words in a source sentence or a system name.
    include_hidden: also the events an analyst hid (`armsgraph correct --hide`).
    order:  recent (latest report first), oldest, sources (most reported), confidence.
    """

    actor: str | None = None
    type: str | None = None
    status: str | None = None
    system: str | None = None
    since: str | None = None
    until: str | None = None
    text: str | None = None
    dates: str = "event"
    limit: int | None = 50
    offset: int = 0
    order: str = "recent"
    include_hidden: bool = False

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> EventFilters:
        """Build from keyword arguments, refusing unknown names (a typo must not widen a query)."""
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(kwargs) - names)
        if unknown:
            raise TypeError(
                f"unknown event filter(s) {', '.join(unknown)}; use {', '.join(sorted(names))}"
            )
        return cls(**{k: v for k, v in kwargs.items()})


def in_values(values: list[str]) -> Any:
    """A list for IN as one expanding parameter: SQLAlchemy then does not build and check
    an expression for each of a thousand ids."""
    return bindparam("values", value=list(values), expanding=True, unique=True)


def contains(column: Any, words: str) -> Any:
    """`column` contains `words` (ignoring case), as typed: % and _ in them are themselves,
    not LIKE wildcards ("_" must not match every row), and so is the escape character."""
    escaped = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def split_values(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def resolve_actor(conn: Connection, name: str) -> list[str]:
    """Entity ids an actor filter means: an id, else names/aliases equal, else names containing it.

    A country brings along the entities whose `country` is its code: its organizations,
    people and forces (not the systems and programs made there).
    """
    name = name.strip()
    ids = list(conn.execute(select(entities.c.id).where(entities.c.id == name)).scalars())
    if not ids:
        low = name.lower()
        ids = list(
            conn.execute(
                select(entities.c.id)
                .where(func.lower(entities.c.name) == low)
                .union(select(aliases.c.entity_id).where(func.lower(aliases.c.alias) == low))
            ).scalars()
        )
    if not ids:
        ids = list(
            conn.execute(select(entities.c.id).where(contains(entities.c.name, name))).scalars()
        )
    codes = [
        (row.country or row.id.split(":", 1)[-1])
        for row in conn.execute(
            select(entities.c.id, entities.c.country).where(
                entities.c.id.in_(ids), entities.c.type == "country"
            )
        )
    ]
    if codes:
        ids += conn.execute(
            select(entities.c.id).where(
                entities.c.country.in_(codes),
                entities.c.type != "country",
                # Systems and programs carry their maker's country, but are not its actors.
                entities.c.type.not_in(sorted(THING_TYPES)),
            )
        ).scalars()
    return sorted(set(ids))


def own_entities(conn: Connection, entity_id: str, entity_type: str) -> list[str]:
    """The entity and, for a country, the entities whose `country` is its code (its
    organizations, people and forces): the ids an actor filter on its id means."""
    if entity_type != "country":
        return [entity_id]
    return resolve_actor(conn, entity_id)


def any_hidden(conn: Connection) -> bool:
    """Whether an analyst hid any event (one probe of the partial index ix_events_hidden)."""
    return conn.execute(select(events_t.c.id).where(HIDDEN).limit(1)).first() is not None


def visible(conn: Connection) -> list[Any]:
    """The condition that leaves out hidden events; none while no event is hidden, so
    that reads stay as they were (and as fast)."""
    return [events_t.c.hidden == 0] if any_hidden(conn) else []


DATES = ("event", "report")


def date_conditions(f: EventFilters) -> list[Any]:
    """The conditions of `since` / `until` on the dates `f.dates` names (see EventFilters)."""
    if f.dates not in DATES:
        raise ValueError(f"unknown dates {f.dates!r}; use one of {', '.join(DATES)}")
    first, last = events_t.c.first_seen, events_t.c.last_seen
    if f.dates == "event":
        first = func.coalesce(events_t.c.time_start, first)
        last = func.coalesce(events_t.c.time_end, last)
    cond = []
    if f.since:
        cond.append(last >= f.since)
    if f.until:
        # "until 2024-06" must keep 2024-06-30: compare with the bound padded past any suffix.
        cond.append(first <= f.until + "\uffff")
    return cond


def resolve_system(conn: Connection, words: str) -> list[str]:
    """Ids of the systems and programs `words` names: its id, an alias equal to it, or a
    name holding it as whole words ("TB2" in "Bayraktar TB2"; never "F-1" in "F-16", nor
    "diesel" in Submarine's alias "diesel-electric submarine"); ignoring case."""
    low = " ".join(words.split()).lower()
    if not low:
        return []
    things = sorted(THING_TYPES)
    ids = set(
        conn.execute(
            select(aliases.c.entity_id)
            .join(entities, entities.c.id == aliases.c.entity_id)
            .where(func.lower(aliases.c.alias) == low, entities.c.type.in_(things))
        ).scalars()
    )
    whole = re.compile(rf"(?<!\w){re.escape(low)}(?!\w)")
    candidates = conn.execute(
        select(entities.c.id, entities.c.name).where(
            entities.c.type.in_(things),
            or_(func.lower(entities.c.id) == low, contains(entities.c.name, low)),
        )
    )
    ids.update(i for i, name in candidates if i.lower() == low or whole.search(name.lower()))
    return sorted(ids)


def where_of(conn: Connection, f: EventFilters, actor_ids: list[str] | None = None) -> list[Any]:
    """The WHERE conditions of `f` on events; the actor's entity ids may be given resolved."""
    cond: list[Any] = [] if f.include_hidden else visible(conn)
    if f.actor:
        ids = resolve_actor(conn, f.actor) if actor_ids is None else actor_ids
        cond.append(
            events_t.c.id.in_(
                select(event_participants.c.event_id).where(event_participants.c.entity_id.in_(ids))
            )
        )
    if types := split_values(f.type):
        cond.append(events_t.c.type.in_(types))
    if statuses := split_values(f.status):
        cond.append(events_t.c.status.in_(statuses))
    if f.system:
        ids = resolve_system(conn, f.system)
        cond.append(
            events_t.c.id.in_(
                select(event_participants.c.event_id).where(event_participants.c.entity_id.in_(ids))
            )
        )
    cond += date_conditions(f)
    if f.text:
        cond.append(
            or_(
                contains(events_t.c.systems, f.text),
                events_t.c.id.in_(
                    select(event_sources.c.event_id).where(contains(event_sources.c.text, f.text))
                ),
            )
        )
    return cond


def events_query(conn: Connection, f: EventFilters, actor_ids: list[str] | None = None) -> Any:
    """The SELECT of the events rows `f` asks for, in its order, limited and offset (the
    actor's entity ids may be given resolved)."""
    if f.actor and actor_ids is None:
        actor_ids = resolve_actor(conn, f.actor)
    ids = actor_recent_ids(conn, f, actor_ids)
    if ids is not None:
        q = select(events_t).where(events_t.c.id.in_(in_values(ids)))
        q = q.order_by(*ORDERS["recent"])
        return q.limit(f.limit).offset(f.offset or None)
    q = select(events_t).where(*where_of(conn, f, actor_ids)).order_by(*ORDERS[f.order])
    if f.limit is not None:
        q = q.limit(f.limit)
    if f.offset:
        q = q.offset(f.offset)
    return q


def actor_recent_ids(
    conn: Connection, f: EventFilters, actor_ids: list[str] | None
) -> list[str] | None:
    """For a page of an actor's latest events (order "recent", not too deep), the ids the
    page is cut from (see _recent_event_ids); None when `f` asks for something else."""
    if actor_ids is None or f.order != "recent" or f.limit is None:
        return None
    wanted = f.limit + f.offset
    # Bounded so that the ids gathered (at most wanted per chunk) stay a few thousand.
    if wanted > MAX_RECENT_WINDOW or len(actor_ids) > 4 * _UNION_CHUNK:
        return None
    others = where_of(conn, replace(f, actor=None))
    return recent_event_ids(conn, actor_ids, others, wanted)


# The latest events of an actor are read per entity from ix_event_participants_entity_last_seen,
# at most this many each; deeper pages fall back to one query over all the actor's events.
MAX_RECENT_WINDOW = 5000
_UNION_CHUNK = 200  # entities per UNION ALL statement (SQLite allows 500 compound terms)


def recent_event_ids(conn: Connection, entity_ids: list[str], cond: list[Any], n: int) -> list[str]:
    """Ids of at most `n` latest events (ORDERS["recent"]) per entity that take part in them
    and match `cond`: together they hold the `n` latest events of all the entities, so the
    caller orders and cuts those instead of sorting every event of a large actor."""
    found: set[str] = set()
    for i in range(0, len(entity_ids), _UNION_CHUNK):
        chunk = entity_ids[i : i + _UNION_CHUNK]
        if cond:
            stmt, params = _recent_union(chunk, cond, n), {}
        else:
            # Without other conditions the statement depends only on how many entities it
            # reads: built once, since building it cost as much as running it.
            stmt = _RECENT.get(len(chunk))
            if stmt is None:
                stmt = _RECENT[len(chunk)] = _recent_union(
                    [bindparam(f"r{j}") for j in range(len(chunk))], [], bindparam("n")
                )
            params = {f"r{j}": entity_id for j, entity_id in enumerate(chunk)}
            params["n"] = n
        found.update(conn.execute(stmt, params).scalars().all())
    return sorted(found)


_RECENT: dict[int, Any] = {}


def _recent_union(entity_ids: list[Any], cond: list[Any], n: Any) -> Any:
    """The SELECT of _recent_event_ids for one chunk of entities (values or bound parameters)."""
    ep = event_participants
    parts = []
    for entity_id in entity_ids:
        one = select(ep.c.event_id, ep.c.last_seen).where(ep.c.entity_id == entity_id)
        if cond:
            one = one.join(events_t, events_t.c.id == ep.c.event_id).where(*cond)
        # DISTINCT: an entity in two roles of one event must not take two of its n places.
        # The order is the index's, read backwards: no sort, and the scan stops at n.
        one = one.distinct().order_by(ep.c.last_seen.desc(), ep.c.event_id.desc()).limit(n)
        sub = one.subquery()
        parts.append(select(sub.c.event_id, sub.c.last_seen))
    if len(parts) == 1:
        return parts[0]
    # A compound UNION ordered as a whole: SQLite merges the sorted parts and stops at n.
    return union(*parts).order_by(_LAST_SEEN.desc(), _EVENT_ID.desc()).limit(n)


_LAST_SEEN, _EVENT_ID = literal_column("last_seen"), literal_column("event_id")


def count_distinct_events(conn: Connection, entity_ids: list[str]) -> int:
    """How many events the entities take part in (DISTINCT in a subquery, so SQLite walks
    ix_event_participants_entity in event order instead of building a temporary b-tree)."""
    ids = (
        select(event_participants.c.event_id)
        .where(event_participants.c.entity_id.in_(entity_ids))
        .distinct()
        .subquery()
    )
    return conn.execute(select(func.count()).select_from(ids)).scalar_one()
