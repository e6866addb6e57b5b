"""The registry of event types: one place that every reader of types asks, checked on load."""

from __future__ import annotations

import copy
import csv
import json
from importlib import resources

import pytest

from armsgraph import ontology
from armsgraph.errors import PatternError
from armsgraph.export.csv import COLUMNS, flat_row
from armsgraph.export.sipri import sipri_row
from armsgraph.model import EVENT_TYPES
from armsgraph.store.graph import edges_of


def _files() -> tuple[dict, dict]:
    base = resources.files("armsgraph")
    onto = json.loads((base / "extract" / "patterns" / "ontology.json").read_text("utf-8"))
    extra = json.loads((base / "data" / "event_types.json").read_text("utf-8"))
    return onto, extra


def participant(role: str, name: str, etype: str = "country") -> dict:
    return {
        "role": role,
        "entity_id": f"{etype}:{name}",
        "name": name,
        "type": etype,
        "country": None,
    }


def event(etype: str, *participants: dict) -> dict:
    return {
        "id": "ev:1",
        "type": etype,
        "status": "agreed",
        "first_seen": "2024-01-02",
        "last_seen": "2024-01-02",
        "time": None,
        "quantity": None,
        "quantity_text": None,
        "value": None,
        "confidence": 0.9,
        "n_sources": 1,
        "systems": None,
        "participants": list(participants),
        "sources": [],
        "status_history": [],
    }


def test_every_type_of_the_ontology_is_in_the_registry_in_its_order():
    onto, _ = _files()
    assert EVENT_TYPES == tuple(onto["types"]) == ontology.event_types()
    for name, kind in ontology.registry().items():
        assert kind.roles == tuple(onto["types"][name]["roles"])
        assert kind.colour.startswith("#") and len(kind.colour) == 7
        for role in kind.roles:
            assert role in ontology.column_roles(), f"{name}: {role} has no export column"


def test_sides_come_from_the_ontology():
    sale = ontology.registry()["arms_sale"]
    assert (sale.supplier_roles, sale.receiver_roles, sale.symmetric) == (
        ("seller",),
        ("buyer",),
        False,
    )
    clash = ontology.registry()["armed_clash"]
    assert (
        clash.symmetric and clash.supplier_roles == () and ontology.side_of("party") == "symmetric"
    )
    assert ontology.symmetric_types() == frozenset(_files()[0]["symmetric"])


@pytest.mark.parametrize(
    ("role", "etype", "actor"),
    [
        ("buyer", "country", True),
        ("system", "weapon_system", False),
        ("program", None, False),
        ("location", "location", True),
        ("buyer", "weapon_system", False),
    ],
)
def test_is_actor(role, etype, actor):
    assert ontology.is_actor(role, etype) is actor


def test_network_edges_follow_the_registry():
    sale = event(
        "arms_sale",
        participant("seller", "USA"),
        participant("buyer", "EGY"),
        participant("system", "f16", "weapon_system"),
    )
    assert edges_of(sale) == [("country:USA", "country:EGY", True)]
    # Partners of a co-production link each other, and each partner links to the customer.
    co = event(
        "co_production",
        participant("partner", "TUR"),
        participant("partner", "PAK"),
        participant("customer", "AZE"),
    )
    assert sorted(edges_of(co)) == [
        ("country:PAK", "country:AZE", True),
        ("country:PAK", "country:TUR", False),
        ("country:TUR", "country:AZE", True),
    ]
    # A participant joins its owner's program: the edge points to the owner.
    pp = event(
        "program_participation", participant("owner", "GBR"), participant("participant", "JPN")
    )
    assert edges_of(pp) == [("country:JPN", "country:GBR", True)]


def test_exports_read_the_registry(tmp_path):
    co = event(
        "co_production", participant("partner", "Turkey"), participant("partner", "Pakistan")
    )
    row = sipri_row(co)
    # No customer named: SIPRI's recipient falls back to the partners (recipient_else).
    assert (row["Supplier"], row["Recipient"], row["Local production"]) == (
        "Turkey; Pakistan",
        "Turkey; Pakistan",
        "Yes",
    )
    flat = flat_row(
        event("armed_clash", participant("party", "India"), participant("party", "Pakistan"))
    )
    assert flat["party"] == "India; Pakistan"
    assert [c for c in COLUMNS if c in ontology.column_roles()] == list(ontology.column_roles())


def test_a_new_type_is_a_change_to_the_data_files_only():
    onto, extra = _files()
    onto, extra = copy.deepcopy(onto), copy.deepcopy(extra)
    onto["types"]["arms_loan"] = {"roles": ["lender", "borrower"], "min_actors": 2}
    onto["role_sides"]["supplier"].append("lender")
    onto["role_sides"]["receiver"].append("borrower")
    extra["roles"]["order"] += ["lender", "borrower"]
    extra["types"]["arms_loan"] = {"colour": "#123456", "edges": [["lender", "borrower"]]}
    loan = ontology.build_registry(onto, extra)["arms_loan"]
    assert (loan.supplier_roles, loan.receiver_roles, loan.edges) == (
        ("lender",),
        ("borrower",),
        (("lender", "borrower"),),
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda o, e: e["types"].pop("ceasefire"), "no entry for the type(s) ceasefire"),
        (lambda o, e: e["types"].update(loan={"colour": "#000000"}), "loan not in the ontology"),
        (lambda o, e: e["types"]["upgrade"].update(colour="blue"), "upgrade: colour 'blue'"),
        (
            lambda o, e: e["types"]["upgrade"].update(edges=[["provider", "lessee"]]),
            "upgrade: role(s) lessee not in roles.order",
        ),
    ],
)
def test_a_bad_registry_names_the_file_and_the_fix(change, message):
    onto, extra = (copy.deepcopy(d) for d in _files())
    change(onto, extra)
    with pytest.raises(PatternError, match="event_types.json") as err:
        ontology.build_registry(onto, extra)
    assert message in str(err.value)


def test_the_csv_header_has_a_column_per_role(tmp_path):
    from armsgraph.export.csv import write_csv

    path = tmp_path / "x.csv"
    write_csv([event("arms_sale", participant("seller", "USA"))], path)
    header = next(csv.reader(path.open(encoding="utf-8")))
    roles = list(ontology.column_roles())
    at = header.index(roles[0])  # after the id, type, status, flow and system columns
    assert header[at : at + len(roles)] == roles
