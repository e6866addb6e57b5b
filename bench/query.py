"""Benchmark: query latency on a SQLite store of 1,000,000 synthetic events.

Fills a fresh store (schema via Store, rows via executemany in one transaction) with
events over realistic actors (countries, a few hundred companies, systems), then prints
the median and p95 latency of `events --actor`, `events --type --since`, an actor page
and the network query. Prints figures only.

    python bench/query.py              # 1,000,000 events
    python bench/query.py 200000
    python bench/query.py --db=/tmp/q.db   # keep the filled store there and reuse it
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from armsgraph.model import EVENT_TYPES, STATUSES
from armsgraph.store import graph, queries
from armsgraph.store.graph import write_all_graphs
from armsgraph.store.queries import EventFilters
from armsgraph.store.store import Store

COUNTRIES = [
    "USA",
    "RUS",
    "FRA",
    "CHN",
    "DEU",
    "ITA",
    "GBR",
    "ESP",
    "ISR",
    "KOR",
    "TUR",
    "SWE",
    "UKR",
    "NLD",
    "CHE",
    "IND",
    "SAU",
    "EGY",
    "QAT",
    "PAK",
    "JPN",
    "AUS",
    "ARE",
    "POL",
    "BRA",
    "DZA",
    "IDN",
    "GRC",
    "NOR",
    "CAN",
    "IRQ",
    "SGP",
    "VNM",
    "BGD",
    "MAR",
    "KWT",
    "THA",
    "PHL",
    "NGA",
    "ZAF",
    "MEX",
    "CHL",
    "COL",
    "PER",
    "ROU",
    "HUN",
    "CZE",
    "FIN",
    "DNK",
    "BEL",
]
ROLES = {
    "arms_sale": ("seller", "buyer"),
    "local_production": ("provider", "host"),
    "upgrade": ("provider", "customer"),
    "technology_transfer": ("provider", "recipient"),
    "program_participation": ("participant", "owner"),
}


def fill(store: Store, n: int) -> None:
    rnd = random.Random(7)
    # Zipf-like weights: a few countries take part in most events, as in the register.
    weights = [1 / (i + 1) for i in range(len(COUNTRIES))]
    ents = [
        {
            "id": f"country:{c}",
            "type": "country",
            "name": c,
            "country": c,
            "category": None,
            "wikidata": None,
        }
        for c in COUNTRIES
    ]
    orgs = [f"org:bench-{i}" for i in range(400)]
    ents += [
        {
            "id": o,
            "type": "organization",
            "name": f"Company {i}",
            "country": rnd.choice(COUNTRIES),
            "category": None,
            "wikidata": None,
        }
        for i, o in enumerate(orgs)
    ]
    systems = [f"weapon_system:bench-{i}" for i in range(2000)]
    ents += [
        {
            "id": s,
            "type": "weapon_system",
            "name": f"System-{i}",
            "country": None,
            "category": "aircraft",
            "wikidata": None,
        }
        for i, s in enumerate(systems)
    ]
    docs = [
        {
            "id": f"doc:{i}",
            "url": f"https://news.example/{i}",
            "title": None,
            "published": None,
            "dateline": None,
            "language": "en",
            "source": None,
            "content_hash": f"h{i}",
            "text": "",
            "ingested_at": "2026-01-01",
        }
        for i in range(10_000)
    ]
    ev_rows, part_rows, src_rows = [], [], []
    for i in range(n):
        etype = rnd.choices(EVENT_TYPES, weights=[40, 6, 4, 4, 4, 6, 4, 10, 2, 3, 2])[0]
        day = f"{rnd.randint(2000, 2025)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        eid = f"ev:{i:012d}"
        system = rnd.choice(systems)
        ev_rows.append(
            {
                "id": eid,
                "type": etype,
                "status": rnd.choice(STATUSES),
                "first_seen": day,
                "last_seen": day,
                "time_text": None,
                "time_start": None,
                "time_end": None,
                "quantity": rnd.randint(1, 100),
                "quantity_text": None,
                "value_amount": None,
                "value_currency": None,
                "value_text": None,
                "confidence": 0.8,
                "n_sources": 1,
                "systems": f"System-{system.rsplit('-', 1)[1]}",
                "merge_key": f"k{i}",
            }
        )
        a, b = rnd.choices(COUNTRIES, weights=weights, k=2)
        r1, r2 = ROLES.get(etype, ("partner", "partner"))
        part_rows.append(
            {"event_id": eid, "role": r1, "entity_id": f"country:{a}", "last_seen": day}
        )
        if b != a or r1 != r2:
            part_rows.append(
                {"event_id": eid, "role": r2, "entity_id": f"country:{b}", "last_seen": day}
            )
        if rnd.random() < 0.3:
            part_rows.append(
                {
                    "event_id": eid,
                    "role": r1 if r1 != "partner" else "party",
                    "entity_id": rnd.choice(orgs),
                    "last_seen": day,
                }
            )
        part_rows.append({"event_id": eid, "role": "system", "entity_id": system, "last_seen": day})
        src_rows.append(
            {
                "event_id": eid,
                "document_id": f"doc:{i % 10_000}",
                "local_event_id": f"e{i}",
                "start": 0,
                "end": 10,
                "text": "synthetic",
                "status": "agreed",
                "published": day,
                "attribution": None,
                "local_json": json.dumps({"id": f"e{i}", "type": etype}),
            }
        )
    from armsgraph.store.schema import (
        documents,
        entities,
        event_participants,
        event_sources,
        events,
    )

    with store.transaction() as conn:
        for table, rows in (
            (entities, ents),
            (documents, docs),
            (events, ev_rows),
            (event_participants, part_rows),
            (event_sources, src_rows),
        ):
            conn.execute(table.insert(), rows)
        # What Store.add writes for each new event: its actors and edges for the network.
        write_all_graphs(conn)


def timed(fn, repeat: int = 15) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--db=")]
    keep = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--db=")), None)
    n = int(args[0]) if args else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(keep) if keep else Path(tmp) / "bench.db"
        filled = path.exists()
        store = Store(path)
        if filled:
            print(f"reusing {path}")
        else:
            t = time.perf_counter()
            fill(store, n)
            print(f"filled {n:,} events in {time.perf_counter() - t:.1f} s")
        with store.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
            cases = {
                "events --actor EGY (50 latest)": lambda: queries.events(
                    conn, EventFilters(actor="country:EGY")
                ),
                "events --actor USA (50 latest)": lambda: queries.events(
                    conn, EventFilters(actor="country:USA")
                ),
                "events --type arms_sale --since 2024-06-01": lambda: queries.events(
                    conn, EventFilters(type="arms_sale", since="2024-06-01")
                ),
                "actor page country:PAK": lambda: queries.actor(conn, "country:PAK"),
                "actors list (100 most active)": lambda: queries.actors(conn),
                "trends, all events (home page)": lambda: queries.trends(conn),
                "trends of country:PAK (actor page)": lambda: queries.trends(
                    conn, entity_ids=queries.actor(conn, "country:PAK", limit=1)["own"]
                ),
                "map flows --type arms_sale (20,000 events)": lambda: queries.flows_of(
                    queries.events(conn, EventFilters(type="arms_sale", limit=20000))
                ),
                "network --actor QAT (1,000 events)": lambda: graph.network(
                    conn, EventFilters(actor="country:QAT", limit=1000)
                ),
            }
            print(f"{'query':<46} {'median ms':>10} {'p95 ms':>8}")
            for name, fn in cases.items():
                med, p95 = timed(fn)
                print(f"{name:<46} {med:>10.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()
