"""Entity resolution: the event JSON the store derives equals serializing the resolved copy."""

from __future__ import annotations

from armsgraph.model import Document, Entity, Event, Extraction, Participant, Span
from armsgraph.resolve.entities import resolve, resolve_event_json, resolve_with_ids


def test_resolve_event_json_equals_the_resolved_extraction_serialized():
    text = "Ankara's Baykar and Turkey sold drones to Poland."
    ext = Extraction(
        document=Document(text=text, id="d1"),
        entities=[
            Entity("country:TUR", "country", "Turkey", country="TUR"),
            Entity("e7", "country", "Türkiye"),  # local id, folded into a name key
            Entity("country:POL", "country", "Poland", country="POL"),
        ],
        events=[
            Event(
                id="ev1",
                type="arms_sale",
                status="agreed",
                participants=[
                    Participant("seller", "country:TUR"),
                    Participant("seller", "country:TUR"),  # a duplicate is folded
                    Participant("seller", "e7"),
                    Participant("buyer", "country:POL"),
                    Participant("buyer", "x:unlisted"),  # not an entity of the extraction
                ],
                evidence=[Span(0, len(text), text)],
            ),
            Event(
                id="ev2",
                type="arms_sale",
                status="proposed",
                participants=[Participant("buyer", "x:unlisted")],  # nothing left
                evidence=[Span(0, 6, "Ankara")],
            ),
        ],
    )
    resolved, mapping = resolve_with_ids(ext)
    assert resolved.to_json() == resolve(ext).to_json()
    raw = ext.to_json()["events"]
    assert [resolve_event_json(e, mapping) for e in raw] == resolved.to_json()["events"]
    assert "participants" not in resolve_event_json(raw[1], mapping)
