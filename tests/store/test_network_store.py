"""The network view on SQLite and PostgreSQL: the graph read from each event's stored
actors and edges equals the graph drawn from the events' participants, after merges that
join and re-form events, re-ingest, rebuild, and migration of an old database."""

from __future__ import annotations

import random
from collections import defaultdict

from alembic import command
from alembic.config import Config

from armsgraph.ontology import is_actor
from armsgraph.store.db import MIGRATIONS
from armsgraph.store.graph import edges_of
from armsgraph.store.store import Store

ACTORS = ["Turkey", "Baykar", "United States", "Egypt", "Poland", "Pakistan", "China"]


def drawn_from_participants(store: Store, **filters) -> dict:
    """The network of the events `store.events` returns, drawn from their participants."""
    evs = store.events(**{"limit": 1000, **filters})
    members = sorted(
        (e["id"], p["role"], p["name"], p["entity_id"], i, j)
        for i, e in enumerate(evs)
        for j, p in enumerate(e["participants"])
        if is_actor(p["role"], p["type"])
    )
    nodes: dict[str, dict] = {}
    events_of: dict[str, set] = defaultdict(set)
    for event_id, _role, _name, entity_id, i, j in members:
        p = evs[i]["participants"][j]
        nodes.setdefault(
            entity_id,
            {"id": entity_id, "name": p["name"], "type": p["type"], "country": p["country"]},
        )
        events_of[entity_id].add(event_id)
    for entity_id, node in nodes.items():
        node["n_events"] = len(events_of[entity_id])
    edges = [
        {
            "source": a,
            "target": b,
            "event_id": e["id"],
            "type": e["type"],
            "status": e["status"],
            "systems": e["systems"],
            "directed": directed,
        }
        for e in evs
        for a, b, directed in edges_of(e)
    ]
    return {
        "nodes": sorted(nodes.values(), key=lambda n: (-n["n_events"], n["name"])),
        "edges": edges,
    }


def varied_reports(report, n: int = 40, seed: int = 11) -> list:
    """Sales by a country and its company to one or two buyers, co-productions and
    cooperation among several partners, reported again and again so that events merge."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        specs = []
        for _ in range(rnd.choice([1, 1, 2])):
            kind = rnd.choice(["sale", "sale", "co", "coop"])
            if kind == "sale":
                seller = rnd.choice(
                    [["Turkey"], ["Baykar"], ["Turkey", "Baykar"], ["United States"]]
                )
                buyers = rnd.sample(["Egypt", "Poland", "Pakistan"], rnd.choice([1, 1, 2]))
                roles = {"seller": seller, "buyer": buyers}
                if rnd.random() < 0.6:
                    roles["system"] = [rnd.choice(["F-16", "Bayraktar TB2"])]
                spec = {"type": "arms_sale", "roles": roles}
            elif kind == "co":
                roles = {"partner": rnd.sample(["Turkey", "Pakistan", "China"], 2)}
                roles["customer"] = [rnd.choice(["Egypt", "Pakistan"])]
                roles["system"] = ["JF-17"]
                spec = {"type": "co_production", "roles": roles}
            else:
                roles = {"partner": rnd.sample(ACTORS, rnd.choice([2, 3]))}
                spec = {"type": "defense_cooperation", "roles": roles}
            specs.append({**spec, "status": rnd.choice(["proposed", "agreed", "completed"])})
        published = rnd.choice([None, "2024-01-05", "2024-03-01", "2025-07-09"])
        out.append(
            report(f"Report {i} on the deals.", specs, published=published, doc_id=f"r{i % 31}")
        )
    return out


def assert_network_as_drawn(store: Store) -> None:
    for filters in (
        {},
        {"actor": "Turkey"},
        {"actor": "Pakistan", "limit": 3},
        {"type": "co_production"},
    ):
        net = store.network(**filters)
        assert net == drawn_from_participants(store, **filters), filters
    assert store.network()["edges"], "the reports must give edges"


def test_network_equals_the_graph_of_the_events_participants(db_url, report):
    reports = varied_reports(report)
    random.Random(2).shuffle(reports)
    with Store(db_url) as store:
        for r in reports:
            store.add(r)
        assert_network_as_drawn(store)
        net = store.network()
        # Co-production partners link among themselves, not to the customer both ways.
        co = [e for e in net["edges"] if e["type"] == "co_production"]
        assert any(not e["directed"] for e in co) and any(e["directed"] for e in co)
        for r in reports[:10]:  # re-ingest changes nothing
            assert store.add(r).status == "unchanged"
        assert store.network() == net
        store.rebuild()
        assert store.network() == net


def test_network_of_a_migrated_database(tmp_path, report):
    path = tmp_path / "old.db"
    reports = varied_reports(report, n=20)
    with Store(path) as store:
        for r in reports[:12]:
            store.add(r)
        before = store.network()
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", f"sqlite:///{path}")
    with Store(path, migrate=False) as store, store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004")  # before event_graph
    with Store(path) as store:  # opening migrates and fills each event's graph
        assert store.network() == before
        for r in reports[12:]:
            store.add(r)
        assert_network_as_drawn(store)
