"""Money as a reader writes it, the one way every page and command shows it."""

from __future__ import annotations

import pytest

from armsgraph.money import format_money, format_value


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (7.5e9, "USD", "$7.5 billion"),
        (170.09e9, "USD", "$170.09 billion"),
        (140e6, "USD", "$140 million"),
        (5e9, "usd", "$5 billion"),
        (1.25e12, "EUR", "€1.25 trillion"),
        (750_000, "GBP", "£750,000"),
        (2e9, "PKR", "PKR 2 billion"),
        (3e6, None, "3 million"),
        (-3e6, "USD", "-$3 million"),
        (None, "USD", ""),
    ],
)
def test_format_money(amount, currency, shown):
    assert format_money(amount, currency) == shown


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        ("7500000000.0", "USD", "$7.5 billion"),
        ("24.0", "h", "24 h"),
        ("2.8", "%", "2.8 %"),
        ("250", "kg", "250 kg"),
        ("several", None, "several"),
    ],
)
def test_format_fact_value(value, unit, shown):
    assert format_value(value, unit) == shown
