"""Name keys of the gazetteer: case and diacritics folded, and which aliases must match with
their own capitals (short acronyms, English words)."""

from __future__ import annotations

import re
import unicodedata

# Aliases that fold to an ordinary English word only match when written with the alias's own
# capitals ("Turkey", "TURKEY", not "turkey"; "US", not "us"), so prose does not become actors.
COMMON_WORDS = frozenset(
    [
        "a",
        "add",
        "aid",
        "am",
        "an",
        "and",
        "are",
        "as",
        "at",
        "awe",
        "be",
        "bell",
        "by",
        "can",
        "car",
        "chad",
        "chile",
        "china",
        "commit",
        "cubic",
        "do",
        "edge",
        "fab",
        "for",
        "go",
        "guinea",
        "he",
        "hit",
        "i",
        "if",
        "in",
        "is",
        "it",
        "jersey",
        "man",
        "me",
        "mil",
        "mod",
        "mon",
        "my",
        "no",
        "oak",
        "of",
        "ok",
        "on",
        "or",
        "pal",
        "pan",
        "panama",
        "per",
        "plan",
        "polish",
        "ran",
        "reunion",
        "roe",
        "sac",
        "sage",
        "sami",
        "so",
        "sub",
        "the",
        "to",
        "turkey",
        "ultra",
        "up",
        "us",
        "we",
    ]
)
_ACRONYM = re.compile(r"^[A-Z0-9][A-Z0-9.\-&/]*$")
_FOLD_TABLE = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2013": "-",
        "\u00a0": " ",
    }
)


def fold(text: str) -> str:
    """Case- and diacritic-insensitive key: 'Türkiye’s' -> "turkiye's"."""
    return strip_marks(text).lower()


def strip_marks(text: str) -> str:
    """Diacritics off and curly quotes straightened, case kept: 'Türkiye’s' -> "Turkiye's"."""
    text = text.translate(_FOLD_TABLE)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_case_sensitive(alias: str) -> bool:
    """True when `alias` must match with its own capitals: short acronyms and English words.

    "US" must not match "us", "ADD" not "add", "Turkey" not "turkey", "A 10" not "a 10";
    "NESCOM" and "Aselsan" match in any case.
    """
    letters = sum(c.isalpha() for c in alias)
    if _ACRONYM.match(alias) and letters <= 2:
        return True
    first, _, rest = alias.partition(" ")
    if rest[:1].isdigit() and fold(first) in COMMON_WORDS:
        return True  # "A 10" (the A-10) must not match "a 10-year deal"
    return fold(alias) in COMMON_WORDS
