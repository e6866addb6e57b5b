"""The scorer: hand-made predictions against hand-made gold, by the rules of DESIGN.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from armsgraph.evaluate import EvaluationError, evaluate, read_predictions, run_evaluation
from armsgraph.model import Document, Entity, Event, Extraction, Participant, Span

ENTITIES = [
    {"id": "country:TUR", "type": "country", "name": "Turkiye"},
    {"id": "country:PAK", "type": "country", "name": "Pakistan"},
    {"id": "country:IND", "type": "country", "name": "India"},
    {"id": "c-afg", "type": "country", "name": "Afghanistan", "country": "AFG"},
    {
        "id": "org:tai",
        "type": "organization",
        "name": "Turkish Aerospace Industries",
        "country": "TUR",
    },
    {"id": "org:nescom", "type": "organization", "name": "NESCOM", "country": "PAK"},
    {"id": "org:unknown", "type": "organization", "name": "a local firm"},
    {
        "id": "sys:anka",
        "type": "weapon_system",
        "name": "Anka",
        "category": "UAV",
        "country": "TUR",
    },
    {"id": "prog:kaan", "type": "program", "name": "KAAN", "aliases": ["TF-X"], "country": "TUR"},
    {
        "id": "sys:f16",
        "type": "weapon_system",
        "name": "F-16",
        "category": "fighter aircraft",
        "country": "USA",
    },
    {
        "id": "sys:corvette",
        "type": "weapon_system",
        "name": "Babur-class",
        "category": "corvette",
        "country": "TUR",
    },
]


def event(etype, status, *parts, text="evidence sentence", eid=None):
    return {
        "id": eid or f"ev:{etype}:{status}:{len(parts)}",
        "type": etype,
        "status": status,
        "participants": [{"role": role, "entity": ent} for role, ent in parts],
        "evidence": [{"start": 0, "end": len(text), "text": text}],
        "confidence": 0.8,
    }


def extraction(doc_id, *events):
    return {"document": {"id": doc_id}, "entities": ENTITIES, "events": list(events), "facts": []}


def gold_file(tmp_path: Path, docs: dict[str, list[dict]]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps({"id": d, "events": ev}) + "\n" for d, ev in docs.items()))
    return path


def scores(report):
    return (
        (report.lenient.tp, report.lenient.fp, report.lenient.fn),
        (report.strict.tp, report.strict.fp, report.strict.fn),
    )


UPGRADE = {
    "type": "upgrade",
    "countries": ["PAK", "TUR"],
    "system": ["f-16"],
    "status": "completed",
}


def test_exact_match(tmp_path: Path) -> None:
    gold = gold_file(tmp_path, {"d1": [UPGRADE]})
    pred = event(
        "upgrade",
        "completed",
        ("provider", "country:TUR"),
        ("customer", "country:PAK"),
        ("system", "sys:f16"),
    )
    report = evaluate(gold, [extraction("d1", pred)])
    assert scores(report) == ((1, 0, 0), (1, 0, 0))
    assert (report.lenient.f1, report.strict.f1) == (1.0, 1.0)
    assert report.per_type["upgrade"]["strict"].tp == 1


def test_countries_must_be_equal_and_come_from_actors_not_systems(tmp_path: Path) -> None:
    gold = gold_file(tmp_path, {"d1": [UPGRADE]})
    # The F-16's own country (USA) is not a party; a third country would be.
    third = event(
        "upgrade",
        "completed",
        ("provider", "country:TUR"),
        ("customer", "country:PAK"),
        ("x", "country:IND"),
    )
    report = evaluate(gold, [extraction("d1", third)])
    assert scores(report) == ((0, 1, 1), (0, 1, 1))


def test_type_list_accepts_either(tmp_path: Path) -> None:
    gold = gold_file(
        tmp_path,
        {
            "d1": [
                {
                    "type": ["joint_development", "program_participation"],
                    "countries": ["PAK", "TUR"],
                    "system": ["tf-x", "kaan"],
                    "status": "in_progress",
                }
            ]
        },
    )
    for etype in ("joint_development", "program_participation"):
        pred = event(
            etype,
            "in_progress",
            ("partner", "country:TUR"),
            ("partner", "country:PAK"),
            ("program", "prog:kaan"),
        )
        assert scores(evaluate(gold, [extraction("d1", pred)])) == ((1, 0, 0), (1, 0, 0)), etype
    wrong = event(
        "co_production",
        "in_progress",
        ("partner", "country:TUR"),
        ("partner", "country:PAK"),
        ("program", "prog:kaan"),
    )
    assert scores(evaluate(gold, [extraction("d1", wrong)])) == ((0, 1, 1), (0, 1, 1))


def test_status_list_and_strict_status(tmp_path: Path) -> None:
    gold = gold_file(
        tmp_path,
        {
            "d1": [
                {
                    "type": "ceasefire",
                    "countries": ["IND", "PAK"],
                    "status": ["agreed", "in_progress", "completed"],
                }
            ]
        },
    )
    ok = event("ceasefire", "completed", ("party", "country:IND"), ("party", "country:PAK"))
    assert scores(evaluate(gold, [extraction("d1", ok)])) == ((1, 0, 0), (1, 0, 0))
    off = event("ceasefire", "proposed", ("party", "country:IND"), ("party", "country:PAK"))
    report = evaluate(gold, [extraction("d1", off)])
    # Lenient ignores the status; strict counts it as one miss and one extra.
    assert scores(report) == ((1, 0, 0), (0, 1, 1))
    (miss,) = report.misses["strict"]
    assert miss.reason == "status proposed, gold agreed/in_progress/completed"


def test_optional_events_are_neither_missed_nor_extra(tmp_path: Path) -> None:
    ties = {
        "type": "defense_cooperation",
        "countries": ["PAK", "TUR"],
        "optional": True,
        "note": "ties",
    }
    gold = gold_file(tmp_path, {"d1": [UPGRADE, ties]})
    upgrade = event(
        "upgrade",
        "completed",
        ("provider", "country:TUR"),
        ("customer", "country:PAK"),
        ("system", "sys:f16"),
    )
    coop = event(
        "defense_cooperation", "in_progress", ("partner", "country:TUR"), ("partner", "country:PAK")
    )
    found = evaluate(gold, [extraction("d1", upgrade, coop)])
    assert scores(found) == ((1, 0, 0), (1, 0, 0))
    assert found.optional_found == 1
    not_found = evaluate(gold, [extraction("d1", upgrade)])
    assert scores(not_found) == ((1, 0, 0), (1, 0, 0))
    assert not_found.optional_found == 0


def test_required_gold_events_are_matched_before_optional_ones(tmp_path: Path) -> None:
    clash = {"type": "armed_clash", "countries": ["IND", "PAK"], "status": "completed"}
    gold = gold_file(tmp_path, {"d1": [{**clash, "optional": True}, clash]})
    pred = event("armed_clash", "completed", ("party", "country:IND"), ("party", "country:PAK"))
    report = evaluate(gold, [extraction("d1", pred)])
    assert scores(report) == ((1, 0, 0), (1, 0, 0))


def test_exact_duplicates_in_a_document_count_once(tmp_path: Path) -> None:
    gold = gold_file(tmp_path, {"d1": [UPGRADE]})
    parts = (("provider", "country:TUR"), ("customer", "country:PAK"), ("system", "sys:f16"))
    first = event("upgrade", "completed", *parts, eid="e1")
    again = event("upgrade", "completed", *parts, eid="e2", text="said again later")
    # Same type, countries and systems through other entities: still the same event.
    via_orgs = event(
        "upgrade",
        "in_progress",
        ("provider", "org:tai"),
        ("customer", "org:nescom"),
        ("system", "sys:f16"),
        eid="e3",
    )
    report = evaluate(gold, [extraction("d1", first, again, via_orgs)])
    assert scores(report) == ((1, 0, 0), (1, 0, 0))
    assert report.duplicates == 2


def test_matching_is_one_to_one(tmp_path: Path) -> None:
    corvettes = {
        "type": "co_production",
        "countries": ["PAK", "TUR"],
        "system": ["corvette"],
        "status": "in_progress",
    }
    anka = {
        "type": "co_production",
        "countries": ["PAK", "TUR"],
        "system": ["anka"],
        "status": "agreed",
    }
    gold = gold_file(tmp_path, {"d1": [corvettes, anka]})
    tp = ("partner", "country:TUR")
    pk = ("partner", "country:PAK")
    preds = [
        event("co_production", "agreed", tp, pk, ("system", "sys:anka"), eid="a"),
        event("co_production", "in_progress", tp, pk, ("system", "sys:corvette"), eid="b"),
        event("co_production", "in_progress", tp, pk, ("system", "sys:f16"), eid="c"),
    ]
    report = evaluate(gold, [extraction("d1", *preds)])
    # Three distinct predictions for two gold events: one is extra at both levels, and
    # strict matching pairs each system with its own gold event.
    assert scores(report) == ((2, 1, 0), (2, 1, 0))
    assert [m.systems for m in report.extras["strict"]] == [["F-16"]]


def test_strict_system_keyword_via_alias_and_category(tmp_path: Path) -> None:
    kaan = {
        "type": "program_participation",
        "countries": ["PAK", "TUR"],
        "system": ["tf-x"],
        "status": "proposed",
    }
    drones = {
        "type": "local_production",
        "countries": ["PAK", "TUR"],
        "system": ["drone", "uav"],
        "status": "proposed",
    }
    gold = gold_file(tmp_path, {"d1": [kaan, drones]})
    via_alias = event(
        "program_participation",
        "proposed",
        ("owner", "country:TUR"),
        ("participant", "country:PAK"),
        ("program", "prog:kaan"),
    )
    via_category = event(
        "local_production",
        "proposed",
        ("provider", "org:tai"),
        ("host", "country:PAK"),
        ("system", "sys:anka"),
    )
    assert scores(evaluate(gold, [extraction("d1", via_alias, via_category)])) == (
        (2, 0, 0),
        (2, 0, 0),
    )

    wrong_system = event(
        "program_participation",
        "proposed",
        ("owner", "country:TUR"),
        ("participant", "country:PAK"),
        ("system", "sys:f16"),
    )
    report = evaluate(gold, [extraction("d1", wrong_system, via_category)])
    assert scores(report) == ((2, 0, 0), (1, 1, 1))
    (miss,) = report.misses["strict"]
    assert miss.reason == "no system keyword (tf-x) in F-16"


def test_participants_without_a_country_add_none(tmp_path: Path) -> None:
    gold = gold_file(
        tmp_path,
        {"d1": [{"type": "armed_clash", "countries": ["AFG", "PAK"], "status": "in_progress"}]},
    )
    pred = event(
        "armed_clash",
        "in_progress",
        ("party", "c-afg"),
        ("party", "country:PAK"),
        ("party", "org:unknown"),
    )
    assert scores(evaluate(gold, [extraction("d1", pred)])) == ((1, 0, 0), (1, 0, 0))


def test_misses_and_extras_are_listed_and_micro_averaged(tmp_path: Path) -> None:
    clash = {
        "type": "armed_clash",
        "countries": ["IND", "PAK"],
        "status": "completed",
        "note": "military clash in May",
    }
    gold = gold_file(tmp_path, {"d1": [UPGRADE, clash], "d2": [UPGRADE]})
    upgrade = event(
        "upgrade",
        "completed",
        ("provider", "country:TUR"),
        ("customer", "country:PAK"),
        ("system", "sys:f16"),
    )
    sale = event(
        "arms_sale",
        "agreed",
        ("seller", "country:TUR"),
        ("buyer", "country:PAK"),
        ("system", "sys:anka"),
        text="Pakistan ordered Anka drones.",
    )
    report = evaluate(
        gold,
        [extraction("d1", upgrade, sale), extraction("d2", upgrade), extraction("other", sale)],
    )
    assert report.documents == 2
    assert report.unscored_documents == 1
    assert scores(report) == ((2, 1, 1), (2, 1, 1))
    assert report.lenient.precision == pytest.approx(2 / 3)
    assert report.lenient.recall == pytest.approx(2 / 3)
    (miss,) = report.misses["lenient"]
    assert (miss.document, miss.type, miss.countries, miss.status, miss.text) == (
        "d1",
        "armed_clash",
        ["IND", "PAK"],
        "completed",
        "military clash in May",
    )
    (extra,) = report.extras["lenient"]
    assert (
        extra.document,
        extra.type,
        extra.countries,
        extra.status,
        extra.systems,
        extra.text,
    ) == ("d1", "arms_sale", ["PAK", "TUR"], "agreed", ["Anka"], "Pakistan ordered Anka drones.")
    assert report.per_type["armed_clash"]["lenient"].fn == 1
    assert report.per_type["arms_sale"]["lenient"].fp == 1
    assert report.per_type["upgrade"]["lenient"].tp == 2
    lines = report.summary_lines(verbose=True)
    assert "lenient  P=0.667 R=0.667 F1=0.667  (tp=2 fp=1 fn=1)" in lines
    assert "lenient missed: d1 armed_clash IND-PAK completed: military clash in May" in lines
    assert (
        "lenient extra: d1 arms_sale PAK-TUR agreed system=Anka: Pakistan ordered Anka drones."
        in lines
    )
    assert not any("missed" in line for line in report.summary_lines())
    assert json.loads(json.dumps(report.to_json()))["lenient"]["f1"] == 0.6667


def test_gold_documents_missing_from_input_are_an_error(tmp_path: Path) -> None:
    gold = gold_file(tmp_path, {"d1": [UPGRADE], "d2": [], "d3": []})
    with pytest.raises(EvaluationError) as info:
        evaluate(gold, [extraction("d2")])
    assert str(info.value) == (
        f"{gold}: 2 gold document(s) missing from the input: d1, d3"
        " (give the input files that hold these documents (matched by document id))"
    )


def test_bad_gold_line_names_file_and_line(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps({"id": "d1", "events": [UPGRADE]})
        + "\n"
        + json.dumps({"id": "d2", "events": [{"type": "sale", "countries": []}]})
        + "\n"
    )
    with pytest.raises(EvaluationError) as info:
        evaluate(gold, [])
    assert str(info.value).startswith(f"{gold}:2: unknown type 'sale' (use one of: arms_sale, ")


def test_predictions_file_roundtrip(tmp_path: Path) -> None:
    gold = gold_file(tmp_path, {"d1": [UPGRADE]})
    preds = tmp_path / "pred.jsonl"
    pred = event(
        "upgrade",
        "completed",
        ("provider", "country:TUR"),
        ("customer", "country:PAK"),
        ("system", "sys:f16"),
    )
    preds.write_text(json.dumps(extraction("d1", pred)) + "\n\n")
    assert scores(evaluate(gold, read_predictions(preds))) == ((1, 0, 0), (1, 0, 0))


def _upgrade_extractor(doc: Document) -> Extraction:
    """A stand-in for the extractor: one upgrade event wherever 'upgraded' stands in the text."""
    ents = [
        Entity(id="country:TUR", type="country", name="Turkiye"),
        Entity(id="country:PAK", type="country", name="Pakistan"),
        Entity(id="sys:f16", type="weapon_system", name="F-16"),
    ]
    events = []
    start = doc.text.find("upgraded")
    if start >= 0:
        events.append(
            Event(
                id="e1",
                type="upgrade",
                status="completed",
                participants=[
                    Participant("provider", "country:TUR"),
                    Participant("customer", "country:PAK"),
                    Participant("system", "sys:f16"),
                ],
                evidence=[Span(start, start + 8, "upgraded")],
            )
        )
    return Extraction(document=doc, entities=ents, events=events)


def test_run_evaluation_reads_inputs_and_extracts_gold_documents(tmp_path: Path) -> None:
    gold = gold_file(tmp_path, {"d1": [UPGRADE], "d2": []})
    corpus = tmp_path / "in.jsonl"
    corpus.write_text(
        json.dumps({"id": "d1", "text": "Turkiye upgraded Pakistan's F-16s."})
        + "\n"
        + json.dumps({"id": "d2", "text": "Nothing happened here."})
        + "\n"
        + "not json\n"
        + json.dumps({"id": "d3", "text": "Turkiye upgraded more F-16s."})
        + "\n"
    )
    seen: list[str] = []

    def extract(doc: Document) -> Extraction:
        seen.append(doc.id)
        return _upgrade_extractor(doc)

    report = run_evaluation(gold, [str(corpus)], extract)
    assert scores(report) == ((1, 0, 0), (1, 0, 0))
    assert seen == ["d1", "d2"]  # d3 has no gold and is not extracted
    assert report.input_errors == [
        (
            f"{corpus}:3: not valid JSON (Expecting value at column 1)"
            " (fix or remove the line; each line must be one JSON object)"
        )
    ]


def test_run_evaluation_missing_gold_document_mentions_unreadable_inputs(tmp_path: Path) -> None:
    gold = gold_file(tmp_path, {"d1": [UPGRADE]})
    corpus = tmp_path / "in.jsonl"
    corpus.write_text('{"id": "d1", "text": "broken\n')
    with pytest.raises(EvaluationError) as info:
        run_evaluation(gold, [str(corpus)], _upgrade_extractor)
    assert "missing from the input: d1" in str(info.value)
    assert f"1 input(s) could not be read, first: {corpus}:1: not valid JSON" in str(info.value)


# --- role-aware scoring -----------------------------------------------------------------

UPGRADE_WITH_ROLES = {
    **UPGRADE,
    "evidence": ["Turkiye upgraded Pakistan's F-16s."],
    "trigger": "upgraded",
    "participants": [
        {"mention": "Turkiye", "role": "provider", "id": "country:TUR", "country": "TUR"},
        {"mention": "Pakistan", "role": "customer", "id": "country:PAK", "country": "PAK"},
    ],
}


def test_roles_line_counts_a_reading_backwards_as_wrong(tmp_path: Path) -> None:
    gold = gold_file(tmp_path, {"d1": [UPGRADE_WITH_ROLES]})
    backwards = event(
        "upgrade",
        "completed",
        ("provider", "country:PAK"),
        ("customer", "country:TUR"),
        ("system", "sys:f16"),
    )
    report = evaluate(gold, [extraction("d1", backwards)])
    assert scores(report) == ((1, 0, 0), (1, 0, 0))  # countries and status are right
    assert (report.roles.tp, report.roles.fp, report.roles.fn) == (0, 1, 1)
    miss = report.misses["roles"][0]
    assert (
        miss.reason
        == "sides supplier=PAK / receiver=TUR / symmetric=-, gold supplier=TUR / receiver=PAK / symmetric=-"
    )
    assert any(line.startswith("roles    P=0.000") for line in report.summary_lines())


def test_roles_line_takes_an_organisation_by_its_country(tmp_path: Path) -> None:
    gold = gold_file(tmp_path, {"d1": [UPGRADE_WITH_ROLES]})
    right = event("upgrade", "completed", ("provider", "org:tai"), ("customer", "org:nescom"))
    report = evaluate(gold, [extraction("d1", right)])
    assert (report.roles.tp, report.roles.fp, report.roles.fn) == (1, 0, 0)


def test_symmetric_roles_compare_as_one_set(tmp_path: Path) -> None:
    clash = {
        "type": "armed_clash",
        "countries": ["IND", "PAK"],
        "participants": [
            {"mention": "India", "role": "party", "country": "IND"},
            {"mention": "Pakistan", "role": "party", "country": "PAK"},
        ],
    }
    gold = gold_file(tmp_path, {"d1": [clash]})
    pred = event("armed_clash", "completed", ("party", "country:PAK"), ("party", "country:IND"))
    assert evaluate(gold, [extraction("d1", pred)]).roles.tp == 1
    # A party taken for a seller stands on another side.
    wrong = event("armed_clash", "completed", ("seller", "country:PAK"), ("party", "country:IND"))
    assert evaluate(gold, [extraction("d1", wrong)]).roles.tp == 0


def test_gold_without_participants_scores_roles_as_lenient(tmp_path: Path) -> None:
    gold = gold_file(tmp_path, {"d1": [UPGRADE]})
    backwards = event(
        "upgrade", "completed", ("provider", "country:PAK"), ("customer", "country:TUR")
    )
    assert evaluate(gold, [extraction("d1", backwards)]).roles.tp == 1


def test_agreement_scores_a_second_annotation_as_predictions(tmp_path: Path) -> None:
    from armsgraph.evaluate import evaluate_agreement

    first = gold_file(tmp_path, {"d1": [UPGRADE_WITH_ROLES], "d2": [UPGRADE]})
    second_dir = tmp_path / "second"
    second_dir.mkdir()
    reversed_roles = {
        **UPGRADE_WITH_ROLES,
        "status": "agreed",
        "participants": [
            {"mention": "Turkiye", "role": "customer", "country": "TUR"},
            {"mention": "Pakistan", "role": "provider", "country": "PAK"},
        ],
    }
    extra = {"type": "defense_cooperation", "countries": ["PAK", "TUR"], "optional": True}
    second = gold_file(second_dir, {"d1": [reversed_roles, extra]})
    report = evaluate_agreement(first, second)
    assert report.documents == 1  # only the documents both annotated
    assert (report.lenient.tp, report.lenient.fp, report.lenient.fn) == (1, 0, 0)
    assert (report.strict.tp, report.strict.fn) == (0, 1)  # status differs
    assert (report.roles.tp, report.roles.fn) == (0, 1)  # sides differ


def test_roles_check_only_the_sides_the_gold_names(tmp_path: Path) -> None:
    # "The Tunisian Navy received the boats": the gold names the receiver only.
    one_side = {**UPGRADE_WITH_ROLES, "participants": [UPGRADE_WITH_ROLES["participants"][1]]}
    gold = gold_file(tmp_path, {"d1": [one_side]})
    right = event("upgrade", "completed", ("provider", "country:TUR"), ("customer", "country:PAK"))
    backwards = event(
        "upgrade", "completed", ("provider", "country:PAK"), ("customer", "country:TUR")
    )
    assert evaluate(gold, [extraction("d1", right)]).roles.tp == 1
    assert evaluate(gold, [extraction("d1", backwards)]).roles.tp == 0
