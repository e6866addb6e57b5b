"""The pattern files load, and a bad row is refused with its file and line and what to do."""

from __future__ import annotations

import pytest

from armsgraph.errors import PatternError
from armsgraph.extract.ontology import _validate_trigger, load_ontology
from armsgraph.model import EVENT_TYPES


def test_shipped_patterns_cover_every_event_type():
    onto = load_ontology()
    assert {r.type for r in onto.triggers} == set(EVENT_TYPES)
    assert all(r.implies in EVENT_TYPES for r in onto.triggers if r.implies)


@pytest.mark.parametrize("row,words", [
    ({"type": "arms_deal", "phrases": ["sold"]}, "arms_deal"),
    ({"type": "arms_sale", "phrases": []}, "no phrases"),
    ({"type": "arms_sale", "phrases": ["sold"], "roles": {"beside": "buyer"}}, "beside"),
    ({"type": "arms_sale", "phrases": ["sold"], "needs": ["luck"]}, "luck"),
    ({"type": "ceasefire", "phrases": ["end the war"], "implies": "battle"}, "battle"),
])
def test_bad_trigger_row_names_its_line(row, words):
    with pytest.raises(PatternError) as err:
        _validate_trigger("triggers.jsonl:7", row)
    message = str(err.value)
    assert "triggers.jsonl:7" in message and words in message
