"""Event ids: what each stored report's event was called, and where ids go when events change.

A store keeps the id it first gave an event (merging.Merger issues and reuses ids). When a
stored document's reports leave their events (a corrected publication date),
`remove_reports` re-forms what is left under the ids it had, and `settle_ids` points every
id whose event is gone to the event that now holds its reports (table event_ids), so old
ids keep working as aliases.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select, tuple_, update

from armsgraph.resolve import merge
from armsgraph.store.graph import write_graph
from armsgraph.store.merge_sql import BY_AGE
from armsgraph.store.merging import Merger
from armsgraph.store.schema import event_ids, event_sources, events

Key = tuple[str, str]  # a report: (document id, its local event id)


def former_ids(conn: Connection, where: Any = None) -> dict[Key, str]:
    """The event id of each stored report (of the reports `where` selects)."""
    es = event_sources
    q = select(es.c.document_id, es.c.local_event_id, es.c.event_id)
    if where is not None:
        q = q.where(where)
    return {(r.document_id, r.local_event_id): r.event_id for r in conn.execute(q)}


def preferred_ids(former: Mapping[Key, str]) -> dict[str, str]:
    """`former` keyed by report reference, as Merger takes it."""
    return {f"{d}#{local}": eid for (d, local), eid in former.items()}


def remove_reports(conn: Connection, document_id: str) -> dict[Key, str]:
    """Take the reports of one document out of the stored events: the events it reported
    are removed and their other reports written again as the events they now form
    (merge.clusters), each keeping its former id where it can. Returns the former event
    id of every report of those events (for `settle_ids`)."""
    es = event_sources
    mine = select(es.c.event_id).where(es.c.document_id == document_id)
    rows = conn.execute(
        select(
            es.c.event_id, es.c.document_id, es.c.local_event_id, es.c.published, es.c.local_json
        )
        .where(es.c.event_id.in_(mine))
        .order_by(es.c.document_id, es.c.local_event_id)
    ).all()
    if not rows:
        return {}
    former = {(r.document_id, r.local_event_id): r.event_id for r in rows}
    left = [
        merge.Source(r.document_id, r.local_event_id, r.published, json.loads(r.local_json))
        for r in rows
        if r.document_id != document_id
    ]
    # Participants, sources and graph rows go with their event (ON DELETE CASCADE).
    conn.execute(delete(events).where(events.c.id.in_(sorted(set(former.values())))))

    # A split event's id goes to the part holding the report it was issued for, else to
    # the largest part; the other parts take back ids they had, or new ones.
    def owns(group: list[merge.Source]) -> bool:
        return any(merge.event_id([s]) == former[(s.document_id, s.local_event_id)] for s in group)

    groups = sorted(merge.clusters(left), key=lambda c: (not owns(c), -len(c), merge.event_id(c)))
    ids = Merger(conn, preferred_ids(former)).recreate(groups)
    if ids:
        write_graph(conn, ids)
    return former


def settle_ids(conn: Connection, former: Mapping[Key, str]) -> None:
    """Point every id of `former` (report -> the id its event had) whose event is gone,
    and the aliases standing for it, to the live event that now holds most of its
    reports (ties: the oldest)."""
    by_old: dict[str, list[Key]] = defaultdict(list)
    for key, old in former.items():
        by_old[old].append(key)
    olds = sorted(by_old)
    live: set[str] = set()
    for i in range(0, len(olds), 500):
        chunk = olds[i : i + 500]
        live.update(conn.execute(select(events.c.id).where(events.c.id.in_(chunk))).scalars())
    lost = [old for old in olds if old not in live]
    if not lost:
        return
    es = event_sources
    now: dict[Key, str] = {}
    keys = sorted({key for old in lost for key in by_old[old]})
    for i in range(0, len(keys), 500):
        now.update(
            former_ids(conn, tuple_(es.c.document_id, es.c.local_event_id).in_(keys[i : i + 500]))
        )
    moves = []
    for old in lost:
        counts: dict[str, int] = defaultdict(int)
        for key in by_old[old]:
            if key in now:
                counts[now[key]] += 1
        if not counts:
            continue  # its reports left with their document: the id stays unresolved
        best = max(counts.values())
        tied = sorted(e for e, n in counts.items() if n == best)
        ranked = list(conn.execute(BY_AGE, {"ids": tied}).scalars())
        moves.append({"b_old": old, "b_new": ranked[0] if ranked else tied[0]})
    if moves:
        conn.execute(
            update(event_ids)
            .where(event_ids.c.event_id == bindparam("b_old"))
            .values(event_id=bindparam("b_new")),
            moves,
        )
