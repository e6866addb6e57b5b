"""Recognize a news dateline ("ISLAMABAD:", "ANKARA, Nov 25 (Reuters) -") at a text's start."""

from __future__ import annotations

import re
from dataclasses import dataclass

# The place is written in capitals ("ISLAMABAD", "NEW DELHI", "RIO DE JANEIRO",
# "ST. PETERSBURG"), or in title case when an agency or date makes the dateline plain.
_CAPS_WORD = r"[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.\-]*"
_CAPS_PLACE = rf"{_CAPS_WORD}(?:\s+(?:de|da|do|del|la|le|al|el|{_CAPS_WORD}))*"
_TITLE_WORD = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’.\-]+"
_TITLE_PLACE = rf"{_TITLE_WORD}(?:\s+{_TITLE_WORD}){{0,2}}"
# ", Texas" or ", D.C." after a city; ", Nov 25" or ", 25 November 2024" as a date.
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE = rf"(?:{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?)"
_REGION = r"(?:[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*)?)"
_AGENCY = r"\((?:[A-Z][\w.&’' -]{0,30})\)"
_SEP = r"\s*(?::|—|–|--|-)\s*"

_CAPS_DATELINE = re.compile(
    rf"(?P<place>{_CAPS_PLACE})"
    rf"(?:,\s*(?!{_DATE}){_REGION})?"
    rf"(?:,\s*{_DATE})?"
    rf"(?:\s*{_AGENCY})?"
    rf"{_SEP}"
)
_TITLE_DATELINE = re.compile(
    rf"(?P<place>{_TITLE_PLACE})"
    rf"(?:(?:,\s*{_DATE})(?:\s*{_AGENCY})?|\s*{_AGENCY})"
    rf"{_SEP}"
)
_MAX_PLACE_CHARS = 40
# A headline may stand before the dateline paragraph (trafilatura keeps the <h1>).
_MAX_HEADLINE_CHARS = 200


@dataclass(frozen=True)
class Dateline:
    place: str  # as written, e.g. "ISLAMABAD"
    start: int  # offset of the place in the text
    end: int  # offset just past the whole dateline (separator included)


def _match_at(text: str, pos: int) -> Dateline | None:
    for pattern in (_CAPS_DATELINE, _TITLE_DATELINE):
        m = pattern.match(text, pos)
        if not m:
            continue
        place = m.group("place").rstrip(".-'’ ")
        # "US-made drones" or "NATO-led" are words, not datelines: a hyphen separator
        # must stand apart from the word before it.
        sep = text[m.end("place") : m.end()]
        if sep.strip() == "-" and not sep.startswith(" ") and "(" not in text[m.start() : m.end()]:
            continue
        if not place or len(place) > _MAX_PLACE_CHARS or place.isdigit():
            continue
        if pattern is _CAPS_DATELINE and not any(c.isalpha() for c in place):
            continue
        return Dateline(place=place, start=m.start("place"), end=m.end())
    return None


def find_dateline(text: str, *, title: str | None = None) -> Dateline | None:
    """The dateline opening the text (or its first paragraph after a headline), if any.

    The text is never changed: the result gives offsets so later stages can keep the
    place of writing out of the actors.
    """
    pos = len(text) - len(text.lstrip())
    found = _match_at(text, pos)
    if found:
        return found
    # Pages often start with their headline; look once more at the next line.
    nl = text.find("\n", pos)
    if nl == -1:
        return None
    first = text[pos:nl].strip()
    is_headline = (title is not None and first.casefold() == title.strip().casefold()) or (
        len(first) <= _MAX_HEADLINE_CHARS and not first.endswith((".", ":", "—", "-"))
    )
    if not is_headline:
        return None
    nxt = nl + 1
    while nxt < len(text) and text[nxt].isspace():
        nxt += 1
    return _match_at(text, nxt)
