"""Merge one document's reports into the stored events, reading only the rows the merge needs.

resolve/merge.py says when reports are the same event and how a merged event is
summarized; this module applies that to the database. A new report finds the stored
reports it may join through the indexed merge columns of event_sources (merge key, years,
systems) and, in the usual case — one more report of one known event — the event row is
brought up to date from that row and a few indexed look-ups, without reading the event's
other reports. Events that must be re-formed (two events joined by a report) are
recomputed from the indexed columns of all their reports.

Event ids are stable: a new event gets a hash of its smallest report reference, and keeps
it whatever reports join it later; when a report joins two events, the survivor keeps the
oldest id and the other id becomes an alias (table event_ids); store/ids.py keeps ids
right when a document's reports leave their events.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    delete,
    select,
    update,
)

from armsgraph.model import content_hash
from armsgraph.ontology import is_actor
from armsgraph.resolve import merge
from armsgraph.store.db import insert_rows
from armsgraph.store.merge_sql import (
    ANY_YEAR,
    BY_AGE,
    CANDIDATES,
    DETAIL_COLUMNS,
    EVENT_COLUMNS,
    EVENT_ROWS,
    ID_TARGET,
    IS_LIVE,
    LATEST_OF,
    NEXT_SEQ,
    PARTICIPANTS_OF,
    REVIVE,
    SYSTEM_NAMES,
    TIES,
    TOUCH,
    UPDATE_EVENT,
    detail_values,
    order_key,
)
from armsgraph.store.schema import (
    event_ids,
    event_participants,
    event_sources,
    events,
)


class Merger:
    """Merges the reports of one document, inside that document's transaction."""

    def __init__(self, conn: Connection, preferred: Mapping[str, str] | None = None):
        self.conn = conn
        # Report reference -> the id its event had (rebuild, a re-read document): a new
        # event takes the oldest of its reports' former ids that no live event holds.
        self._preferred = preferred or {}
        # Ids this run gave to new events, and those of them not registered yet (with
        # the smallest reference of the event, which orders them within the document).
        self._taken: set[str] = set()
        self._issued: list[tuple[str, str]] = []
        # Rows written together once the document's reports are merged (no later step of
        # the same document reads them back): events to insert or update with the objects
        # their `systems` is made of, participants' new last_seen, new participants, sources.
        self._inserts: list[tuple[dict[str, Any], list[str]]] = []
        self._updates: list[tuple[dict[str, Any], list[str]]] = []
        self._touches: list[dict[str, Any]] = []
        self._participants: list[dict[str, Any]] = []
        self._sources: list[dict[str, Any]] = []
        # (event, objects, year_min, year_max) already stored (as read by _links) or
        # written: a report with a new combination becomes its representative (rep 1).
        self._combos: set[tuple[Any, ...]] = set()

    # -- the document --------------------------------------------------------------------

    def run(self, new: Sequence[merge.Source]) -> tuple[int, int]:
        """Merge the document's reports; returns (events added, reports merged into others)."""
        if not new:
            return 0, 0
        links = self._links(new)
        parent: dict[Any, Any] = {}

        def find(x: Any) -> Any:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for i, s in enumerate(new):
            find(i)
            for j in range(i):
                if merge.compatible(s, new[j]):
                    parent[find(i)] = find(j)
            for eid in links.get(i, ()):
                parent[find(i)] = find(("e", eid))
        comps: dict[Any, tuple[list[merge.Source], set[str]]] = {}
        for i, s in enumerate(new):
            comps.setdefault(find(i), ([], set()))[0].append(s)
        for x in list(parent):
            if isinstance(x, tuple):
                comps[find(x)][1].add(x[1])
        # The rows of the events one report extends, read at once.
        single = [next(iter(j)) for _, j in comps.values() if len(j) == 1]
        self._rows = {
            r.id: r._asdict() for r in self.conn.execute(EVENT_ROWS, {"ids": single}).all()
        }
        self._parts: dict[str, set[tuple[str, str]]] = {e: set() for e in single}
        for r in self.conn.execute(PARTICIPANTS_OF, {"ids": single}).all():
            self._parts[r.event_id].add((r.role, r.entity_id))
        added = merged = 0
        for sources, joined in comps.values():  # in order of the document's first report
            if not joined:
                added += 1
                merged += len(sources) - 1
                self._create(sources)
                continue
            merged += len(sources)
            if len(joined) == 1:
                self._extend(next(iter(joined)), sources)
            else:
                self._reform(sorted(joined), sources)
        self._flush()
        return added, merged

    def recreate(self, groups: Iterable[Sequence[merge.Source]]) -> list[str]:
        """Write each group of reports (stored reports of events just removed, as
        merge.clusters gives them) as a new event; returns their ids."""
        ids = [self._create(list(sources)) for sources in groups]
        self._flush()
        return ids

    # -- ids -----------------------------------------------------------------------------

    def _new_id(self, sources: Sequence[merge.Source]) -> str:
        """The id of a new event: the oldest former id of its reports (`preferred`) that no
        live event holds, else the hash of its smallest reference (merge.event_id), else
        that hash with a counter (the hash is an alias of another live event)."""
        refs = sorted(s.ref for s in sources)
        former = sorted({self._preferred[r] for r in refs if r in self._preferred})
        candidates = list(self.conn.execute(BY_AGE, {"ids": former}).scalars()) if former else []
        candidates.append(merge.event_id(sources))
        n = 0
        while True:
            for cand in candidates:
                if cand in self._taken:
                    continue
                target = self.conn.execute(ID_TARGET, {"id": cand}).scalar()
                if target is None:
                    self._issued.append((cand, refs[0]))
                elif self.conn.execute(IS_LIVE, {"id": cand}).first() is not None:
                    continue  # a live event's id
                else:  # issued once, its event gone (rebuild, a re-read document): back in use
                    self.conn.execute(REVIVE, {"b_id": cand})
                self._taken.add(cand)
                return cand
            n += 1
            candidates = ["ev:" + content_hash(refs[0], str(n))]

    def _register(self) -> None:
        """Record the ids this run issued: one `seq` for the document, the events ordered
        by their smallest reference."""
        if not self._issued:
            return
        seq = self.conn.execute(NEXT_SEQ).scalar_one()
        rows = [
            {"id": eid, "event_id": eid, "seq": seq}
            for eid, _ref in sorted(self._issued, key=lambda t: t[1])
        ]
        # Within the document, a smaller reference is older (ties of seq sort by id).
        for i, row in enumerate(rows):
            row["seq"] = seq + i
        insert_rows(self.conn, event_ids, rows)
        self._issued = []

    def _oldest(self, ids: Sequence[str]) -> str:
        """Of stored events' ids, the one issued first."""
        found = list(self.conn.execute(BY_AGE, {"ids": list(ids)}).scalars())
        return found[0] if found else min(ids)

    def _flush(self) -> None:
        conn = self.conn
        self._register()
        self._fill_systems()
        insert_rows(conn, events, [row for row, _ in self._inserts])
        if self._updates:
            conn.execute(
                UPDATE_EVENT,
                [
                    {"b_id": row["id"], **{c: row[c] for c in EVENT_COLUMNS if c != "id"}}
                    for row, _ in self._updates
                ],
            )
        if self._touches:
            conn.execute(TOUCH, self._touches)
        insert_rows(conn, event_participants, self._participants)
        insert_rows(conn, event_sources, self._sources)
        self._inserts, self._updates, self._touches = [], [], []
        self._participants, self._sources = [], []

    def _fill_systems(self) -> None:
        """The `systems` column of each event written: names (sorted), then aliases
        (sorted), of its systems and programs, each once; one query for the document."""
        rows = self._inserts + self._updates
        wanted = sorted({o for _, objects in rows for o in objects})
        names: dict[str, list[tuple[int, str]]] = defaultdict(list)
        if wanted:
            for part, entity_id, name in self.conn.execute(
                SYSTEM_NAMES, {"ids": wanted, "ids2": wanted}
            ).all():
                names[entity_id].append((part, name))
        for row, objects in rows:
            found = sorted(n for o in objects for n in names.get(o, ()))
            row["systems"] = " | ".join(dict.fromkeys(name for _, name in found)) or None

    def _links(self, new: Sequence[merge.Source]) -> dict[int, set[str]]:
        """For each new report (by index), the stored events it is compatible with."""
        by_key: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(new):
            by_key[s.key].append(i)
        links: dict[int, set[str]] = defaultdict(set)
        for key, idxs in by_key.items():
            spans = [new[i].years for i in idxs]
            if any(y is None for y in spans):
                lo, hi = ANY_YEAR
            else:
                lo = min(y[0] for y in spans if y) - merge.MAX_YEAR_GAP
                hi = max(y[1] for y in spans if y) + merge.MAX_YEAR_GAP
            # DISTINCT over the covering index: a much-reported deal has many reports but
            # few distinct (systems, years), so few rows reach Python.
            rows = self.conn.execute(CANDIDATES, {"key": key, "lo": lo, "hi": hi}).all()
            for r in rows:
                self._combos.add((r.event_id, r.objects, r.year_min, r.year_max))
                objects = frozenset(r.objects.split("\t")) if r.objects else frozenset()
                years = (r.year_min, r.year_max) if r.year_min is not None else None
                for i in idxs:
                    if merge.compatible_parts(new[i].objects, new[i].years, objects, years):
                        links[i].add(r.event_id)
        return links

    # -- the three cases -----------------------------------------------------------------

    def _create(self, sources: list[merge.Source]) -> None:
        """A new event of reports no stored report matches."""
        row = merge.summarize(sources)
        row["id"] = self._new_id(sources)
        participants = row.pop("participants")
        self._inserts.append((row, _objects(participants)))
        self._add_participants(row["id"], participants, set(), row["last_seen"])
        self._add_sources(row["id"], sources)
        return row["id"]

    def _extend(self, event_id: str, sources: list[merge.Source]) -> None:
        """One more document's reports of one stored event (its id stays)."""
        conn = self.conn
        row = dict(self._rows[event_id])
        reports = [s.report() for s in sources]
        by_ref = {s.ref: s for s in sources}
        stored_latest = (row["last_seen"] or "", merge.status_rank(row["status"]))
        old_last_seen = row["last_seen"]
        tops: dict[str, str | None] = {}

        def wins(new: merge.Report, which: str) -> bool:
            """Whether `new` comes after every stored report of the event (of those giving
            the detail `which`), in merge.Report.order."""
            if new.order[:2] > stored_latest:
                return True  # later than the latest stored report of all
            if which not in tops:
                tops[which] = conn.execute(LATEST_OF[which], {"eid": event_id}).scalar()
            top = tops[which]
            if top is None:
                return True
            mine = order_key(new.published, new.status)
            if mine != top:
                return mine > top
            # Same date and status: the ids decide, as in merge.Report.order.
            ties = conn.execute(TIES, {"eid": event_id, "top": top}).all()
            return (new.document_id, new.local_event_id) > max(
                (t.document_id, t.local_event_id) for t in ties
            )

        newest = max(reports, key=lambda r: r.order)
        if wins(newest, "all"):
            row["status"] = newest.status
        for key, bit in DETAIL_COLUMNS:
            givers = [r for r in reports if r.details & bit]
            if givers:
                best = max(givers, key=lambda r: r.order)
                if wins(best, key):
                    row.update(detail_values(key, by_ref[best.ref].event.get(key)))
        dates = [d for d in [row["first_seen"], row["last_seen"]] if d]
        dates += [r.published for r in reports if r.published]
        row["first_seen"] = min(dates) if dates else None
        row["last_seen"] = max(dates) if dates else None
        row["confidence"] = max([row["confidence"], *(r.confidence for r in reports)])
        # The document is new, so its reports add exactly one document to the event.
        row["n_sources"] += len({r.document_id for r in reports})

        existing = self._parts[event_id]
        participants = existing | {
            (p["role"], p["entity"]) for s in sources for p in s.event.get("participants", [])
        }
        self._updates.append((row, _objects(participants)))
        if row["last_seen"] != old_last_seen:
            self._touches.append({"eid": event_id, "ls": row["last_seen"]})
        self._add_participants(event_id, sorted(participants), existing, row["last_seen"])
        self._add_sources(event_id, sources)

    def _reform(self, joined: list[str], sources: list[merge.Source]) -> None:
        """Re-form the event of the stored events `joined` and the new reports: summarized
        from the indexed columns of all its reports (reading at most three reports' JSON),
        under the oldest of their ids; the stored reports are moved to it, the other
        events removed and their ids made its aliases."""
        es, conn = event_sources, self.conn
        etype = sources[0].event["type"]
        stored = [
            merge.Report(
                document_id=r.document_id,
                local_event_id=r.local_event_id,
                published=r.published,
                status=r.status,
                confidence=r.confidence if r.confidence is not None else 0.5,
                details=r.details or 0,
                key=r.merge_key or sources[0].key,
                type=etype,
            )
            for r in conn.execute(
                select(
                    es.c.document_id,
                    es.c.local_event_id,
                    es.c.published,
                    es.c.status,
                    es.c.confidence,
                    es.c.details,
                    es.c.merge_key,
                ).where(es.c.event_id.in_(joined))
            )
        ]
        by_ref = {s.ref: s.event for s in sources}

        def event_of(r: merge.Report) -> dict[str, Any]:
            if r.ref in by_ref:
                return by_ref[r.ref]
            text = conn.execute(
                select(es.c.local_json).where(
                    es.c.document_id == r.document_id, es.c.local_event_id == r.local_event_id
                )
            ).scalar_one()
            return json.loads(text)

        row = merge.summarize_reports(stored + [s.report() for s in sources], event_of)
        target = row["id"] = self._oldest(joined)
        rows = conn.execute(
            select(
                event_participants.c.event_id,
                event_participants.c.role,
                event_participants.c.entity_id,
            ).where(event_participants.c.event_id.in_(joined))
        ).all()
        kept = {(r.role, r.entity_id) for r in rows if r.event_id == target}
        participants = sorted(
            {(r.role, r.entity_id) for r in rows}
            | {(p["role"], p["entity"]) for s in sources for p in s.event.get("participants", [])}
        )
        others = [e for e in joined if e != target]
        self._updates.append((row, _objects(participants)))
        self._touches.append({"eid": target, "ls": row["last_seen"]})
        conn.execute(update(es).where(es.c.event_id.in_(others)).values(event_id=target))
        conn.execute(delete(event_participants).where(event_participants.c.event_id.in_(others)))
        self._add_participants(target, participants, kept, row["last_seen"])
        conn.execute(delete(events).where(events.c.id.in_(others)))
        # Their ids, and the ids that stood for them, now stand for the survivor.
        conn.execute(
            update(event_ids).where(event_ids.c.event_id.in_(others)).values(event_id=target)
        )
        self._add_sources(target, sources)

    # -- rows ----------------------------------------------------------------------------

    def _add_participants(
        self,
        event_id: str,
        participants: list[tuple[str, str]],
        existing: set[tuple[str, str]],
        last_seen: str | None,
    ) -> None:
        self._participants += [
            {"event_id": event_id, "role": role, "entity_id": entity, "last_seen": last_seen}
            for role, entity in participants
            if (role, entity) not in existing
        ]

    def _add_sources(self, event_id: str, sources: list[merge.Source]) -> None:
        for s in sources:
            years = s.years
            objects = "\t".join(sorted(s.objects)) or None
            combo = (event_id, objects, *(years or (None, None)))
            rep = 0 if combo in self._combos else 1
            self._combos.add(combo)
            self._sources.append(
                {
                    **merge.source_row(s),
                    "event_id": event_id,
                    "local_json": json.dumps(s.event, ensure_ascii=False, sort_keys=True),
                    "merge_key": s.key,
                    "year_min": years[0] if years else None,
                    "year_max": years[1] if years else None,
                    "objects": objects,
                    "confidence": float(s.event.get("confidence", 0.5)),
                    "details": merge.details(s.event),
                    "sort_key": order_key(s.published, s.event.get("status") or "proposed"),
                    "rep": rep,
                }
            )


def _objects(participants: Sequence[tuple[str, str]]) -> list[str]:
    """The systems and programs among an event's (role, entity) participants."""
    return sorted({e for r, e in participants if not is_actor(r)})
