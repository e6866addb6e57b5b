"""Find money, counts and percentages in text and normalize them (\"$7.5 billion\" → 7.5e9 USD)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from armsgraph.model import Money, Quantity

SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "mln": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "bln": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "crore": 1e7,
    "lakh": 1e5,
}
SYMBOLS = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "€": "EUR",
    "eur": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "rs": "INR",
    "rs.": "INR",
    "inr": "INR",
    "a$": "AUD",
    "c$": "CAD",
    "₺": "TRY",
    "tl": "TRY",
    "₩": "KRW",
    "krw": "KRW",
    "nis": "ILS",
    "₪": "ILS",
    "sek": "SEK",
    "nok": "NOK",
    "chf": "CHF",
    "sar": "SAR",
    "aed": "AED",
    "rub": "RUB",
    "cny": "CNY",
    "rmb": "CNY",
}
WORDS = {
    "dollars": "USD",
    "dollar": "USD",
    "euros": "EUR",
    "euro": "EUR",
    "pounds": "GBP",
    "pounds sterling": "GBP",
    "rupees": "INR",
    "lira": "TRY",
    "liras": "TRY",
    "won": "KRW",
    "yen": "JPY",
    "shekels": "ILS",
    "riyals": "SAR",
    "dirhams": "AED",
    "rubles": "RUB",
    "roubles": "RUB",
    "yuan": "CNY",
    "kronor": "SEK",
    "kroner": "NOK",
    "francs": "CHF",
}

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:thousand|million|billion|trillion|crore|lakh|mln|bln|mn|bn|tn|[mbk])\b"
_SYM = r"(?:US\$|A\$|C\$|\$|€|£|¥|₹|₺|₩|₪|(?:USD|EUR|GBP|INR|Rs\.?|KRW|NIS|SEK|NOK|CHF|SAR|AED|RUB|CNY|RMB|TL)\s?)"
_WORD = "|".join(sorted((re.escape(w) for w in WORDS), key=len, reverse=True))
MONEY_RE = re.compile(
    rf"(?P<sym>{_SYM})\s?(?P<num>{_NUM})(?:\s?-?(?P<scale>{_SCALE}))?"
    rf"|(?P<num2>{_NUM})\s?(?P<scale2>{_SCALE})?\s(?P<word>{_WORD})\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
PERCENT_RE = re.compile(rf"(?P<num>{_NUM})\s?(?:%|per ?cent\b|percent\b)", re.IGNORECASE)

NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "a dozen": 12,
    "a pair of": 2,
    "a couple of": 2,
}
# Vague amounts keep no number, only a lower bound ("dozens of" is at least 24).
VAGUE = {
    "dozens of": 24,
    "scores of": 40,
    "hundreds of": 200,
    "thousands of": 2000,
    "several": 3,
    "a number of": 2,
    "a few": 2,
    "a handful of": 2,
    "multiple": 2,
    "numerous": 3,
}
_NW = "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True))
_VG = "|".join(sorted((re.escape(w) for w in VAGUE), key=len, reverse=True))
COUNT_RE = re.compile(
    rf"\b(?:(?P<vague>{_VG})|(?P<word>{_NW})(?:\s\((?P<paren>\d+)\))?|(?P<num>\d{{1,3}}(?:,\d{{3}})*|\d+)(?!\.\d|\s?%|\s?(?:{_SCALE})))(?=\s)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    text: str
    value: object


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def find_money(text: str, offset: int = 0) -> list[Found]:
    if not _DIGIT.search(text):
        return []  # every amount has a figure; most sentences have none
    out = []
    for m in MONEY_RE.finditer(text):
        if m.group("num"):
            sym = m.group("sym").strip().lower()
            currency = SYMBOLS.get(sym, SYMBOLS.get(sym.rstrip("."), "USD"))
            amount = round(
                _number(m.group("num")) * SCALES.get((m.group("scale") or "").lower(), 1.0), 2
            )
        else:
            currency = WORDS[m.group("word").lower()]
            amount = round(
                _number(m.group("num2")) * SCALES.get((m.group("scale2") or "").lower(), 1.0), 2
            )
        s, e = m.start() + offset, m.end() + offset
        out.append(
            Found(s, e, m.group(0), Money(amount=amount, currency=currency, text=m.group(0)))
        )
    return out


def find_percent(text: str, offset: int = 0) -> list[Found]:
    if not _DIGIT.search(text):
        return []
    return [
        Found(m.start() + offset, m.end() + offset, m.group(0), _number(m.group("num")))
        for m in PERCENT_RE.finditer(text)
    ]


def find_counts(text: str, offset: int = 0) -> list[Found]:
    """Counts of things: "12", "three (3)", "dozens of"; years and money are left out."""
    out = []
    for m in COUNT_RE.finditer(text):
        if m.group("vague"):
            q = Quantity(
                text=m.group(0), amount=None, approximate=True, low=VAGUE[m.group("vague").lower()]
            )
        elif m.group("word"):
            n = int(m.group("paren")) if m.group("paren") else NUMBER_WORDS[m.group("word").lower()]
            q = Quantity(text=m.group(0), amount=float(n))
        else:
            n = _number(m.group("num"))
            before = text[max(0, m.start() - 1) : m.start()]
            if 1900 <= n <= 2100 or before in (
                "$",
                "-",
                "/",
                ".",
            ):  # a year, money, or part of a code
                continue
            q = Quantity(text=m.group(0), amount=n)
        out.append(Found(m.start() + offset, m.end() + offset, m.group(0), q))
    return out
