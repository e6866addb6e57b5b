"""Corrections: an analyst's changes are recorded apart, shown, and outlast new reports, rebuild and merges — on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest

from armsgraph.errors import StoreError
from armsgraph.store import Store
from armsgraph.store.queries import EventFilters


def roles(ev: dict) -> set[tuple[str, str]]:
    return {(p["role"], p["entity_id"]) for p in ev["participants"]}


def visible_ids(store: Store, **kw) -> set[str]:
    return {e["id"] for e in store.events(limit=None, **kw)}


def test_a_correction_changes_the_event_and_says_who_when_and_why(db_url, story):
    with Store(db_url) as store:
        for r in story:
            store.add(r)
        (ev,) = store.events()
        assert ev["status"] == "completed" and not ev["corrected"]
        rows = store.correct(
            ev["id"],
            by="ana",
            status="cancelled",
            roles={"seller": ["country:FRA"]},  # not in the store: the gazetteer knows it
            note="the report confused the seller",
        )
        assert [(r["field"], r["old"], r["new"]) for r in rows] == [
            ("status", "completed", "cancelled"),
            ("role:seller", "United States (country:USA)", "France (country:FRA)"),
        ]
        assert {r["by"] for r in rows} == {"ana"} and rows[0]["at"].endswith("+00:00")
        shown = store.event(ev["id"])
        assert shown["status"] == "cancelled" and shown["corrected"]
        assert roles(shown) == {
            ("seller", "country:FRA"),
            ("buyer", "country:EGY"),
            ("system", "test:f-16"),
        }
        assert [c["note"] for c in shown["corrections"]] == ["the report confused the seller"] * 2
        # What was extracted is kept: the reports still say what they said.
        assert [h["status"] for h in shown["status_history"]] == [
            "proposed",
            "agreed",
            "completed",
        ]
        # Filters, actors and the network read the corrected event.
        assert visible_ids(store, status="cancelled") == {ev["id"]}
        assert visible_ids(store, actor="France") == {ev["id"]}
        edges = store.network()["edges"]
        assert [(e["source"], e["target"], e["status"]) for e in edges] == [
            ("country:FRA", "country:EGY", "cancelled")
        ]
        assert [c["field"] for c in store.corrections()] == ["status", "role:seller"]
        assert store.corrections("ev:none") == []


def test_a_note_alone_flags_the_event(db_url, story):
    with Store(db_url) as store:
        store.add(story[0])
        (ev,) = store.events()
        (row,) = store.correct(ev["id"], by="bo", note="check the quantity")
        assert (row["field"], row["note"]) == ("note", "check the quantity")
        shown = store.event(ev["id"])
        assert shown["corrected"] and shown["status"] == "proposed"


def test_corrections_outlast_new_reports_a_new_date_and_rebuild(db_url, story):
    with Store(db_url) as store:
        store.add(story[0])
        (ev,) = store.events()
        store.correct(
            ev["id"],
            by="ana",
            status="agreed",
            roles={"seller": ["country:FRA", "Turkey"], "buyer": ["Pakistan"]},
        )
        expected = {
            ("seller", "country:FRA"),
            ("seller", "country:TUR"),
            ("buyer", "country:PAK"),
            ("system", "test:f-16"),
        }
        # Later reports say "completed" and name the United States and Egypt again.
        store.add(story[1])
        store.add(story[2])
        after_ingest = store.event(ev["id"])
        assert after_ingest["n_sources"] == 3
        assert after_ingest["status"] == "agreed" and roles(after_ingest) == expected
        # The first report again, with a corrected publication date: its event is re-formed.
        first = story[0]
        moved = replace(first, document=replace(first.document, published="2024-03-06"))
        assert store.add(moved).status == "updated"
        assert store.event(ev["id"])["status"] == "agreed"
        assert roles(store.event(ev["id"])) == expected
        before = store.event(ev["id"])
        store.rebuild()
        rebuilt = store.event(ev["id"])
        assert rebuilt == before
        assert {(e["source"], e["target"]) for e in store.network()["edges"]} == {
            ("country:FRA", "country:PAK"),
            ("country:TUR", "country:PAK"),
        }


def test_hidden_events_leave_lists_until_asked_for(db_url, story, report, sale_spec):
    with Store(db_url) as store:
        for r in story:
            store.add(r)
        store.add(
            report(
                "Pakistan ordered JF-17 from China.",
                [sale_spec("agreed", seller="China", buyer="Pakistan", system="JF-17")],
                published="2024-01-02",
            )  # fmt: skip
        )
        deal = store.events(actor="Egypt")[0]["id"]
        other = store.events(actor="Pakistan")[0]["id"]
        store.correct(deal, by="ana", hidden=True, note="duplicate")
        assert visible_ids(store) == {other}
        assert store.count_events() == 1 and store.count_events(actor="Egypt") == 0
        assert store.events(actor="Egypt") == []
        assert store.actor("country:EGY")["events"] == []
        assert store.actor("country:EGY")["n_events"] == 0
        assert "country:EGY" not in {a["id"] for a in store.actors(limit=None)}
        assert all(e["event_id"] == other for e in store.network()["edges"])
        assert sum(store.trends()["events"].values()) == 1
        every = store.trends(EventFilters(limit=None, include_hidden=True))
        assert sum(every["events"].values()) == 2
        assert visible_ids(store, include_hidden=True) == {deal, other}
        assert store.count_events(actor="Egypt", include_hidden=True) == 1
        # The event itself still opens (its page says it is hidden).
        assert store.event(deal)["hidden"]
        store.correct(deal, by="ana", hidden=False)
        assert visible_ids(store) == {deal, other}
        assert not store.event(deal)["hidden"] and store.count_events(actor="Egypt") == 1
        assert {a["id"]: a["n_events"] for a in store.actors(limit=None)}["country:EGY"] == 1
        assert [c["new"] for c in store.corrections(deal)] == ["hidden", "shown"]


def test_a_correction_follows_its_event_when_it_is_merged_into_another(db_url, report, sale_spec):
    with Store(db_url) as store:
        store.add(report("Egypt ordered F-16 in 2015.", [sale_spec("agreed", time="2015", time_start="2015")], published="2015-05-01"))  # fmt: skip
        store.add(report("Egypt ordered F-16 in 2021.", [sale_spec("agreed", time="2021", time_start="2021")], published="2021-05-01"))  # fmt: skip
        old, new = sorted(store.events(limit=None, order="oldest"), key=lambda e: e["first_seen"])
        store.correct(new["id"], by="ana", status="cancelled", note="never signed")
        # A report between the two years fits both: they become one event under the oldest id.
        store.add(report("Egypt ordered F-16 in 2018.", [sale_spec("agreed", time="2018", time_start="2018")], published="2018-05-01"))  # fmt: skip
        (merged,) = store.events(limit=None)
        assert merged["id"] == old["id"] and merged["n_sources"] == 3
        assert merged["status"] == "cancelled" and merged["corrected"]
        for label in ("merged", "rebuilt"):
            shown = store.event(new["id"])  # the alias opens the survivor
            assert shown["id"] == old["id"], label
            assert [(c["event_id"], c["current_event_id"], c["new"]) for c in shown["corrections"]] == [
                (new["id"], old["id"], "cancelled")
            ], label  # fmt: skip
            assert store.events(limit=None)[0]["status"] == "cancelled", label
            store.rebuild()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": "done"}, "unknown status 'done'"),
        ({"roles": {"sellr": ["country:FRA"]}}, "no role 'sellr'"),
        ({"roles": {"seller": ["Atlantis"]}}, "no entity 'Atlantis'"),
        ({"roles": {"seller": ["F-16"]}}, "not an actor"),
        ({}, "nothing to correct"),
    ],
)
def test_a_correction_that_cannot_apply_is_refused_and_nothing_is_stored(
    sqlite_path, story, changes, message
):
    with Store(sqlite_path) as store:
        store.add(story[0])
        (ev,) = store.events()
        with pytest.raises(StoreError, match=message):
            store.correct(ev["id"], by="ana", **changes)
        with pytest.raises(StoreError, match="no event 'ev:missing'"):
            store.correct("ev:missing", by="ana", status="agreed")
        assert store.corrections() == []
        assert store.event(ev["id"])["status"] == "proposed"
