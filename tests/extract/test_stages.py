"""The staged extractor keeps nothing of one document for the next: a report gives the same
events whatever was read before it, and no stage gains state while reading."""

from __future__ import annotations

import json

import pytest

from armsgraph.extract import Extractor
from armsgraph.model import Document

# Two reports that leave much behind if anything leaks: a dateline, a speaker ("we"), "both
# countries", "it", a program named earlier, a list of deals, a refusal to comment.
FIRST = (
    "ANKARA: Turkey and Pakistan signed a deal for Anka drones on Monday. Both countries said it "
    "would be built in Pakistan. We welcome the F-35 program. Prior sales include: MH-60R "
    "helicopters ($2.6 billion), Apache helicopters ($2.3 billion). Baykar declined to comment."
)
SECOND = (
    "The two countries will jointly develop the program. It delivered 12 F-16 fighters to Egypt. "
    "Israel upgraded dozens of India's MiG-29 fighters, officials said."
)


def _json(extraction) -> str:
    return json.dumps(extraction.to_json(), sort_keys=True)


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(decisions=None)


def test_a_report_gives_the_same_events_whatever_came_before(extractor):
    alone = _json(Extractor(decisions=None).extract(Document(text=SECOND, id="second")))
    extractor.extract(
        Document(text=FIRST, id="first", meta={"publisher": "U.S. Department of State"})
    )
    after = _json(extractor.extract(Document(text=SECOND, id="second")))
    assert after == alone
    # Nothing of the first report ("both countries" = TUR, PAK; "it"; the F-35 program) leaks.
    second = extractor.extract(Document(text=SECOND, id="second"))
    named = {e.id for e in second.entities}
    assert not {"country:TUR", "country:PAK"} & named


def test_pipe_and_extract_agree_in_any_order(extractor):
    docs = [Document(text=t, id=f"d{i}") for i, t in enumerate([FIRST, SECOND, FIRST, SECOND])]
    one_by_one = [_json(extractor.extract(Document(text=d.text, id=d.id))) for d in docs]
    piped = [
        _json(x) for x in extractor.pipe(Document(text=d.text, id=d.id) for d in reversed(docs))
    ]
    assert piped == list(reversed(one_by_one))


def test_no_stage_keeps_state_of_a_document():
    extractor = Extractor(decisions=None)
    stages = extractor.events
    before = {
        name: set(vars(stage)) for name, stage in vars(stages).items() if hasattr(stage, "__dict__")
    }
    before["extractor"] = set(vars(stages))
    extractor.extract(Document(text=FIRST, id="first"))
    after = {
        name: set(vars(stage)) for name, stage in vars(stages).items() if hasattr(stage, "__dict__")
    }
    after["extractor"] = set(vars(stages))
    assert after == before, "a stage gained attributes while reading a document"
