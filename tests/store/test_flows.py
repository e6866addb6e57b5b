"""The SQL view `flows`: supplier → recipient → system rows on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from armsgraph.model import Document, Entity, Event, Extraction, Money, Participant, Span, TimeExpr
from armsgraph.ontology import role_sides
from armsgraph.store.flows import FLOWS_COLUMNS, side_rows
from armsgraph.store.schema import ontology_sides
from armsgraph.store.store import Store

TURKISH_DRONES = """
SELECT DISTINCT recipient_country
FROM flows
WHERE supplier_iso3 = 'TUR' AND system_category LIKE '%uav%'
  AND coalesce(event_end, reported_last) >= '2020'
ORDER BY 1;
"""
README = Path(__file__).resolve().parents[2] / "README.md"

ENTITIES = {
    "org:baykar": ("organization", "Baykar", "TUR", None),
    "country:TUR": ("country", "Türkiye", "TUR", None),
    "country:POL": ("country", "Poland", "POL", None),
    "country:UKR": ("country", "Ukraine", "UKR", None),
    "country:USA": ("country", "United States", "USA", None),
    "country:EGY": ("country", "Egypt", "EGY", None),
    "test:tb2": ("weapon_system", "Bayraktar TB2", "TUR", "combat_uav"),
    "test:f-16": ("weapon_system", "F-16 Fighting Falcon", "USA", "fighter"),
    "test:kaan": ("program", "KAAN", "TUR", "fighter_program"),
}


def extraction(doc_id: str, published: str, events: list[tuple]) -> Extraction:
    """A report whose events are (type, status, [(role, entity id)], time or None, value or None)."""
    body = " ".join(ENTITIES[e][1] for _, _, parts, *_ in events for _, e in parts) + "."
    doc = Document(text=body, id=doc_id, published=published)
    used = {e for _, _, parts, *_ in events for _, e in parts}
    ents = [
        Entity(e, ENTITIES[e][0], ENTITIES[e][1], country=ENTITIES[e][2], category=ENTITIES[e][3])
        for e in sorted(used)
    ]
    evs = [
        Event(
            id=f"e{i}",
            type=etype,
            status=status,
            participants=[Participant(role, e) for role, e in parts],
            evidence=[Span(0, len(body), body)],
            time=time,
            value=value,
        )
        for i, (etype, status, parts, time, value) in enumerate(events)
    ]
    return Extraction(document=doc, entities=ents, events=evs)


def fill(store: Store) -> None:
    store.add(
        extraction(
            "drones",
            "2023-05-02",
            [
                # A company's sale counts for its country; two buyers give two rows.
                (
                    "arms_sale",
                    "agreed",
                    [
                        ("seller", "org:baykar"),
                        ("buyer", "country:POL"),
                        ("buyer", "country:UKR"),
                        ("system", "test:tb2"),
                    ],
                    TimeExpr("in 2022", "2022-01-01", "2022-12-31"),
                    None,
                ),
                # Partners stand together: no direction, no flow.
                (
                    "joint_development",
                    "agreed",
                    [("partner", "country:TUR"), ("partner", "country:POL")],
                    None,
                    None,
                ),
            ],
        )
    )
    store.add(
        extraction(
            "jets",
            "2015-10-29",
            [
                (
                    "arms_sale",
                    "completed",
                    [("seller", "country:USA"), ("buyer", "country:EGY"), ("system", "test:f-16")],
                    None,
                    Money(1.2e9, "USD", "$1.2 billion"),
                ),
                # An old Turkish sale reported in 2015 only: outside "since 2020".
                (
                    "arms_sale",
                    "proposed",
                    [("seller", "country:TUR"), ("buyer", "country:EGY"), ("system", "test:tb2")],
                    None,
                    None,
                ),
            ],
        )
    )


def test_flows_rows_go_from_supplier_to_recipient_with_iso3_and_category(db_url):
    with Store(db_url) as store:
        fill(store)
        with store.connect() as conn:
            result = conn.execute(text("SELECT * FROM flows ORDER BY reported_first, recipient"))
            assert tuple(result.keys()) == FLOWS_COLUMNS
            rows = [dict(r._mapping) for r in result]
            assert [r.recipient_country for r in conn.execute(text(TURKISH_DRONES))] == [
                "Poland",
                "Ukraine",
            ]
    pick = ("type", "supplier", "supplier_iso3", "supplier_country", "recipient_iso3", "system")
    assert [tuple(r[k] for k in pick) for r in rows] == [
        ("arms_sale", "United States", "USA", "United States", "EGY", "F-16 Fighting Falcon"),
        ("arms_sale", "Türkiye", "TUR", "Türkiye", "EGY", "Bayraktar TB2"),
        ("arms_sale", "Baykar", "TUR", "Türkiye", "POL", "Bayraktar TB2"),
        ("arms_sale", "Baykar", "TUR", "Türkiye", "UKR", "Bayraktar TB2"),
    ]
    f16, _, pol, _ = rows
    assert (f16["value_usd"], f16["status"], f16["event_start"]) == (1.2e9, "completed", None)
    assert (pol["event_start"], pol["event_end"], pol["reported_first"]) == (
        "2022-01-01",
        "2022-12-31",
        "2023-05-02",
    )
    assert (pol["system_category"], pol["n_sources"]) == ("combat_uav", 1)
    assert pol["event_id"].startswith("ev:")


def test_a_hidden_event_leaves_the_flows_and_a_corrected_one_says_so(db_url):
    with Store(db_url) as store:
        fill(store)
        (tr_egy,) = store.events(actor="Türkiye", system="Bayraktar TB2", status="proposed")
        (us_egy,) = store.events(system="F-16")
        store.correct(tr_egy["id"], by="analyst", hidden=True, note="a misreading")
        store.correct(us_egy["id"], by="analyst", status="agreed")
        with store.connect() as conn:
            rows = conn.execute(text("SELECT event_id, status, corrected FROM flows")).all()
    assert tr_egy["id"] not in {r.event_id for r in rows}
    assert [(r.status, r.corrected) for r in rows if r.event_id == us_egy["id"]] == [("agreed", 1)]


def test_flows_read_each_roles_side_from_the_ontology(db_url):
    with Store(db_url) as store:
        with store.connect() as conn:
            stored = {(r.kind, r.name): r.side for r in conn.execute(select(ontology_sides))}
        assert stored == {(r["kind"], r["name"]): r["side"] for r in side_rows()}
        assert all(stored[("role", role)] == side for role, side in role_sides().items())
        assert stored[("role", "system")] == "object"
        assert stored[("entity_type", "weapon_system")] == "thing"
        # A copy changed by hand is put back by rebuild.
        with store.transaction() as conn:
            conn.execute(ontology_sides.delete().where(ontology_sides.c.name == "buyer"))
        fill(store)
        store.rebuild()
        with store.connect() as conn:
            n = conn.execute(text("SELECT count(*) FROM flows WHERE recipient_iso3 = 'POL'"))
            assert n.scalar_one() == 1


def test_duckdb_and_pandas_answer_the_question_from_the_sqlite_file(tmp_path):
    duckdb = pytest.importorskip("duckdb")
    ext = pytest.importorskip("duckdb_extension_sqlite_scanner")
    pd = pytest.importorskip("pandas")
    import sqlite3

    path = tmp_path / "flows.db"
    with Store(path) as store:
        fill(store)
    con = duckdb.connect()
    con.execute(f"LOAD '{next(Path(ext.__path__[0]).rglob('*.duckdb_extension'))}'")
    con.execute(f"ATTACH '{path}' AS ag (TYPE sqlite, READ_ONLY)")
    con.execute("USE ag")
    assert con.execute(TURKISH_DRONES).fetchall() == [("Poland",), ("Ukraine",)]
    with sqlite3.connect(path) as db:
        frame = pd.read_sql(TURKISH_DRONES, db)
    assert frame["recipient_country"].tolist() == ["Poland", "Ukraine"]


def test_the_readme_shows_the_query_these_tests_run():
    assert TURKISH_DRONES.strip() in README.read_text(encoding="utf-8")
