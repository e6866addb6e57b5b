"""Trends (events per year by type, deal value per year), flows between countries, a
country's own organizations in its counts, and the rolled-up network, on SQLite and
PostgreSQL."""

from __future__ import annotations

from armsgraph.store.queries import EventFilters
from armsgraph.store.store import Store


def fill(store: Store, report, sale_spec) -> None:
    reports = [
        # 2021: a sale with a value, dated by the event; another sale in 2021 by report date.
        report(
            "The United States sold F-16 to Egypt for $2 billion in 2021.",
            [
                sale_spec(
                    "agreed", value=(2e9, "USD", "$2 billion"), time="in 2021", time_start="2021"
                )
            ],
            published="2023-05-01",
        ),
        report(
            "Baykar sold Bayraktar TB2 to Poland for €300 million.",
            [
                sale_spec(
                    "agreed",
                    seller="Baykar",
                    buyer="Poland",
                    system="Bayraktar TB2",
                    value=(3e8, "EUR", "€300 million"),
                )
            ],
            published="2021-02-01",
        ),
        # An export total is no deal: its value stays out of the value per year.
        report(
            "Turkey's defence exports reached $5 billion.",
            [
                {
                    "type": "export_statistic",
                    "status": "completed",
                    "roles": {"exporter": ["Turkey"]},
                    "value": (5e9, "USD", "$5 billion"),
                }
            ],
            published="2022-01-10",
        ),
        # Co-production partners: no supplier side, so no flow.
        report(
            "Turkey and Pakistan co-produce the JF-17.",
            [
                {
                    "type": "co_production",
                    "status": "agreed",
                    "roles": {"partner": ["Turkey", "Pakistan"], "system": ["JF-17"]},
                }
            ],
            published="2022-03-03",
        ),
        # Undated: counted apart.
        report(
            "Turkey sold Bayraktar TB2 to Pakistan.",
            [sale_spec("proposed", seller="Turkey", buyer="Pakistan", system="Bayraktar TB2")],
        ),
    ]
    for r in reports:
        store.add(r)


def test_trends_count_by_event_year_and_sum_deals_in_dollars(db_url, report, sale_spec):
    with Store(db_url) as store:
        fill(store, report, sale_spec)
        t = store.trends()
        assert t["years"] == ["2021", "2022"]
        assert t["by_type"]["2021"] == {"arms_sale": 2}  # one by its own date, one by report
        assert t["by_type"]["2022"] == {"export_statistic": 1, "co_production": 1}
        assert t["undated"] == 1
        assert t["value_usd"] == {"2021": 2e9, "2022": 0.0}  # not the $5 billion exports
        assert t["other_currency"] == 1  # the €300 million
        only = store.trends(EventFilters(type="co_production", limit=None))
        assert only["by_type"] == {"2022": {"co_production": 1}}


def test_flows_run_from_supplier_country_to_recipient_country(db_url, report, sale_spec):
    from armsgraph.store.queries import flows

    with Store(db_url) as store:
        fill(store, report, sale_spec)
        with store.connect() as conn:
            got = {(f["supplier"], f["recipient"]): f for f in flows(conn)}
    # Baykar sells as Turkey; the co-production and the export total make no flow.
    assert set(got) == {("USA", "EGY"), ("TUR", "POL"), ("TUR", "PAK")}
    assert got[("USA", "EGY")]["value_usd"] == 2e9
    assert got[("TUR", "POL")]["types"] == {"arms_sale": 1}


def test_a_country_counts_its_companies_events(db_url, report, sale_spec):
    with Store(db_url) as store:
        fill(store, report, sale_spec)
        tur = store.actor("country:TUR")
        listed = {a["id"]: a["n_events"] for a in store.actors(type="country")}
        assert tur["n_events"] == store.count_events(actor="country:TUR") == 4
        assert listed["country:TUR"] == 4
        assert any(r == ["seller (Baykar)"] for r in (e["roles"] for e in tur["events"]))
        # A system made in Türkiye is not one of its actors.
        assert "test:tb2" not in tur["own"]


def test_network_rolled_up_to_countries(db_url, report, sale_spec):
    with Store(db_url) as store:
        fill(store, report, sale_spec)
        plain = store.network()
        rolled = store.network(rollup=True)
    assert "test:baykar" in {n["id"] for n in plain["nodes"]}
    ids = {n["id"] for n in rolled["nodes"]}
    assert "test:baykar" not in ids and "country:TUR" in ids
    pairs = {(e["source"], e["target"]) for e in rolled["edges"] if e["directed"]}
    assert ("country:TUR", "country:POL") in pairs
    tur = next(n for n in rolled["nodes"] if n["id"] == "country:TUR")
    assert tur["n_events"] == 4


def test_parties_no_directed_edge_links_are_linked_to_each_other():
    from armsgraph.store.graph import edges_of

    def p(role, entity_id):
        return {"role": role, "entity_id": entity_id, "type": "country"}

    # A programme's participants without its owner: each pair linked, undirected.
    programme = {
        "type": "program_participation",
        "participants": [
            p("participant", "country:DNK"),
            p("participant", "country:NOR"),
            p("participant", "country:ITA"),
        ],
    }
    assert sorted(edges_of(programme)) == [
        ("country:DNK", "country:ITA", False),
        ("country:DNK", "country:NOR", False),
        ("country:ITA", "country:NOR", False),
    ]
    # With its owner, the directed edges say it all.
    programme["participants"].append(p("owner", "country:USA"))
    assert all(directed for _, _, directed in edges_of(programme))
    # One actor alone links nothing.
    assert (
        edges_of({"type": "export_statistic", "participants": [p("exporter", "country:TUR")]}) == []
    )


def test_the_maps_flows_agree_with_the_flows_view(db_url, report, sale_spec):
    """The map counts flows from the stored events; SQL readers have the `flows` view:
    both say the same country pairs and numbers of events."""
    from sqlalchemy import text

    from armsgraph.store.queries import flows

    with Store(db_url) as store:
        fill(store, report, sale_spec)
        with store.connect() as conn:
            mine = {(f["supplier"], f["recipient"]): f["n_events"] for f in flows(conn)}
            view = {
                (a, b): n
                for a, b, n in conn.execute(
                    text(
                        "SELECT supplier_iso3, recipient_iso3, COUNT(DISTINCT event_id) FROM flows "
                        "WHERE supplier_iso3 IS NOT NULL AND recipient_iso3 IS NOT NULL "
                        "AND supplier_iso3 <> recipient_iso3 GROUP BY supplier_iso3, recipient_iso3"
                    )
                )
            }
    assert mine == view and mine
