"""Merge rules as a table: which pairs of reports are the same event."""

from __future__ import annotations

import pytest

from armsgraph.resolve.merge import Source, clusters, compatible, event_id


def src(
    doc: str,
    *,
    type="arms_sale",
    seller="country:USA",
    buyer="country:EGY",
    system="ws:f16",
    year=None,
    status="agreed",
    published="2024-01-01",
) -> Source:
    parts = [{"role": "seller", "entity": seller}, {"role": "buyer", "entity": buyer}]
    if system:
        parts.append({"role": "system", "entity": system})
    ev = {"id": "e0", "type": type, "status": status, "participants": parts}
    if year:
        ev["time"] = {"text": str(year), "start": str(year)}
    return Source(doc, "e0", published, ev)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ({}, {}, True),
        ({}, {"system": None}, True),  # a report naming no system fits any
        ({}, {"system": "ws:jf17"}, False),
        ({}, {"buyer": "country:POL"}, False),
        ({}, {"type": "upgrade"}, False),
        ({"year": 2020}, {"year": 2023}, True),
        ({"year": 1996}, {"year": 2024}, False),
        ({"year": 2020}, {}, True),
    ],
)
def test_compatible(a, b, same):
    assert compatible(src("d1", **a), src("d2", **b)) is same


def test_clusters_do_not_depend_on_order():
    reports = [
        src("d1", system="ws:f16"),
        src("d2", system=None),
        src("d3", system="ws:jf17"),
        src("d4", buyer="country:POL"),
    ]
    forward = [[s.ref for s in c] for c in clusters(reports)]
    backward = [[s.ref for s in c] for c in clusters(list(reversed(reports)))]
    assert forward == backward
    # The system-less report links the F-16 and JF-17 reports between the same parties.
    assert sorted(len(c) for c in forward) == [1, 3]


def test_event_id_is_stable_and_independent_of_source_order():
    a, b = src("d1"), src("d2")
    assert event_id([a, b]) == event_id([b, a]) == event_id([a])
