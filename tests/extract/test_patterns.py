"""The pattern files load, and a bad row is refused with its file and line and what to do."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from armsgraph.errors import PatternError
from armsgraph.extract.ontology import _validate_trigger, load_ontology, read_lexicon, read_words
from armsgraph.model import EVENT_TYPES


def test_shipped_patterns_cover_every_event_type():
    onto = load_ontology()
    assert {r.type for r in onto.triggers} == set(EVENT_TYPES)
    assert all(r.implies in EVENT_TYPES for r in onto.triggers if r.implies)


@pytest.mark.parametrize(
    "row,words",
    [
        ({"type": "arms_deal", "phrases": ["sold"]}, "arms_deal"),
        ({"type": "arms_sale", "phrases": []}, "no phrases"),
        ({"type": "arms_sale", "phrases": ["sold"], "roles": {"beside": "buyer"}}, "beside"),
        ({"type": "arms_sale", "phrases": ["sold"], "needs": ["luck"]}, "luck"),
        ({"type": "ceasefire", "phrases": ["end the war"], "implies": "battle"}, "battle"),
    ],
)
def test_bad_trigger_row_names_its_line(row, words):
    with pytest.raises(PatternError) as err:
        _validate_trigger("triggers.jsonl:7", row)
    message = str(err.value)
    assert "triggers.jsonl:7" in message and words in message


# ------------------------------------------------------------------ ontology.json and words.jsonl

SRC = Path(__file__).resolve().parents[2] / "src" / "armsgraph"
PATTERNS = SRC / "extract" / "patterns"


def _code_reading(name: str) -> list[str]:
    """Modules that read `name` as an attribute (`lexicon.hedges`) or a key (`data["symmetric"]`),
    besides the loader that declares it."""
    pattern = re.compile(rf"\.{name}\b|[\"']{name}[\"']")
    return [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if path != SRC / "extract" / "ontology.py" and pattern.search(path.read_text("utf-8"))
    ]


@pytest.mark.parametrize(
    "key",
    [
        k
        for k in json.loads((PATTERNS / "ontology.json").read_text("utf-8"))
        if not k.startswith("_")
    ],
)
def test_every_key_of_the_ontology_is_read_by_the_code(key):
    assert _code_reading(key), (
        f"ontology.json key {key!r} is read by no module: remove it or use it"
    )


WORD_ROWS = [
    json.loads(line) for line in (PATTERNS / "words.jsonl").read_text("utf-8").splitlines() if line
]


@pytest.mark.parametrize("name", [row["name"] for row in WORD_ROWS])
def test_every_word_list_is_read_by_the_code(name):
    # A list may be read through a pattern that names it ("{refusals}"), when the code reads that.
    readers = [row["name"] for row in WORD_ROWS if "{" + name + "}" in row.get("regex", "")]
    assert _code_reading(name) or any(_code_reading(r) for r in readers), (
        f"words.jsonl list {name!r} is read by no module: remove it or use it"
    )


def test_an_unknown_ontology_key_is_refused_with_its_line():
    text = (PATTERNS / "ontology.json").read_text("utf-8")
    bad = text.replace('  "symmetric": [', '  "sidekicks": ["x"],\n  "symmetric": [', 1)
    line = bad.splitlines().index('  "sidekicks": ["x"],') + 1
    with pytest.raises(PatternError) as err:
        read_lexicon(bad)
    assert f"ontology.json:{line}" in str(err.value) and "sidekicks" in str(err.value)


def test_a_malformed_ontology_list_names_its_line():
    text = (PATTERNS / "ontology.json").read_text("utf-8")
    bad = json.loads(text)
    bad["determiners"] = ["the", ""]
    bad_text = json.dumps(bad, indent=2, ensure_ascii=False)
    line = bad_text.splitlines().index('  "determiners": [') + 1
    with pytest.raises(PatternError) as err:
        read_lexicon(bad_text)
    assert f"ontology.json:{line}" in str(err.value) and "determiners" in str(err.value)


def _rows() -> list[tuple[str, dict]]:
    lines = (PATTERNS / "words.jsonl").read_text("utf-8").splitlines()
    return [(f"words.jsonl:{i}", json.loads(line)) for i, line in enumerate(lines, start=1) if line]


def _with(rows, name, **changes):
    return [(w, {**r, **changes} if r["name"] == name else r) for w, r in rows]


def _line(name: str) -> str:
    return next(w for w, r in _rows() if r["name"] == name)


@pytest.mark.parametrize(
    "change,expected",
    [
        (
            lambda rows: [*rows, ("words.jsonl:99", {"name": "adjectives", "words": ["big"]})],
            ["words.jsonl:99", "adjectives", "no stage reads it"],
        ),
        (
            lambda rows: [*rows, ("words.jsonl:99", dict(rows[0][1]))],
            ["words.jsonl:99", "defined twice", "words.jsonl:1"],
        ),
        (
            lambda rows: [r for r in rows if r[1]["name"] != "modals"],
            ["words.jsonl", "missing", "modals"],
        ),
        (lambda rows: _with(rows, "modals", words=[]), [_line("modals"), "modals", "non-empty"]),
        (
            lambda rows: _with(rows, "modals", words=["will", "will"]),
            [_line("modals"), "more than once"],
        ),
        (
            lambda rows: _with(rows, "embassy", regex="Embassy (in"),
            [_line("embassy"), "bad regular expression"],
        ),
        (
            lambda rows: _with(rows, "refusal", regex="(?P<stance>{refusal_words})"),
            [_line("refusal"), "{refusal_words} names no word list"],
        ),
        (
            lambda rows: _with(rows, "refusal", flags=["dotall"]),
            [_line("refusal"), "unknown flag 'dotall'"],
        ),
    ],
)
def test_a_bad_word_list_is_refused_with_its_line(change, expected):
    with pytest.raises(PatternError) as err:
        read_words(change(_rows()))
    for part in expected:
        assert part in str(err.value)


def test_word_lists_fill_the_patterns_that_name_them():
    words = load_ontology().words
    m = words.refusal.search(
        "Dassault Aviation, which makes the Rafale, did not immediately respond to a request for comment"
    )
    assert m.group("stance") == "did not immediately respond to a request for comment"
    assert m.group("src").strip() == "Dassault Aviation"
