"""Every export opens in its consumer: csv module, JSON, networkx (GraphML), pandas/pyarrow (Parquet)."""

from __future__ import annotations

import csv
import json

import pytest

from armsgraph.export import write
from armsgraph.store.queries import EventFilters
from armsgraph.store.store import Store


@pytest.fixture
def filled(db_url, story, report, sale_spec):
    store = Store(db_url)
    for r in story:
        store.add(r)
    store.add(
        report(
            "Baykar will build Bayraktar TB2 drones in Egypt.",
            [
                {
                    "type": "local_production",
                    "status": "agreed",
                    "roles": {
                        "provider": ["Baykar"],
                        "host": ["Egypt"],
                        "system": ["Bayraktar TB2"],
                    },
                    "quantity": 40,
                }
            ],
            published="2024-08-01",
            url="https://news.example/tb2",
        )
    )
    store.add(
        report(
            "Pakistan and China agreed to cooperate on defense.",
            [
                {
                    "type": "defense_cooperation",
                    "status": "agreed",
                    "roles": {"partner": ["Pakistan", "China"]},
                }
            ],
            published="2024-09-01",
        )
    )
    yield store
    store.close()


def test_csv_export(filled, tmp_path):
    out = tmp_path / "events.csv"
    assert write(filled, "csv", out) == 3
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    sale = next(r for r in rows if r["type"] == "arms_sale")
    assert (sale["seller"], sale["buyer"], sale["system"], sale["status"]) == (
        "United States",
        "Egypt",
        "F-16",
        "completed",
    )
    assert sale["n_sources"] == "3"
    assert (
        sale["source_urls"]
        == "https://news.example/0; https://news.example/1; https://news.example/2"
    )
    assert sale["status_history"] == "2024-03-05 proposed; 2024-06-20 agreed; 2025-04-02 completed"


def test_filtered_export_writes_only_matching_events(filled, tmp_path):
    out = tmp_path / "egypt.csv"
    assert write(filled, "csv", out, EventFilters(actor="Pakistan", limit=None)) == 1
    assert [r["type"] for r in csv.DictReader(out.open())] == ["defense_cooperation"]


def test_jsonl_export(filled, tmp_path):
    out = tmp_path / "events.jsonl"
    write(filled, "jsonl", out)
    events = [json.loads(line) for line in out.read_text().splitlines()]
    sale = next(e for e in events if e["type"] == "arms_sale")
    assert [s["status"] for s in sale["sources"]] == ["proposed", "agreed", "completed"]
    assert all(s["evidence"][0]["text"] for s in sale["sources"])


def test_graphml_export_loads_in_networkx(filled, tmp_path):
    nx = pytest.importorskip("networkx")
    out = tmp_path / "events.graphml"
    assert write(filled, "graphml", out) == 3
    g = nx.read_graphml(out)
    assert g.nodes["country:EGY"]["label"] == "Egypt"
    assert g.nodes["country:EGY"]["n_events"] == 2
    edges = {(a, b, d["event_type"]) for a, b, d in g.edges(data=True)}
    assert ("country:USA", "country:EGY", "arms_sale") in edges
    assert any(t == "local_production" and b == "country:EGY" for _, b, t in edges)
    coop = [d for _, _, d in g.edges(data=True) if d["event_type"] == "defense_cooperation"]
    assert len(coop) == 1 and coop[0]["symmetric"] is True
    assert "weapon_system:bayraktar-tb2" not in g.nodes  # systems are edge attributes, not actors
    sale = next(d for a, b, d in g.edges(data=True) if d["event_type"] == "arms_sale")
    assert sale["systems"] == "F-16"  # the canonical name, not a list of aliases


def test_parquet_export_reads_in_pandas_and_pyarrow(filled, tmp_path):
    pd = pytest.importorskip("pandas")
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "events.parquet"
    assert write(filled, "parquet", out) == 3
    frame = pd.read_parquet(out)
    assert len(frame) == 3
    assert frame.loc[frame["type"] == "local_production", "quantity"].item() == 40.0
    assert str(frame["n_sources"].dtype) == "int64"
    assert pq.read_table(out).num_rows == 3
    try:
        import polars as pl
    except ImportError:
        return
    assert pl.read_parquet(out).height == 3


