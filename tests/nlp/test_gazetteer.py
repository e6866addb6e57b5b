"""The shipped gazetteer: alias table accuracy, country and organization coverage, lookup rules."""

from __future__ import annotations

import csv
from pathlib import Path

import pycountry
import pytest

from armsgraph.nlp.gazetteer import Gazetteer, GazetteerEntry, fold, load_gazetteer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DATA = Path(__file__).resolve().parents[2] / "src" / "armsgraph" / "data"


@pytest.fixture(scope="module")
def gaz(monkeypatch_module: pytest.MonkeyPatch) -> Gazetteer:
    return load_gazetteer()


@pytest.fixture(scope="module")
def monkeypatch_module():
    # the shipped gazetteer alone: a user's ARMSGRAPH_GAZETTEER must not leak into these tests
    mp = pytest.MonkeyPatch()
    mp.delenv("ARMSGRAPH_GAZETTEER", raising=False)
    yield mp
    mp.undo()


def test_alias_table_resolves_at_least_98_percent(gaz: Gazetteer) -> None:
    with (FIXTURES / "aliases_countries_orgs.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 300
    misses = []
    for row in rows:
        got = [e.id for e in gaz.lookup(row["alias"])]
        if got[:1] != [row["expected_id"]] or len(got) > 1:
            misses.append((row["alias"], row["expected_id"], got))
    for miss in misses:
        print("miss:", miss)
    assert (len(rows) - len(misses)) / len(rows) >= 0.98, misses


def test_alias_table_names_only_existing_entities(gaz: Gazetteer) -> None:
    with (FIXTURES / "aliases_countries_orgs.csv").open(encoding="utf-8") as f:
        unknown = [r["expected_id"] for r in csv.DictReader(f) if r["expected_id"] not in gaz]
    assert unknown == []


def test_shipped_gazetteer_loads_without_problems(gaz: Gazetteer) -> None:
    assert gaz.problems == []


def test_every_iso_country_has_a_row(gaz: Gazetteer) -> None:
    missing = [c.alpha_3 for c in pycountry.countries if f"country:{c.alpha_3}" not in gaz]
    assert missing == []
    tur = gaz.get("country:TUR")
    assert tur is not None and tur.wikidata == "Q43" and tur.country == "TUR"
    assert {"Turkey", "Turkiye", "Turkish", "Ankara"} <= set(tur.aliases)


def test_at_least_300_organizations_each_with_a_known_category(gaz: Gazetteer) -> None:
    orgs = [e for e in gaz.entries.values() if e.type == "organization"]
    assert len(orgs) >= 300
    assert {e.category for e in orgs} <= {
        "company", "government_agency", "ministry", "armed_service", "research_institute",
        "university", "shipyard", "international_organization", "armed_group", "media",
    }  # fmt: skip
    # only international bodies (and multinational companies) go without a country
    stateless = sorted(
        e.id for e in orgs if not e.country and e.category != "international_organization"
    )
    assert stateless == ["org:airbus", "org:airbus-helicopters", "org:knds", "org:mbda"]


def test_parents_name_existing_entities(gaz: Gazetteer) -> None:
    dangling = [(e.id, e.parent) for e in gaz.entries.values() if e.parent and e.parent not in gaz]
    assert dangling == []


def test_an_alias_of_two_actors_names_actors_of_two_countries(gaz: Gazetteer) -> None:
    # "IAF" may be the Indian or the Israeli Air Force: the document decides by the countries it
    # speaks of (extract/linking.py), so two actors sharing an alias must belong to two countries.
    kinds = {"country", "organization"}
    shared = {
        alias: [i for i in ids if gaz.entries[i].type in kinds]
        for alias, ids in gaz.ambiguous_aliases().items()
    }
    shared = {alias: ids for alias, ids in shared.items() if len(ids) > 1}
    assert set(shared) == {"iaf", "PN", "korean"}

    def country(i: str) -> str | None:
        return gaz.entries[i].country or i.split(":", 1)[1]

    undecidable = {a: ids for a, ids in shared.items() if len({country(i) for i in ids}) < len(ids)}
    assert undecidable == {}


@pytest.mark.parametrize(
    "name, expected",
    [
        ("North Korean", "country:PRK"),
        ("Israeli Air Force", "org:israeli-air-force"),
        ("Guinea", "country:GIN"),
        ("Papua New Guinea", "country:PNG"),
        ("ASFAT", "org:asfat"),
    ],
)
def test_names_that_look_alike_stay_apart(gaz: Gazetteer, name: str, expected: str) -> None:
    assert [e.id for e in gaz.lookup(name)] == [expected]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Korean", ["country:KOR", "country:PRK"]),
        ("IAF", ["org:israeli-air-force", "org:indian-air-force"]),
        ("PN", ["org:pakistan-navy", "org:philippine-navy"]),
    ],
)
def test_an_alias_of_several_entities_names_them_all_in_gazetteer_order(
    gaz: Gazetteer, name: str, expected: list[str]
) -> None:
    assert [e.id for e in gaz.lookup(name)] == expected


@pytest.mark.parametrize(
    "word", ["us", "turkey", "china", "add", "hit", "mod", "in", "it", "polish", "plan"]
)
def test_lowercase_english_words_are_not_actors(gaz: Gazetteer, word: str) -> None:
    assert gaz.lookup(word) == []


def test_written_capitals_of_case_sensitive_aliases_still_match(gaz: Gazetteer) -> None:
    assert [e.id for e in gaz.lookup("US")] == ["country:USA"]
    assert [e.id for e in gaz.lookup("ADD")] == ["org:add-korea"]
    assert [e.id for e in gaz.lookup("POLISH")] == ["country:POL"]


def test_explain_names_the_alias_and_the_file_line(gaz: Gazetteer) -> None:
    [match] = gaz.explain("Turkiye’s navy")
    assert match.entry.id == "org:turkish-navy"
    path, line = match.origin.rsplit(":", 1)
    assert path == "armsgraph/data/organizations.csv"
    row_text = (DATA / "organizations.csv").read_text(encoding="utf-8").splitlines()[int(line) - 1]
    assert row_text.startswith("org:turkish-navy,")
    assert match.alias in row_text
    assert "possessive" in match.how


def test_explain_any_case_is_for_typed_queries_only(gaz: Gazetteer) -> None:
    assert gaz.explain("us") == []
    [match] = gaz.explain("us", any_case=True)
    assert match.entry.id == "country:USA" and "ignoring case" in match.how


def test_fold_drops_case_diacritics_and_curly_quotes() -> None:
    assert fold("TÜRKİYE’s") == "turkiye's"
    assert fold("Côte d’Ivoire") == "cote d'ivoire"


def test_names_keeps_first_spelling_of_each_folded_form() -> None:
    e = GazetteerEntry(
        id="org:x", type="organization", name="Türkiye", aliases=["Turkiye", "TR Co"]
    )
    assert e.names() == ["Türkiye", "TR Co"]
