"""Reads of corrections: what analysts changed, flagged or hid, in words (see store/corrections.py)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from armsgraph.store.schema import corrections, event_ids, events


def list_corrections(conn: Connection, event_id: str | None = None) -> list[dict[str, Any]]:
    """Corrections, oldest first: all of them, or those of one event (of any id that now
    stands for it). Each: id, event_id (as corrected), current_event_id (None when its
    event is gone), field, old_value, new_value, old, new (as words), note, by, at."""
    i = event_ids
    q = (
        select(corrections, events.c.id.label("current"))
        .outerjoin(i, i.c.id == corrections.c.event_id)
        .outerjoin(events, events.c.id == i.c.event_id)
        .order_by(corrections.c.id)
    )
    if event_id is not None:
        target = conn.execute(select(i.c.event_id).where(i.c.id == event_id)).scalar()
        q = q.where(i.c.event_id == (target or event_id))
    return [
        {
            "id": r.id,
            "event_id": r.event_id,
            "current_event_id": r.current,
            "field": r.field,
            "old_value": r.old_value,
            "new_value": r.new_value,
            "old": describe(r.field, r.old_value),
            "new": describe(r.field, r.new_value),
            "note": r.note,
            "by": r.by,
            "at": r.at,
        }
        for r in conn.execute(q)
    ]


def describe(field: str, value: str | None) -> str:
    """A stored value as words: a status, the names of a role ("none"), hidden/shown."""
    if field == "note" or value is None:
        return ""
    if field == "hidden":
        return "hidden" if value == "1" else "shown"
    if field.startswith("role:"):
        names = [f"{e['name']} ({e['id']})" for e in json.loads(value)]
        return ", ".join(names) or "none"
    return value