def test_sipri_export_has_register_columns(filled, tmp_path):
    out = tmp_path / "register.csv"
    assert write(filled, "sipri", out) == 2  # the cooperation agreement is not a transfer
    rows = {r["Designation"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    f16 = rows["F-16"]
    assert (f16["Supplier"], f16["Recipient"], f16["Status"]) == (
        "United States",
        "Egypt",
        "completed",
    )
    # No report dates the contract or the delivery: the years stay empty rather than the
    # dates the reports were published.
    assert (f16["Order year"], f16["Number ordered"], f16["Number delivered"]) == ("", "12", "12")
    assert f16["Delivery years"] == "" and f16["Local production"] == "No"
    assert (f16["Supplier ISO3"], f16["Recipient ISO3"]) == ("USA", "EGY")
    assert "https://news.example/2" in f16["Comments"]
    tb2 = rows["Bayraktar TB2"]
    assert (tb2["Recipient"], tb2["Local production"], tb2["Number delivered"]) == (
        "Egypt",
        "Yes",
        "",
    )
    assert (tb2["Supplier"], tb2["Supplier ISO3"]) == ("Baykar", "TUR")


def test_sipri_years_are_the_events_agreed_and_completed_dates(db_url, report, sale_spec, tmp_path):
    with Store(db_url) as store:
        for text, status, published, time, start in (
            (
                "Egypt signed for 12 F-16 in May 2023.",
                "agreed",
                "2024-01-10",
                "in May 2023",
                "2023-05-01",
            ),
            (
                "The United States delivered 12 F-16 to Egypt in 2025.",
                "completed",
                "2026-02-01",
                "in 2025",
                "2025-01-01",
            ),
        ):
            spec = sale_spec(status, quantity=12, time=time, time_start=start)
            store.add(report(text, [spec], published=published))
        out = tmp_path / "register.csv"
        assert write(store, "sipri", out) == 1
    (row,) = csv.DictReader(out.open(encoding="utf-8"))
    assert (row["Order year"], row["Delivery years"]) == ("2023", "2025")


def test_csv_and_parquet_say_who_supplied_whom(filled, tmp_path):
    pd = pytest.importorskip("pandas")
    out = tmp_path / "events.csv"
    write(filled, "csv", out)
    rows = {r["type"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    sale, tb2, coop = rows["arms_sale"], rows["local_production"], rows["defense_cooperation"]
    assert (sale["flow"], sale["supplier_iso3"], sale["recipient_iso3"]) == (
        "United States → Egypt",
        "USA",
        "EGY",
    )
    # A company supplies for its country; partners stand together.
    assert (tb2["flow"], tb2["suppliers"], tb2["supplier_iso3"]) == (
        "Baykar → Egypt",
        "Baykar",
        "TUR",
    )
    assert (coop["flow"], coop["suppliers"], coop["recipients"]) in {
        ("China ↔ Pakistan", "", ""),
        ("Pakistan ↔ China", "", ""),
    }
    assert (sale["systems"], tb2["systems"]) == ("F-16", "Bayraktar TB2")
    parquet = tmp_path / "events.parquet"
    write(filled, "parquet", parquet)
    frame = pd.read_parquet(parquet).set_index("type")
    assert frame.loc["arms_sale", "flow"] == "United States → Egypt"
    assert frame.loc["local_production", "supplier_iso3"] == "TUR"


def test_unknown_format_names_the_valid_ones(filled, tmp_path):
    from armsgraph.errors import ArmsgraphError

    with pytest.raises(ArmsgraphError, match="csv, jsonl, graphml, parquet, sipri"):
        write(filled, "xlsx", tmp_path / "x.xlsx")


def test_sipri_armament_category_leaves_out_what_the_register_does_not_count():
    from armsgraph.export.sipri import armament_category

    assert armament_category("Main battle tank") == "Armoured vehicles"
    assert armament_category("Armoured personnel carrier") == "Armoured vehicles"
    # Trucks and jeeps given to an army are events here, but not SIPRI armaments.
    assert armament_category("Military truck or utility vehicle") == ""
