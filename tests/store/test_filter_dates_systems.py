"""Event filters: since/until on the event's own dates (report dates on request), and
--system as whole words of a name or a whole alias, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from armsgraph.model import Document, Entity, Event, Extraction, Participant, Span, TimeExpr
from armsgraph.store import queries
from armsgraph.store.store import Store

SYSTEMS = {
    "test:tb2": ("Bayraktar TB2", ["TB2", "Bayraktar drones"]),
    "test:sub": ("Submarine", ["diesel-electric submarine", "nuclear submarines"]),
    "test:f-16": ("F-16 Fighting Falcon", ["F-16", "F-16s"]),
}


def report(doc_id: str, published: str, system: str, time: TimeExpr | None) -> Extraction:
    name, alias_list = SYSTEMS[system]
    text = f"Egypt buys {name} from the United States."
    ents = [
        Entity("country:EGY", "country", "Egypt", country="EGY"),
        Entity("country:USA", "country", "United States", country="USA"),
        Entity(system, "weapon_system", name, aliases=alias_list),
    ]
    ev = Event(
        id="e0",
        type="arms_sale",
        status="agreed",
        participants=[
            Participant("seller", "country:USA"),
            Participant("buyer", "country:EGY"),
            Participant("system", system),
        ],
        evidence=[Span(0, len(text), text)],
        time=time,
    )
    return Extraction(Document(text=text, id=doc_id, published=published), ents, [ev])


@pytest.fixture
def store(db_url):
    with Store(db_url) as s:
        # Agreed in 2019, reported in 2023.
        s.add(
            report(
                "old-deal",
                "2023-03-01",
                "test:tb2",
                TimeExpr("in 2019", "2019-01-01", "2019-12-31"),
            )
        )
        # No date of its own: the report's date stands for it.
        s.add(report("sub-deal", "2021-06-01", "test:sub", None))
        s.add(
            report(
                "jet-deal",
                "2024-02-01",
                "test:f-16",
                TimeExpr("in March 2024", "2024-03-01", "2024-03-31"),
            )
        )
        yield s


def systems(store: Store, **filters) -> list[str]:
    return sorted(e["systems"] for e in store.events(**filters))


def test_since_and_until_compare_the_events_own_dates(store):
    assert systems(store, since="2020") == ["F-16 Fighting Falcon", "Submarine"]
    assert systems(store, until="2019-12") == ["Bayraktar TB2"]
    assert systems(store, since="2019", until="2019") == ["Bayraktar TB2"]
    assert systems(store, since="2021-06", until="2021-06") == ["Submarine"]
    assert systems(store, since="2024-03-15") == ["F-16 Fighting Falcon"]
    assert store.count_events(since="2020") == 2


def test_report_dates_on_request(store):
    assert systems(store, since="2023", dates="report") == ["Bayraktar TB2", "F-16 Fighting Falcon"]
    assert systems(store, since="2019", until="2019", dates="report") == []
    assert systems(store, since="2024-03-15", dates="report") == []
    with pytest.raises(ValueError, match="unknown dates"):
        store.events(since="2020", dates="published")


def test_system_matches_whole_words_of_a_name_or_a_whole_alias(store):
    assert systems(store, system="tb2") == ["Bayraktar TB2"]
    assert systems(store, system="Bayraktar") == ["Bayraktar TB2"]
    assert systems(store, system="bayraktar drones") == ["Bayraktar TB2"]
    assert systems(store, system="F-16") == ["F-16 Fighting Falcon"]
    assert systems(store, system="falcon") == ["F-16 Fighting Falcon"]
    assert systems(store, system="test:sub") == ["Submarine"]
    # Never part of a word, nor a word inside an alias: "diesel" is not a system's name.
    assert systems(store, system="diesel") == []
    assert systems(store, system="F-1") == []
    assert systems(store, system="Bay") == []
    assert systems(store, system="Fighting Falcon F") == []
    with store.connect() as conn:
        assert queries.resolve_system(conn, "diesel-electric submarine") == ["test:sub"]


def test_listed_systems_are_canonical_names(store):
    (ev,) = store.events(system="F-16")
    assert ev["systems"] == "F-16 Fighting Falcon"  # not its aliases
    assert queries.flow_text(ev) == "United States → Egypt"
