"""Amounts of money as a reader writes them: 7.5e9 USD is "$7.5 billion", everywhere it is shown."""

from __future__ import annotations

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}
SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def _digits(x: float) -> str:
    """At most two decimals, none that are zeros at the end (7.50 → 7.5, 7.00 → 7)."""
    text = f"{x:,.2f}".rstrip("0").rstrip(".")
    return text or "0"


def format_money(amount: float | None, currency: str | None = None) -> str:
    """`amount` in `currency` for a reader: "$7.5 billion", "€140 million", "$750,000",
    "PKR 2 billion" (a code without a symbol goes first); "" when there is no amount."""
    if amount is None:
        return ""
    number = f"{amount:,.0f}"
    for size, word in SCALES:
        if abs(amount) >= size:
            number = f"{_digits(amount / size)} {word}"
            break
    code = (currency or "").upper()
    if code in SYMBOLS:
        sign = "-" if number.startswith("-") else ""
        return f"{sign}{SYMBOLS[code]}{number.lstrip('-')}"
    return f"{code} {number}".strip()


def is_currency(unit: str | None) -> bool:
    """Whether a fact's unit is a currency code (USD), so its value is money."""
    return bool(unit) and len(unit) == 3 and unit.isalpha() and unit.isupper()


def format_value(value: str | float | None, unit: str | None) -> str:
    """A fact's value with its unit: money as `format_money`, a number without a needless
    ".0" ("24 h", "30 %"), anything else as given."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return f"{value if value is not None else ''} {unit or ''}".strip()
    if is_currency(unit):
        return format_money(number, unit)
    shown = f"{number:,.0f}" if number.is_integer() else _digits(number)
    return f"{shown} {unit or ''}".strip()
