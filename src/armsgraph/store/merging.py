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
oldest id and the other id becomes an alias (table event_ids). `remove_reports` takes a
document's reports out of the events (a stored document whose date is corrected) and
`settle_ids` points ids whose event is gone to the event that now holds its reports.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    func,
    literal,
    or_,
    select,
    tuple_,
    union_all,
    update,
)

from armsgraph.model import content_hash
from armsgraph.ontology import is_actor
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

_ANY_YEAR = (-1_000_000, 1_000_000)
_DETAIL_COLUMNS: tuple[tuple[str, int], ...] = (
    ("time", merge.TIME),
    ("quantity", merge.QUANTITY),
    ("value", merge.VALUE),
)
_EVENT_COLUMNS = [c.name for c in events.columns]
_es, _ep = event_sources, event_participants
# Statements are built once, with bound parameters: building one costs more than running it.
_UPDATE_EVENT = (
    update(events)
    .where(events.c.id == bindparam("b_id"))
    .values({c: bindparam(c) for c in _EVENT_COLUMNS if c != "id"})
)
_TOUCH = update(_ep).where(_ep.c.event_id == bindparam("eid")).values(last_seen=bindparam("ls"))
_CANDIDATES = (
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
_LATEST = (
    select(_es.c.sort_key)
    .where(_es.c.event_id == bindparam("eid"))
    .order_by(_es.c.sort_key.desc())
    .limit(1)
)


def _latest_giving(bit: int) -> Any:
    # gives(bit) is the WHERE of a partial index on (event_id, sort_key): one index probe.
    return (
        select(_es.c.sort_key)
        .where(_es.c.event_id == bindparam("eid"), gives(bit))
        .order_by(_es.c.sort_key.desc())
        .limit(1)
    )


_LATEST_OF = {"all": _LATEST, **{key: _latest_giving(bit) for key, bit in _DETAIL_COLUMNS}}
_EVENT_ROWS = select(events).where(events.c.id.in_(bindparam("ids", expanding=True)))
_PARTICIPANTS_OF = select(_ep.c.event_id, _ep.c.role, _ep.c.entity_id).where(
    _ep.c.event_id.in_(bindparam("ids", expanding=True))
)
_TIES = select(_es.c.document_id, _es.c.local_event_id).where(
    _es.c.event_id == bindparam("eid"), _es.c.sort_key == bindparam("top")
)
# Names (part 0) and aliases (part 1) of systems and programs, for events.systems.
_SYSTEM_NAMES = union_all(
    select(literal(0).label("part"), entities.c.id, entities.c.name).where(
        entities.c.id.in_(bindparam("ids", expanding=True))
    ),
    select(literal(1).label("part"), aliases.c.entity_id, aliases.c.alias).where(
        aliases.c.entity_id.in_(bindparam("ids2", expanding=True))
    ),
)
# The registry of event ids (schema.event_ids).
_ID_TARGET = select(event_ids.c.event_id).where(event_ids.c.id == bindparam("id"))
_IS_LIVE = select(events.c.id).where(events.c.id == bindparam("id"))
_BY_AGE = (
    select(event_ids.c.id)
    .where(event_ids.c.id.in_(bindparam("ids", expanding=True)))
    .order_by(event_ids.c.seq, event_ids.c.id)
)
_NEXT_SEQ = select(func.coalesce(func.max(event_ids.c.seq), 0) + 1)
_REVIVE = (
    update(event_ids).where(event_ids.c.id == bindparam("b_id")).values(event_id=bindparam("b_id"))
)


_INSERTS: dict[tuple[str, str, tuple[str, ...], bool], tuple[str, Any]] = {}


def insert_rows(
    conn: Connection, table: Any, rows: list[dict[str, Any]], *, skip_existing: bool = False
) -> None:
    """INSERT many rows (with `skip_existing`, ON CONFLICT DO NOTHING) through the driver's
    executemany: SQLAlchemy's per-row parameter processing cost more than SQLite's insert."""
    if not rows:
        return
    keys = tuple(rows[0])
    cache_key = (conn.dialect.name, table.name, keys, skip_existing)
    cached = _INSERTS.get(cache_key)
    if cached is None:
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(table)
        if skip_existing:
            stmt = stmt.on_conflict_do_nothing()
        compiled = stmt.compile(dialect=conn.dialect, column_keys=list(keys))
        # A positional paramstyle (SQLite's "?") takes tuples in the statement's order.
        getter = itemgetter(*compiled.positiontup) if compiled.positional else None
        if getter is not None and len(compiled.positiontup) == 1:
            one = getter
            getter = lambda row: (one(row),)
        cached = _INSERTS[cache_key] = (str(compiled), getter)
    sql, getter = cached
    conn.exec_driver_sql(sql, rows if getter is None else [getter(r) for r in rows])


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


def _detail_values(key: str, detail: dict[str, Any] | None) -> dict[str, Any]:
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
            r.id: r._asdict() for r in self.conn.execute(_EVENT_ROWS, {"ids": single}).all()
        }
        self._parts: dict[str, set[tuple[str, str]]] = {e: set() for e in single}
        for r in self.conn.execute(_PARTICIPANTS_OF, {"ids": single}).all():
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
        candidates = list(self.conn.execute(_BY_AGE, {"ids": former}).scalars()) if former else []
        candidates.append(merge.event_id(sources))
        n = 0
        while True:
            for cand in candidates:
                if cand in self._taken:
                    continue
                target = self.conn.execute(_ID_TARGET, {"id": cand}).scalar()
                if target is None:
                    self._issued.append((cand, refs[0]))
                elif self.conn.execute(_IS_LIVE, {"id": cand}).first() is not None:
                    continue  # a live event's id
                else:  # issued once, its event gone (rebuild, a re-read document): back in use
                    self.conn.execute(_REVIVE, {"b_id": cand})
                self._taken.add(cand)
                return cand
            n += 1
            candidates = ["ev:" + content_hash(refs[0], str(n))]

    def _register(self) -> None:
        """Record the ids this run issued: one `seq` for the document, the events ordered
        by their smallest reference."""
        if not self._issued:
            return
        seq = self.conn.execute(_NEXT_SEQ).scalar_one()
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
        found = list(self.conn.execute(_BY_AGE, {"ids": list(ids)}).scalars())
        return found[0] if found else min(ids)

    def _flush(self) -> None:
        conn = self.conn
        self._register()
        self._fill_systems()
        insert_rows(conn, events, [row for row, _ in self._inserts])
        if self._updates:
            conn.execute(
                _UPDATE_EVENT,
                [
                    {"b_id": row["id"], **{c: row[c] for c in _EVENT_COLUMNS if c != "id"}}
                    for row, _ in self._updates
                ],
            )
        if self._touches:
            conn.execute(_TOUCH, self._touches)
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
                _SYSTEM_NAMES, {"ids": wanted, "ids2": wanted}
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
                lo, hi = _ANY_YEAR
            else:
                lo = min(y[0] for y in spans if y) - merge.MAX_YEAR_GAP
                hi = max(y[1] for y in spans if y) + merge.MAX_YEAR_GAP
            # DISTINCT over the covering index: a much-reported deal has many reports but
            # few distinct (systems, years), so few rows reach Python.
            rows = self.conn.execute(_CANDIDATES, {"key": key, "lo": lo, "hi": hi}).all()
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
                tops[which] = conn.execute(_LATEST_OF[which], {"eid": event_id}).scalar()
            top = tops[which]
            if top is None:
                return True
            mine = order_key(new.published, new.status)
            if mine != top:
                return mine > top
            # Same date and status: the ids decide, as in merge.Report.order.
            ties = conn.execute(_TIES, {"eid": event_id, "top": top}).all()
            return (new.document_id, new.local_event_id) > max(
                (t.document_id, t.local_event_id) for t in ties
            )

        newest = max(reports, key=lambda r: r.order)
        if wins(newest, "all"):
            row["status"] = newest.status
        for key, bit in _DETAIL_COLUMNS:
            givers = [r for r in reports if r.details & bit]
            if givers:
                best = max(givers, key=lambda r: r.order)
                if wins(best, key):
                    row.update(_detail_values(key, by_ref[best.ref].event.get(key)))
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
        from armsgraph.store.store import write_graph

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
        ranked = list(conn.execute(_BY_AGE, {"ids": tied}).scalars())
        moves.append({"b_old": old, "b_new": ranked[0] if ranked else tied[0]})
    if moves:
        conn.execute(
            update(event_ids)
            .where(event_ids.c.event_id == bindparam("b_old"))
            .values(event_id=bindparam("b_new")),
            moves,
        )


def _objects(participants: Sequence[tuple[str, str]]) -> list[str]:
    """The systems and programs among an event's (role, entity) participants."""
    return sorted({e for r, e in participants if not is_actor(r)})
