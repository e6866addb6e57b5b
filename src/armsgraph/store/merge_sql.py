"""What the merge reads and writes: a report's merge columns and the statements it runs.

Statements are built once, with bound parameters (building one costs more than running
it); store/merging.py runs them, store/ids.py the ones about event ids.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, func, literal, or_, select, union_all, update

from armsgraph.resolve import merge
from armsgraph.store.schema import (
    REPRESENTATIVE,
    aliases,
    entities,
    event_ids,
    event_participants,
    event_sources,
    events,
    gives,
)

ANY_YEAR = (-1_000_000, 1_000_000)
DETAIL_COLUMNS: tuple[tuple[str, int], ...] = (
    ("time", merge.TIME),
    ("quantity", merge.QUANTITY),
    ("value", merge.VALUE),
)
# The columns a merge writes; `corrected` and `hidden` are written by store/corrections.py.
EVENT_COLUMNS = [c.name for c in events.columns if c.name not in ("corrected", "hidden")]
_es, _ep = event_sources, event_participants
UPDATE_EVENT = (
    update(events)
    .where(events.c.id == bindparam("b_id"))
    .values({c: bindparam(c) for c in EVENT_COLUMNS if c != "id"})
)
TOUCH = update(_ep).where(_ep.c.event_id == bindparam("eid")).values(last_seen=bindparam("ls"))
CANDIDATES = (
    select(_es.c.event_id, _es.c.objects, _es.c.year_min, _es.c.year_max)
    .where(
        _es.c.merge_key == bindparam("key"),
        or_(
            _es.c.year_min.is_(None),
            and_(_es.c.year_min <= bindparam("hi"), _es.c.year_max >= bindparam("lo")),
        ),
        REPRESENTATIVE,  # the WHERE of the partial index ix_event_sources_merge_rep
    )
    .distinct()
)
LATEST = (
    select(_es.c.sort_key)
    .where(_es.c.event_id == bindparam("eid"))
    .order_by(_es.c.sort_key.desc())
    .limit(1)
)


def latest_giving(bit: int) -> Any:
    # gives(bit) is the WHERE of a partial index on (event_id, sort_key): one index probe.
    return (
        select(_es.c.sort_key)
        .where(_es.c.event_id == bindparam("eid"), gives(bit))
        .order_by(_es.c.sort_key.desc())
        .limit(1)
    )


LATEST_OF = {"all": LATEST, **{key: latest_giving(bit) for key, bit in DETAIL_COLUMNS}}
EVENT_ROWS = select(events).where(events.c.id.in_(bindparam("ids", expanding=True)))
PARTICIPANTS_OF = select(_ep.c.event_id, _ep.c.role, _ep.c.entity_id).where(
    _ep.c.event_id.in_(bindparam("ids", expanding=True))
)
TIES = select(_es.c.document_id, _es.c.local_event_id).where(
    _es.c.event_id == bindparam("eid"), _es.c.sort_key == bindparam("top")
)
# Names (part 0) and aliases (part 1) of systems and programs, for events.systems.
SYSTEM_NAMES = union_all(
    select(literal(0).label("part"), entities.c.id, entities.c.name).where(
        entities.c.id.in_(bindparam("ids", expanding=True))
    ),
    select(literal(1).label("part"), aliases.c.entity_id, aliases.c.alias).where(
        aliases.c.entity_id.in_(bindparam("ids2", expanding=True))
    ),
)
# The registry of event ids (schema.event_ids).
ID_TARGET = select(event_ids.c.event_id).where(event_ids.c.id == bindparam("id"))
IS_LIVE = select(events.c.id).where(events.c.id == bindparam("id"))
BY_AGE = (
    select(event_ids.c.id)
    .where(event_ids.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(event_ids.c.seq, event_ids.c.id)
)
NEXT_SEQ = select(func.coalesce(func.max(event_ids.c.seq), 0) + 1)
REVIVE = (
    update(event_ids).where(event_ids.c.id == bindparam("b_id")).values(event_id=bindparam("b_id"))
)


def order_key(published: str | None, status: str | None) -> str:
    """merge.Report.order without its ids, as text that sorts the same way everywhere: the
    hex of the date (digits and a-f sort alike in every collation), "00" (below any hex of
    a character, so a date sorts before the longer datetime it begins), the status rank."""
    return (published or "").encode().hex() + "00" + str(merge.status_rank(status) + 1)


def merge_columns(event: dict[str, Any], published: str | None) -> dict[str, Any]:
    """The merge columns of event_sources for one reported event (resolved JSON)."""
    years = merge.years(event)
    return {
        "merge_key": merge.merge_key(event),
        "year_min": years[0] if years else None,
        "year_max": years[1] if years else None,
        "objects": "\t".join(sorted(merge.object_ids(event))) or None,
        "confidence": float(event.get("confidence", 0.5)),
        "details": merge.details(event),
        "sort_key": order_key(published, event.get("status") or "proposed"),
    }


def detail_values(key: str, detail: dict[str, Any] | None) -> dict[str, Any]:
    """The events columns merge.summarize fills from a time, quantity or value object."""
    d = detail or {}
    if key == "time":
        return {"time_text": d.get("text"), "time_start": d.get("start"), "time_end": d.get("end")}
    if key == "quantity":
        amount = d.get("amount") if d.get("amount") is not None else d.get("low")
        return {"quantity": amount, "quantity_text": d.get("text")}
    return {
        "value_amount": d.get("amount"),
        "value_currency": d.get("currency"),
        "value_text": d.get("text"),
    }
