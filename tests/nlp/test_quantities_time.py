"""Money, counts, percentages and time expressions: text in, normalized values out."""

from __future__ import annotations

import pytest

from armsgraph.nlp.quantities import find_counts, find_money, find_percent
from armsgraph.nlp.time import find_times, resolve_time


@pytest.mark.parametrize(
    "text,amount,currency",
    [
        ("a record $7.5 billion", 7.5e9, "USD"),
        ("for an estimated cost of $524.2 million", 524.2e6, "USD"),
        ("worth US$ 293 million", 293e6, "USD"),
        ("a €1.2bn contract", 1.2e9, "EUR"),
        ("about 1.5 billion euros", 1.5e9, "EUR"),
        ("£250m deal", 250e6, "GBP"),
        ("Rs 5,000 crore", 5000e7, "INR"),
        ("$349,377,402 firm-fixed-price", 349377402, "USD"),
    ],
)
def test_money(text, amount, currency):
    (found,) = find_money(text)
    assert found.value.amount == pytest.approx(amount)
    assert found.value.currency == currency
    assert text[found.start : found.end] == found.text


@pytest.mark.parametrize(
    "text,qtext,amount,low",
    [
        ("upgraded dozens of F-16s", "dozens of", None, 24),
        ("three (3) E-2D Advanced Hawkeye", "three (3)", 3, None),
        ("32 F-35A fighters", "32", 32, None),
        ("a dozen helicopters", "a dozen", 12, None),
    ],
)
def test_counts(text, qtext, amount, low):
    found = find_counts(text)[0]
    assert found.text == qtext and found.value.amount == amount and found.value.low == low


def test_years_and_money_are_not_counts():
    assert find_counts("in 2024 for $5 million") == []


def test_percent():
    assert [p.value for p in find_percent("grew by 30% and 2.8 percent")] == [30.0, 2.8]


@pytest.mark.parametrize(
    "text,start,end",
    [
        ("since October", "2025-10-01", "2025-11-25"),
        ("in May", "2025-05-01", "2025-05-31"),
        ("this year", "2025-01-01", "2025-11-25"),
        ("last year", "2024-01-01", "2024-12-31"),
        ("in March 2024", "2024-03-01", "2024-03-31"),
        ("on June 5, 2023", "2023-06-05", "2023-06-05"),
        ("in 2019", "2019-01-01", "2019-12-31"),
        # 2025-11-25 is a Tuesday: "on Tuesday" in Tuesday's report is that day.
        ("on Tuesday", "2025-11-25", "2025-11-25"),
        ("on Monday", "2025-11-24", "2025-11-24"),
        ("last Tuesday", "2025-11-18", "2025-11-18"),
    ],
)
def test_time_resolved_against_publication_date(text, start, end):
    ((_s, _e, found, kind),) = find_times(text)
    assert found == text
    t = resolve_time(found, kind, "2025-11-25")
    assert (t.start, t.end) == (start, end)


def test_relative_time_without_publication_date_keeps_text_only():
    ((_, _, found, kind),) = find_times("this year")
    t = resolve_time(found, kind, None)
    assert t.text == "this year" and t.start is None


@pytest.mark.parametrize(
    "text",
    ["On October 25", "on June 5", "in May", "since October", "on Tuesday", "last year"],
)
def test_a_date_without_its_year_in_an_undated_report_stays_unresolved(text):
    # Guessed from today's date, "October 25" in an undated 2015 release became a date in
    # the future: without a publication date, a date needs its year.
    ((_, _, found, kind),) = find_times(text)
    t = resolve_time(found, kind, None)
    assert (t.text, t.start, t.end) == (found, None, None)


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("on October 25, 2015", "2015-10-25", "2015-10-25"),
        ("in May 2024", "2024-05-01", "2024-05-31"),
    ],
)
def test_a_date_with_its_year_resolves_without_a_publication_date(text, start, end):
    ((_, _, found, kind),) = find_times(text)
    t = resolve_time(found, kind, None)
    assert (t.start, t.end) == (start, end)
