"""The shipped weapon-system, program and category rows: resolution of real alias spellings, and row validity."""

from __future__ import annotations

import csv
import re
from importlib import resources
from pathlib import Path

import pycountry
import pytest

from armsgraph.nlp.gazetteer import fold, load_gazetteer

DATA = Path(str(resources.files("armsgraph") / "data"))
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "aliases_systems_programs.csv"
MY_FILES = ("systems.csv", "programs.csv", "categories.csv")
ALL_FILES = ("countries.csv", "organizations.csv", *MY_FILES)

SYSTEM_CATEGORIES = frozenset(
    [
        "fighter",
        "trainer",
        "attack_aircraft",
        "bomber",
        "transport",
        "tanker",
        "aew",
        "maritime_patrol",
        "helicopter",
        "attack_helicopter",
        "combat_uav",
        "isr_uav",
        "loitering_munition",
        "aircraft_carrier",
        "destroyer",
        "frigate",
        "corvette",
        "patrol_vessel",
        "submarine",
        "amphibious_ship",
        "tank",
        "ifv",
        "apc",
        "armoured_vehicle",
        "military_vehicle",  # trucks, jeeps and utility vehicles given to armed forces
        "artillery",
        "mlrs",
        "air_defence",
        "missile",
        "anti_ship_missile",
        "cruise_missile",
        "ballistic_missile",
        "anti_tank_missile",
        "air_to_air_missile",
        "torpedo",
        "radar",
        "engine",
        "small_arms",
        "ammunition",
        "electronic_warfare",
        "satellite",
        "ship",
    ]
)
# Generic category entities may also stand for a parent of several system categories.
GENERIC_CATEGORIES = SYSTEM_CATEGORIES | {"uav"}
PROGRAM_CATEGORIES = frozenset(
    {
        "fighter_program",
        "aircraft_program",
        "ship_program",
        "uav_program",
        "missile_program",
        "land_program",
        "cooperation_program",
        "funding_mechanism",  # sales and funding channels (FMS, FMF, PDA ...), not weapons programs
    }
)
# Aliases that may name two entities on purpose (folded form -> the ids it may name).
ALLOWED_SHARED_ALIASES: dict[str, set[str]] = {}
# Single English words that would turn ordinary prose into weapon mentions: no system or
# program may use one as its name or as an alias ("Patriot batteries" is fine, "Patriot" is not).
COMMON_WORDS = frozenset(
    [
        "patriot",
        "javelin",
        "tomahawk",
        "harpoon",
        "hellfire",
        "stinger",
        "reaper",
        "predator",
        "apache",
        "chinook",
        "hawk",
        "eagle",
        "falcon",
        "viper",
        "hornet",
        "raptor",
        "lightning",
        "tiger",
        "leopard",
        "puma",
        "lynx",
        "boxer",
        "warrior",
        "archer",
        "caesar",
        "meteor",
        "mistral",
        "spike",
        "trophy",
        "arrow",
        "lancet",
        "tempest",
        "typhoon",
        "sentinel",
        "aegis",
        "phalanx",
        "harpy",
        "heron",
        "hero",
        "fury",
        "avenger",
        "paladin",
        "challenger",
        "cobra",
        "wildcat",
        "mirage",
        "tornado",
        "harrier",
        "jaguar",
        "panther",
        "neptune",
        "poseidon",
        "orion",
        "hercules",
        "osprey",
        "excalibur",
        "thunder",
        "storm",
        "shadow",
        "ghost",
        "growler",
        "flanker",
        "checkmate",
        "felon",
        "bastion",
        "hammer",
        "spice",
        "rampage",
        "windbreaker",
        "stunner",
    ]
)


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _names(row: dict[str, str]) -> list[str]:
    return [row["name"], *[a for a in (row.get("aliases") or "").split("|") if a.strip()]]


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def test_alias_table_resolves_to_expected_entities(gazetteer) -> None:
    with open(FIXTURE, encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert len(table) >= 150
    misses = []
    for row in table:
        found = [e.id for e in gazetteer.lookup(row["alias"])]
        if found[:1] != [row["expected_id"]]:
            misses.append(
                f"{row['alias']!r}: expected {row['expected_id']}, got {found or 'nothing'}"
            )
    for miss in misses:
        print("MISS", miss)
    accuracy = 1 - len(misses) / len(table)
    assert accuracy >= 0.98, f"{len(misses)} of {len(table)} aliases missed"


def test_fixture_expects_only_entities_that_exist(gazetteer) -> None:
    with open(FIXTURE, encoding="utf-8", newline="") as fh:
        expected = {row["expected_id"] for row in csv.DictReader(fh)}
    assert sorted(i for i in expected if i not in gazetteer) == []


def test_shipped_counts() -> None:
    assert len(_rows("systems.csv")) >= 700
    assert len(_rows("programs.csv")) >= 60
    assert 30 <= len(_rows("categories.csv")) <= 80


def test_system_rows_have_category_and_country() -> None:
    iso3 = {c.alpha_3 for c in pycountry.countries}
    bad = []
    for row in _rows("systems.csv"):
        if row["type"] != "weapon_system" or not row["id"].startswith("system:"):
            bad.append(f"{row['id']}: type {row['type']!r}")
        if row["category"] not in SYSTEM_CATEGORIES:
            bad.append(f"{row['id']}: category {row['category']!r}")
        if row["country"] not in iso3:
            bad.append(f"{row['id']}: country {row['country']!r}")
        if not row["source"].strip():
            bad.append(f"{row['id']}: no source")
    assert bad == []


def test_program_and_category_rows_are_valid() -> None:
    iso3 = {c.alpha_3 for c in pycountry.countries}
    bad = []
    for row in _rows("programs.csv"):
        if row["type"] != "program" or not row["id"].startswith("program:"):
            bad.append(f"{row['id']}: type {row['type']!r}")
        if row["category"] not in PROGRAM_CATEGORIES:
            bad.append(f"{row['id']}: category {row['category']!r}")
        if row["country"] and row["country"] not in iso3:  # empty for multinational programs
            bad.append(f"{row['id']}: country {row['country']!r}")
        if not row["source"].strip():
            bad.append(f"{row['id']}: no source")
    for row in _rows("categories.csv"):
        if row["type"] != "weapon_system" or not row["id"].startswith("category:"):
            bad.append(f"{row['id']}: type {row['type']!r}")
        if row["category"] not in GENERIC_CATEGORIES:
            bad.append(f"{row['id']}: category {row['category']!r}")
    assert bad == []


def test_parents_are_known_organizations() -> None:
    if not (DATA / "organizations.csv").is_file():
        pytest.skip("organizations.csv is not shipped yet: parent ids cannot be checked")
    orgs = {row["id"] for row in _rows("organizations.csv")}
    unknown = [
        f"{name}: {row['id']} -> {row['parent']}"
        for name in MY_FILES
        for row in _rows(name)
        if row["parent"] and row["parent"] not in orgs
    ]
    assert unknown == []


def test_ids_are_unique_across_all_files() -> None:
    seen: dict[str, str] = {}
    dups = []
    for name in ALL_FILES:
        if not (DATA / name).is_file():
            continue
        for row in _rows(name):
            if row["id"] in seen:
                dups.append(f"{row['id']} in {seen[row['id']]} and {name}")
            seen[row["id"]] = name
    assert dups == []


def test_no_alias_names_two_entities_unless_allowed() -> None:
    owners: dict[str, set[str]] = {}
    for name in ALL_FILES:
        if not (DATA / name).is_file():
            continue
        for row in _rows(name):
            for alias in _names(row):
                owners.setdefault(fold(alias.strip()), set()).add(row["id"])
    shared = {
        key: ids
        for key, ids in owners.items()
        if len(ids) > 1
        and any(i.split(":")[0] in ("system", "program", "category") for i in ids)
        and not ids <= ALLOWED_SHARED_ALIASES.get(key, set())
    }
    assert shared == {}


def test_no_system_or_program_alias_is_a_common_word_or_bare_number() -> None:
    bad = []
    for name in ("systems.csv", "programs.csv"):
        for row in _rows(name):
            for alias in _names(row):
                if fold(alias) in COMMON_WORDS or re.fullmatch(r"[\d\s.,-]+", alias):
                    bad.append(f"{row['id']}: {alias!r}")
    assert bad == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Akıncı", "system:akinci"),
        ("Akinci", "system:akinci"),
        ("Bayraktar Akinci's", "system:akinci"),
        ("KIZILELMA", "system:kizilelma"),
        ("Wisla", "program:wisla"),
        ("F16", "system:f-16"),
        ("F-16s", "system:f-16"),
        ("Leopard-2A6", "system:leopard-2"),
        ("Su30MKI", "system:su-30mki"),
        ("TF-X", "program:kaan"),
        ("KF-X", "program:kf-x"),
        ("KF-21", "system:kf-21"),
        ("corvette warships", "category:corvette"),
        ("fifth-generation fighters", "category:fighter"),
    ],
)
def test_spelling_variants(gazetteer, text: str, expected: str) -> None:
    assert [e.id for e in gazetteer.lookup(text)][:1] == [expected]


def test_generic_words_are_not_systems(gazetteer) -> None:
    # Ordinary words stay ordinary: none of them may resolve to a weapon system or program.
    for word in ("patriot", "Javelin", "Tempest", "spice", "Hero", "Arrow", "the"):
        assert [
            e.id for e in gazetteer.lookup(word) if e.type in ("weapon_system", "program")
        ] == [], word
