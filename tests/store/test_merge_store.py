"""The store's incremental merge and indexed reads against plain recomputation, on SQLite
and PostgreSQL: events equal resolve/merge.py run over every stored report, in any arrival
order (their ids are the stable ids the arrival order issued); an actor's pages equal one
sort of all its events; old databases migrate."""

from __future__ import annotations

import json
import random
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import select

from armsgraph.resolve import merge
from armsgraph.store.db import MIGRATIONS
from armsgraph.store.merge_sql import merge_columns
from armsgraph.store.schema import event_ids, event_participants, event_sources, events
from armsgraph.store.store import Store

STATUSES = ["proposed", "agreed", "in_progress", "completed", "cancelled"]


def many_reports(report, sale_spec, n: int = 36, seed: int = 5) -> list:
    """Reports of a few deals between the same parties: systems named or not, years near
    and far, same-day reports (ties), no date, several events in one report, and document
    ids whose order differs from the order of their references."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        specs = []
        for _ in range(rnd.choice([1, 1, 2])):
            extra = {"confidence": rnd.choice([0.5, 0.7, 0.9])}
            year = rnd.choice([None, 2018, 2020, 2023, 2030])
            if year:
                extra["time"] = str(year)
                extra["time_start"] = str(year)
            if rnd.random() < 0.4:
                extra["quantity"] = rnd.randint(1, 40)
            if rnd.random() < 0.3:
                extra["value"] = (float(i) * 1e6, "USD", f"${i} million")
            specs.append(
                sale_spec(
                    rnd.choice(STATUSES),
                    seller=rnd.choice(["United States", "United States", "Turkey"]),
                    system=rnd.choice(["F-16", "Bayraktar TB2", None]),
                    **extra,
                )
            )
        published = rnd.choice([None, "2024-01-05", "2024-01-05", "2024-03-01", "2025-07-09"])
        doc_id = rnd.choice(["a", "a!", "b", "a-b", "z"]) + f"{i:03d}"
        out.append(report(f"Report {i} on the sale.", specs, published=published, doc_id=doc_id))
    return out


def check_against_recomputation(store: Store) -> None:
    """The events table equals merge.clusters + merge.summarize over all stored reports
    (each event found by its reports: its id is the one it was first given), and every
    id ever issued stands for a live event."""
    with store.connect() as conn:
        sources = [
            merge.Source(r.document_id, r.local_event_id, r.published, json.loads(r.local_json))
            for r in conn.execute(select(event_sources))
        ]
        rows = {r.id: r._asdict() for r in conn.execute(select(events))}
        parts = {}
        for r in conn.execute(select(event_participants)):
            parts.setdefault(r.event_id, set()).add((r.role, r.entity_id))
            assert r.last_seen == rows[r.event_id]["last_seen"]
        refs, combos = {}, {}
        for r in conn.execute(select(event_sources)):
            refs.setdefault(r.event_id, set()).add(f"{r.document_id}#{r.local_event_id}")
            combo = (r.event_id, r.objects, r.year_min, r.year_max)
            combos[combo] = combos.get(combo, False) or r.rep == 1
            assert {k: getattr(r, k) for k in merge_columns({"type": "x"}, None)} == merge_columns(
                json.loads(r.local_json), r.published
            )
    # The merge looks up only representatives: each combination must keep one.
    assert all(combos.values())
    clusters = merge.clusters(sources)
    assert len(clusters) == len(rows)
    by_refs = {frozenset(v): k for k, v in refs.items()}
    for cluster in clusters:
        want = merge.summarize(cluster)
        want_parts = set(want.pop("participants"))
        del want["id"]
        eid = by_refs[frozenset(s.ref for s in cluster)]
        got = rows[eid]
        assert {k: got[k] for k in want} == want
        assert parts[eid] == want_parts
    with store.connect() as conn:
        registry = {r.id: r.event_id for r in conn.execute(select(event_ids))}
    assert all(registry[eid] == eid for eid in rows)
    assert set(registry.values()) <= set(rows)


def without_ids(evs: list[dict]) -> list[str]:
    """Events as a user reads them, less their ids (which depend on arrival order)."""
    return sorted(
        json.dumps({k: v for k, v in e.items() if k != "id"}, sort_keys=True) for e in evs
    )


def test_merged_events_equal_recomputation_in_any_arrival_order(
    db_url, tmp_path, report, sale_spec
):
    reports = many_reports(report, sale_spec)
    shuffled = list(reports)
    random.Random(1).shuffle(shuffled)
    with Store(db_url) as store, Store(tmp_path / "sorted.db") as other:
        for r in shuffled:
            store.add(r)
        for r in sorted(reports, key=lambda r: (r.document.published or "", r.document.id)):
            other.add(r)
        check_against_recomputation(store)
        check_against_recomputation(other)
        mine = [store.event(e["id"]) for e in store.events(limit=None, order="oldest")]
        theirs = [other.event(e["id"]) for e in other.events(limit=None, order="oldest")]
        assert without_ids(mine) == without_ids(theirs)
        before = mine
        store.rebuild()
        check_against_recomputation(store)
        # Rebuilt events keep their ids (and everything else).
        assert [store.event(e["id"]) for e in store.events(limit=None, order="oldest")] == before


def test_an_event_id_once_shown_always_finds_its_event(db_url, report, sale_spec):
    """Whatever order reports arrive in, an id seen after any ingest still opens the
    event that holds that event's reports (the same id, or an alias of the survivor),
    after every later ingest and after rebuild."""
    reports = many_reports(report, sale_spec)
    random.Random(7).shuffle(reports)
    seen: dict[str, set[str]] = {}  # id -> the reports its event had when the id was seen
    kept = merged = 0
    with Store(db_url) as store:
        for r in reports:
            store.add(r)
            for e in store.events(limit=None):
                ev = store.event(e["id"])
                refs = {f"{s['document_id']}#{s['local_event_id']}" for s in ev["sources"]}
                seen.setdefault(e["id"], set()).update(refs)
        for label in ("ingest", "rebuild"):
            for eid, refs in seen.items():
                ev = store.event(eid)
                assert ev is not None, (label, eid)
                now = {f"{s['document_id']}#{s['local_event_id']}" for s in ev["sources"]}
                assert refs <= now, (label, eid)
                kept += ev["id"] == eid
                merged += ev["id"] != eid
            store.rebuild()
    assert merged, "no events merged into others: the test would prove nothing"
    assert kept


def test_actor_pages_equal_one_sort_of_all_its_events(db_url, report, sale_spec):
    rnd = random.Random(3)
    with Store(db_url) as store:
        for i in range(30):
            seller = rnd.choice(["Turkey", "Baykar", "United States"])
            roles = {"seller": [seller], "buyer": [rnd.choice(["Egypt", "Poland", "Turkey"])]}
            if seller == "Baykar" and rnd.random() < 0.5:
                roles["seller"].append("Turkey")  # the country and its company in one event
            spec = {"type": "arms_sale", "status": "agreed", "roles": roles}
            if i % 4 == 0:
                spec = {
                    **spec,
                    "type": "upgrade",
                    "roles": {"provider": ["Turkey"], "customer": ["Turkey"]},
                }
            published = f"2024-0{rnd.randint(1, 3)}-01"  # many same-day events: ties by id
            store.add(report(f"Deal number {i}.", [spec], published=published, doc_id=f"d{i}"))
        for filters in ({}, {"type": "arms_sale"}, {"since": "2024-02-01"}):
            full = [e["id"] for e in store.events(actor="Turkey", limit=None, **filters)]
            assert full, filters
            paged = []
            for offset in range(0, len(full) + 3, 4):
                paged += [
                    e["id"] for e in store.events(actor="Turkey", limit=4, offset=offset, **filters)
                ]
            assert paged == full, filters
        assert store.count_events(actor="Turkey") == len(store.events(actor="Turkey", limit=None))
        page = store.actor("country:TUR", limit=5)
        everything = store.actor("country:TUR", limit=None)
        assert page["n_events"] == len(everything["events"])
        assert [e["id"] for e in page["events"]] == [e["id"] for e in everything["events"]][:5]
        net = store.network(actor="Turkey", limit=7)
        assert {e["event_id"] for e in net["edges"]} <= {
            e["id"] for e in store.events(actor="Turkey", limit=7)
        }


def test_an_old_database_migrates_and_keeps_merging(tmp_path, story):
    path = tmp_path / "old.db"
    with Store(path) as store:
        for r in story[:2]:
            store.add(r)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", f"sqlite:///{path}")
    with Store(path, migrate=False) as store, store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")  # the schema as the first release wrote it
    with Store(path) as store:  # opening migrates to the latest version
        check_against_recomputation(store)
        store.add(story[2])
        check_against_recomputation(store)
        (ev,) = store.events()
        assert (ev["status"], ev["n_sources"]) == ("completed", 3)
        assert [e["id"] for e in store.events(actor="Egypt")] == [ev["id"]]


def test_to_json_equals_asdict_without_empty_values(report, sale_spec):
    """Extraction.to_json skips dataclasses.asdict for speed: it must give what asdict gives,
    less the keys whose value is None or []."""
    from dataclasses import asdict

    from armsgraph.extract import Extractor
    from armsgraph.ingest import iter_documents

    def clean(obj):
        if isinstance(obj, dict):
            return {k: clean(v) for k, v in obj.items() if v is not None and v != []}
        if isinstance(obj, list):
            return [clean(v) for v in obj]
        return obj

    samples = Path(__file__).resolve().parents[2] / "src/armsgraph/data/samples"
    extractor = Extractor()
    docs = list(iter_documents([str(samples)]))
    assert docs
    extractions = [extractor.extract(d) for d in docs]
    extractions += many_reports(report, sale_spec, n=6)
    assert any(x.events for x in extractions) and any(x.facts for x in extractions)
    for x in extractions:
        got = x.to_json()
        for key in ("entities", "events", "facts"):
            assert got[key] == [clean(asdict(r)) for r in getattr(x, key)]
