"""Datelines at the start of a report: the place as written, the text left as it is."""

from __future__ import annotations

import pytest

from armsgraph.ingest.dateline import find_dateline

CASES = [
    ("ISLAMABAD: Turkiye is planning a facility.", "ISLAMABAD", "Turkiye"),
    ("WASHINGTON — The State Department approved", "WASHINGTON", "The State"),
    ("ANKARA, Nov 25 (Reuters) - Turkey said", "ANKARA", "Turkey"),
    ("LONDON (AP) — Britain ordered", "LONDON", "Britain"),
    ("NEW DELHI, 25 November 2024: India signed", "NEW DELHI", "India"),
    ("FORT WORTH, Texas — Lockheed Martin", "FORT WORTH", "Lockheed"),
    ("RIO DE JANEIRO – Brazil's navy", "RIO DE JANEIRO", "Brazil"),
    ("ST. PETERSBURG, Russia - The shipyard", "ST. PETERSBURG", "The shipyard"),
    ("Islamabad, Nov 25 (Reuters) - Pakistan", "Islamabad", "Pakistan"),
    ("  KYIV: Ukraine received", "KYIV", "Ukraine"),
    ("Headline about drones\nANKARA: Turkey will", "ANKARA", "Turkey"),
]
NOT_DATELINES = [
    "Turkiye is planning to establish a facility in Pakistan.",
    "US-made drones were delivered to the navy.",
    "F-16 upgrades: Turkey completed the work.",
    "Lockheed Martin Corp., Fort Worth, Texas, was awarded a contract.",
    "The ministry said on Tuesday.\nANKARA: a second paragraph is not a dateline.",
    "",
]


@pytest.mark.parametrize(("text", "place", "after"), CASES)
def test_dateline_place_and_end(text: str, place: str, after: str) -> None:
    found = find_dateline(text)
    assert found is not None
    assert found.place == place
    assert text[found.start : found.start + len(place)] == place
    assert text[found.end :].startswith(after)


@pytest.mark.parametrize("text", NOT_DATELINES)
def test_no_dateline(text: str) -> None:
    assert find_dateline(text) is None
