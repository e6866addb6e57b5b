"""Store: writes, merge across reports, idempotence, versions, rebuild — on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

import pytest
from sqlalchemy import inspect

from armsgraph.errors import StoreError
from armsgraph.model import Fact, Span
from armsgraph.store import Store, database_url, prepare


def snapshot(store: Store) -> dict:
    """What a user can see: every event in full and the table counts."""
    events = store.events(limit=None)
    return {
        "stats": store.stats(),
        "events": [store.event(e["id"]) for e in events],
    }


def test_three_reports_merge_into_one_event_with_status_history(db_url, story):
    with Store(db_url) as store:
        results = [store.add(r) for r in story]
        assert [(r.status, r.events_added, r.events_merged) for r in results] == [
            ("new", 1, 0),
            ("new", 0, 1),
            ("new", 0, 1),
        ]
        events = store.events()
        assert len(events) == 1
        ev = store.event(events[0]["id"])
        assert ev["status"] == "completed"
        assert ev["n_sources"] == 3
        assert (ev["first_seen"], ev["last_seen"]) == ("2024-03-05", "2025-04-02")
        assert [(h["date"], h["status"]) for h in ev["status_history"]] == [
            ("2024-03-05", "proposed"),
            ("2024-06-20", "agreed"),
            ("2025-04-02", "completed"),
        ]
        assert [s["text"] for s in ev["sources"]] == [r.document.text for r in story]
        roles = {(p["role"], p["name"]) for p in ev["participants"]}
        assert roles == {("seller", "United States"), ("buyer", "Egypt"), ("system", "F-16")}
        assert ev["quantity"] == 12


def without_id(ev: dict) -> dict:
    return {k: v for k, v in ev.items() if k != "id"}


def test_reports_arriving_out_of_order_give_the_same_events(tmp_path, story):
    with Store(tmp_path / "a.db") as a, Store(tmp_path / "b.db") as b:
        first_ids = []
        for r in story:
            a.add(r)
            first_ids.append(a.events()[0]["id"])
        for r in reversed(story):
            b.add(r)
        assert [without_id(e) for e in snapshot(a)["events"]] == [
            without_id(e) for e in snapshot(b)["events"]
        ]
        # The latest report decides the status even when it was ingested first.
        assert b.events()[0]["status"] == "completed"
        # The event keeps the id it was first given, whatever reports join it.
        assert first_ids == [first_ids[0]] * 3


def test_same_day_reports_break_ties_by_status_order(db_url, report, sale_spec):
    with Store(db_url) as store:
        store.add(
            report(
                "Egypt ordered F-16 from the United States.",
                [sale_spec("agreed")],
                published="2024-05-01",
            )
        )
        store.add(
            report(
                "Egypt took delivery of F-16 from the United States.",
                [sale_spec("completed")],
                published="2024-05-01",
            )
        )
        store.add(
            report(
                "Egypt may buy F-16 from the United States.",
                [sale_spec("proposed")],
                published="2024-05-01",
            )
        )
        (ev,) = store.events()
        assert ev["status"] == "completed"


def test_reingesting_the_same_document_changes_nothing(db_url, story):
    with Store(db_url) as store:
        for r in story:
            store.add(r)
        before = snapshot(store)
        again = [store.add(r) for r in story]
        assert {r.status for r in again} == {"unchanged"}
        assert snapshot(store) == before


def test_a_new_version_of_a_page_is_a_new_document(db_url, report, sale_spec):
    with Store(db_url) as store:
        first = store.add(
            report(
                "Egypt may buy F-16 from the United States.",
                [sale_spec("proposed")],
                doc_id="page-7",
                url="https://news.example/7",
                published="2024-01-01",
            )
        )
        second = store.add(
            report(
                "Egypt will buy F-16 from the United States, officials said.",
                [sale_spec("agreed")],
                doc_id="page-7",
                url="https://news.example/7",
                published="2024-01-02",
            )
        )
        assert first.document_id == "page-7"
        assert second.status == "new" and second.document_id.startswith("page-7@")
        assert store.stats()["documents"] == 2
        assert store.events()[0]["n_sources"] == 2


def test_a_prepared_extraction_renamed_equals_the_renamed_extraction_prepared(report, sale_spec):
    # Ingest workers prepare an extraction before the store knows its id is taken.
    x = report(
        "Egypt will buy 12 F-16 from the United States.",
        [sale_spec("agreed", quantity=12), sale_spec("proposed", system="Bayraktar TB2")],
        doc_id="page-7",
        published="2024-01-02",
    )
    evidence = Span(0, 5, "Egypt")
    x = replace(x, facts=[Fact("country:EGY", "fleet", 12, "aircraft", evidence)])
    moved = replace(x, document=replace(x.document, id="page-7@abc"))
    assert prepare(x).renamed("page-7@abc") == prepare(moved)
    assert prepare(x) != prepare(moved)


def test_different_systems_or_buyers_stay_separate_events(db_url, report, sale_spec):
    with Store(db_url) as store:
        store.add(
            report(
                "Egypt buys F-16 from the United States.",
                [sale_spec("agreed")],
                published="2024-01-01",
            )
        )
        store.add(
            report(
                "Egypt buys JF-17 from the United States.",
                [sale_spec("agreed", system="JF-17")],
                published="2024-01-02",
            )
        )
        store.add(
            report(
                "Poland buys F-16 from the United States.",
                [sale_spec("agreed", buyer="Poland")],
                published="2024-01-03",
            )
        )
        # No system named: it can be the F-16 or the JF-17 deal, so it links them.
        assert store.count_events() == 3
        assert {e["systems"] for e in store.events(actor="Egypt")} == {"F-16", "JF-17"}


def test_reports_years_apart_are_different_events(db_url, report, sale_spec):
    with Store(db_url) as store:
        store.add(
            report(
                "In 1996 Egypt bought F-16 from the United States.",
                [sale_spec("completed", time="1996", time_start="1996")],
                published="2024-01-01",
            )
        )
        store.add(
            report(
                "In 2024 Egypt bought F-16 from the United States.",
                [sale_spec("completed", time="2024", time_start="2024")],
                published="2024-01-02",
            )
        )
        assert store.count_events() == 2


def test_a_report_without_system_joins_the_deal_it_fits(db_url, report, sale_spec):
    with Store(db_url) as store:
        store.add(
            report(
                "Egypt signed for F-16 with the United States.",
                [sale_spec("agreed")],
                published="2024-01-01",
            )
        )
        store.add(
            report(
                "The United States and Egypt completed the deal.",
                [sale_spec("completed", system=None)],
                published="2024-03-01",
            )
        )
        (ev,) = store.events()
        assert ev["n_sources"] == 2 and ev["status"] == "completed" and ev["systems"] == "F-16"


def test_rebuild_recomputes_the_same_events(db_url, story, report, sale_spec):
    with Store(db_url) as store:
        for r in story:
            store.add(r)
        store.add(
            report(
                "Turkey sold Bayraktar TB2 to Poland.",
                [sale_spec("agreed", seller="Turkey", buyer="Poland", system="Bayraktar TB2")],
                published="2023-02-01",
            )
        )
        before = snapshot(store)
        counts = store.rebuild()
        assert counts["rebuilt"] == 4
        assert snapshot(store) == before


def test_entities_merge_by_canonical_id_across_documents(db_url, report, sale_spec):
    with Store(db_url) as store:
        for i, buyer in enumerate(("Poland", "Egypt")):
            store.add(
                report(
                    f"Turkey sold Zorblax Z-1 drones to {buyer}.",
                    [sale_spec("agreed", seller="Turkey", buyer=buyer, system="Zorblax Z-1")],
                    published=f"2023-0{i + 1}-01",
                )
            )
        z = [a for a in store.actors() if a["name"] == "Zorblax Z-1"]
        assert len(z) == 1 and z[0]["n_events"] == 2
        assert z[0]["id"] == "weapon_system:zorblax-z-1"
        assert store.actor("country:TUR")["n_events"] == 2


def test_aliases_a_later_report_gives_are_kept(db_url, report, sale_spec):
    def with_aliases(x, names):
        ents = [replace(e, aliases=names) if e.id == "country:EGY" else e for e in x.entities]
        return replace(x, entities=ents)

    with Store(db_url) as store:
        first = report("Egypt buys F-16 from the United States.", [sale_spec("agreed")])
        store.add(with_aliases(first, ["Arab Republic of Egypt"]))
        assert "Arab Republic of Egypt" in store.actor("country:EGY")["aliases"]
        again = report("Egypt received F-16 from the United States.", [sale_spec("completed")])
        store.add(with_aliases(again, ["Arab Republic of Egypt", "Misr"]))
        got = set(store.actor("country:EGY")["aliases"])
        assert {"Arab Republic of Egypt", "Misr"} <= got
        store.rebuild()
        assert set(store.actor("country:EGY")["aliases"]) == got
        third = report("Egypt will upgrade its F-16.", [sale_spec("proposed")])
        store.add(with_aliases(third, ["Misr", "EGY forces"]))  # after rebuild too
        assert set(store.actor("country:EGY")["aliases"]) == got | {"EGY forces"}


def test_event_filters(db_url, story, report, sale_spec):
    with Store(db_url) as store:
        for r in story:
            store.add(r)
        store.add(
            report(
                "Turkey sold Bayraktar TB2 to Poland.",
                [sale_spec("agreed", seller="Turkey", buyer="Poland", system="Bayraktar TB2")],
                published="2023-02-01",
            )
        )
        store.add(
            report(
                "Baykar will build Bayraktar TB2 drones in Egypt.",
                [
                    {
                        "type": "local_production",
                        "status": "proposed",
                        "roles": {
                            "provider": ["Baykar"],
                            "host": ["Egypt"],
                            "system": ["Bayraktar TB2"],
                        },
                    }
                ],
                published="2024-08-01",
            )
        )

        def names(evs):
            return sorted(e["systems"] + ":" + e["type"] for e in evs)

        assert names(store.events(actor="egypt")) == [
            "Bayraktar TB2:local_production",
            "F-16:arms_sale",
        ]
        # A country matches its companies too.
        assert names(store.events(actor="Turkey")) == [
            "Bayraktar TB2:arms_sale",
            "Bayraktar TB2:local_production",
        ]
        assert names(store.events(actor="country:POL")) == ["Bayraktar TB2:arms_sale"]
        assert store.events(actor="Atlantis") == []
        assert names(store.events(type="local_production")) == ["Bayraktar TB2:local_production"]
        assert names(store.events(status="agreed,completed")) == [
            "Bayraktar TB2:arms_sale",
            "F-16:arms_sale",
        ]
        assert names(store.events(system="tb2")) == [
            "Bayraktar TB2:arms_sale",
            "Bayraktar TB2:local_production",
        ]
        assert names(store.events(since="2024-07-01")) == [
            "Bayraktar TB2:local_production",
            "F-16:arms_sale",
        ]
        assert names(store.events(until="2023-12-31")) == ["Bayraktar TB2:arms_sale"]
        assert names(store.events(text="contract for 12")) == ["F-16:arms_sale"]
        assert [e["systems"] for e in store.events(order="oldest")] == [
            "Bayraktar TB2",
            "F-16",
            "Bayraktar TB2",
        ]
        assert store.events(order="sources")[0]["n_sources"] == 3
        assert len(store.events(limit=2)) == 2 and len(store.events(limit=2, offset=2)) == 1
        assert store.count_events(actor="Egypt") == 2
        with pytest.raises(TypeError, match="unknown event filter"):
            store.events(actr="Egypt")


def test_actor_page_and_network(db_url, story, report, sale_spec):
    with Store(db_url) as store:
        for r in story:
            store.add(r)
        store.add(
            report(
                "Turkey sold Bayraktar TB2 to Egypt.",
                [sale_spec("agreed", seller="Turkey", buyer="Egypt", system="Bayraktar TB2")],
                published="2023-02-01",
            )
        )
        page = store.actor("country:EGY")
        assert page["name"] == "Egypt" and page["n_events"] == 2
        assert {p["id"] for p in page["partners"]} == {"country:USA", "country:TUR"}
        assert all(e["roles"] == ["buyer"] for e in page["events"])
        net = store.network()
        assert {n["id"] for n in net["nodes"]} == {"country:EGY", "country:USA", "country:TUR"}
        assert sorted((e["source"], e["target"]) for e in net["edges"]) == [
            ("country:TUR", "country:EGY"),
            ("country:USA", "country:EGY"),
        ]
        assert store.actor("country:XXX") is None and store.event("ev:missing") is None


def test_document_view_has_text_mentions_and_evidence(db_url, story):
    with Store(db_url) as store:
        r = store.add(story[0])
        doc = store.document(r.document_id)
        assert doc["text"] == story[0].document.text
        assert {m["text"] for m in doc["mentions"]} == {"Egypt", "F-16", "United States"}
        (ev,) = doc["evidence"]
        assert doc["text"][ev["start"] : ev["end"]] == ev["text"]


def test_schema_from_migrations_matches_schema_module(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from armsgraph.store.schema import metadata
    from armsgraph.store.search import include_name

    with Store(db_url) as store, store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        diff = compare_metadata(context, metadata)
        assert diff == []
        assert "alembic_version" in inspect(conn).get_table_names()


def test_sqlite_file_is_plain_and_in_wal_mode(tmp_path, story):
    path = tmp_path / "plain.db"
    with Store(path) as store:
        for r in story:
            store.add(r)
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT count(*) FROM event_sources").fetchone()[0] == 3
    assert con.execute("SELECT status FROM events").fetchone()[0] == "completed"


def test_duckdb_opens_the_sqlite_file(tmp_path, story):
    duckdb = pytest.importorskip("duckdb")
    ext = pytest.importorskip("duckdb_extension_sqlite_scanner")
    from pathlib import Path

    path = tmp_path / "duck.db"
    with Store(path) as store:
        for r in story:
            store.add(r)
    con = duckdb.connect()
    con.execute(f"LOAD '{next(Path(ext.__path__[0]).rglob('*.duckdb_extension'))}'")
    con.execute(f"ATTACH '{path}' AS ag (TYPE sqlite, READ_ONLY)")
    rows = con.execute(
        "SELECT e.status, count(*) FROM ag.events e JOIN ag.event_sources s ON s.event_id = e.id GROUP BY 1"
    ).fetchall()
    assert rows == [("completed", 3)]


def test_database_url_forms(tmp_path, monkeypatch):
    monkeypatch.delenv("ARMSGRAPH_DB", raising=False)
    assert database_url(None) == "sqlite:///armsgraph.db"
    assert database_url("x/y.db") == "sqlite:///x/y.db"
    assert database_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    monkeypatch.setenv("ARMSGRAPH_DB", "postgres://u@h/d")
    assert database_url(None) == "postgresql+psycopg://u@h/d"


def test_unopenable_databases_raise_store_error_naming_the_fix(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        Store(tmp_path / "no" / "such" / "dir.db")
    bad = tmp_path / "notadb.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not an armsgraph SQLite file|not a database"):
        Store(bad)
    with pytest.raises(StoreError, match="PostgreSQL server"):
        Store("postgresql://nobody@127.0.0.1:1/none")


def test_a_locked_database_raises_store_error_and_keeps_what_was_committed(tmp_path, story):
    path = tmp_path / "locked.db"
    with Store(path) as store:
        store.add(story[0])
        blocker = sqlite3.connect(path, timeout=0)
        blocker.execute("BEGIN EXCLUSIVE")
        # Make the wait short: this test is about the message, not the 30 s default.
        store.engine.dispose()
        from sqlalchemy import event as sa_event

        @sa_event.listens_for(store.engine, "connect")
        def _short(dbapi_conn, _rec):
            dbapi_conn.execute("PRAGMA busy_timeout=100")

        with pytest.raises(StoreError, match="locked") as info:
            store.add(story[1])
        assert "another process" in str(info.value)
        blocker.rollback()
        blocker.close()
        assert store.stats()["documents"] == 1
        store.add(story[1])
        assert store.stats()["documents"] == 2


def test_lost_postgresql_connection_raises_store_error(pg_url, pg_server, story):
    import sqlalchemy as sa

    with Store(pg_url) as store:
        store.add(story[0])
        store.engine.dispose()
        admin = sa.create_engine(pg_server, isolation_level="AUTOCOMMIT")
        name = sa.engine.make_url(pg_url).database
        with store.engine.connect() as conn:
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
            with admin.connect() as a:
                a.exec_driver_sql(f"SELECT pg_terminate_backend({pid})")
            with pytest.raises(sa.exc.DBAPIError):
                conn.exec_driver_sql("SELECT 1")
        admin.dispose()
        # The pool re-connects (pre-ping); what was committed is there.
        assert store.stats()["documents"] == 1
        assert name
