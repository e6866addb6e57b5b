"""Reads of trends: events per year by type and deal value (USD) per year, as SIPRI's trend tables."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, case, func, select

from armsgraph.ontology import registry
from armsgraph.store.queries.filters import EventFilters, visible, where_of
from armsgraph.store.schema import event_participants
from armsgraph.store.schema import events as events_t


def deal_types() -> tuple[str, ...]:
    """The types whose value is the price of a deal: those with a receiving side (a sale, an
    upgrade, a licence). An export statistic's value is a country's yearly total, not a deal."""
    return tuple(name for name, t in registry().items() if t.receiver_roles)


def year_of() -> Any:
    """An event's year: of its own date when known, else of its first report."""
    return func.coalesce(
        func.substr(events_t.c.time_start, 1, 4), func.substr(events_t.c.first_seen, 1, 4)
    )


def trends(
    conn: Connection,
    filters: EventFilters | None = None,
    *,
    entity_ids: list[str] | None = None,
) -> dict[str, Any]:
    """Events per year and type, and the value in USD of deals per year, over the events
    `filters` selects (limit and offset ignored) or those of `entity_ids`.

    Returned:
      years:    every year from the first to the last with an event, as text, ascending;
      by_type:  {year: {type: n}}; types: the types present, in the ontology's order;
      events:   {year: n}; value_usd: {year: total}; deals_valued: {year: n};
      undated:  events with neither an event date nor a report date;
      other_currency: deals with a value in another currency (not summed).
    """
    f = filters or EventFilters(limit=None)
    cond = where_of(conn, f) if filters is not None else visible(conn)
    if entity_ids is not None:
        mine = select(event_participants.c.event_id).where(
            event_participants.c.entity_id.in_(entity_ids)
        )
        cond.append(events_t.c.id.in_(mine))
    year = year_of().label("year")
    deal = events_t.c.type.in_(deal_types())
    usd = deal & (events_t.c.value_currency == "USD") & events_t.c.value_amount.is_not(None)
    other = deal & (events_t.c.value_currency != "USD") & events_t.c.value_amount.is_not(None)
    stmt = (
        select(
            year,
            events_t.c.type,
            func.count().label("n"),
            func.sum(case((usd, events_t.c.value_amount), else_=0.0)).label("usd"),
            func.sum(case((usd, 1), else_=0)).label("n_usd"),
            func.sum(case((other, 1), else_=0)).label("n_other"),
        )
        .where(*cond)
        .group_by(year, events_t.c.type)
    )
    by_type: dict[str, dict[str, int]] = defaultdict(dict)
    value: dict[str, float] = defaultdict(float)
    valued: dict[str, int] = defaultdict(int)
    undated = other_currency = 0
    for r in conn.execute(stmt):
        other_currency += int(r.n_other or 0)
        if not r.year or not r.year.isdigit():
            undated += int(r.n)
            continue
        by_type[r.year][r.type] = int(r.n)
        if r.n_usd:
            value[r.year] += float(r.usd or 0.0)
            valued[r.year] += int(r.n_usd)
    years = _span(sorted(by_type))
    present = {t for counts in by_type.values() for t in counts}
    return {
        "years": years,
        "types": [t for t in registry() if t in present],
        "by_type": {y: by_type.get(y, {}) for y in years},
        "events": {y: sum(by_type.get(y, {}).values()) for y in years},
        "value_usd": {y: value.get(y, 0.0) for y in years},
        "deals_valued": {y: valued.get(y, 0) for y in years},
        "undated": undated,
        "other_currency": other_currency,
    }


def _span(years: list[str]) -> list[str]:
    """Every year from the first to the last, so a quiet year shows as a gap."""
    if not years:
        return []
    return [str(y) for y in range(int(years[0]), int(years[-1]) + 1)]
