"""Find time expressions ("in May", "since October", "this year") and resolve them against the publication date."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from functools import lru_cache

from armsgraph.model import TimeExpr

_MONTHS = (
    "|".join(m for m in calendar.month_name if m)
    + "|"
    + "|".join(m + r"\.?" for m in calendar.month_abbr if m and m != "May")
)
_YEAR = r"(?:19|20)\d{2}"
TIME_RE = re.compile(
    rf"\b(?P<prep>in|since|by|from|until|through|during|on|early|late|mid|earlier|later)?\s?"
    rf"(?:(?P<md>(?:{_MONTHS})\s\d{{1,2}}(?:,\s{_YEAR})?)|(?P<my>(?:{_MONTHS})(?:\s{_YEAR})?)|(?P<y>{_YEAR})"
    rf"|(?P<rel>(?:this|last|next|earlier this|later this|previous|coming|the past) (?:year|month|week)|yesterday|today|last (?:spring|summer|autumn|fall|winter)"
    rf"|(?:last )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)))\b",
)


def find_times(text: str, offset: int = 0) -> list[tuple[int, int, str, str]]:
    """(start, end, text, kind) of each time expression; kind is the matched group."""
    out = []
    for m in TIME_RE.finditer(text):
        kind = next(k for k in ("md", "my", "y", "rel") if m.group(k))
        start = m.start("prep") if m.group("prep") else m.start(kind)
        out.append((start + offset, m.end() + offset, text[start : m.end()], kind))
    return out


_MONTH_NUMBERS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTH_NUMBERS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_SIMPLE = re.compile(
    r"^(?P<month>[A-Za-z]+)\.?(?:\s(?P<day>\d{1,2}))?(?:,?\s(?P<year>(?:19|20)\d{2}))?$"
)


def _parse_simple(text: str, base: date | None) -> date | None:
    """'May', 'March 2024', 'June 5, 2023': the forms the regex above finds, without dateparser
    (2.5 ms a call). A month with no year is the latest one not after the publication date."""
    m = _SIMPLE.match(text)
    if not m or m.group("month").lower() not in _MONTH_NUMBERS:
        return None
    month = _MONTH_NUMBERS[m.group("month").lower()]
    day = int(m.group("day") or 1)
    if m.group("year"):
        year = int(m.group("year"))
    elif base is not None:
        year = base.year if (month, day) <= (base.month, base.day) else base.year - 1
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _parse_date(text: str, base: date | None):
    simple = _parse_simple(text.strip(), base)
    if simple is not None:
        from datetime import datetime

        return datetime(simple.year, simple.month, simple.day)
    import dateparser  # imported late: it takes ~0.3 s to load its language data

    settings = {
        "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DAY_OF_MONTH": "first",
    }
    if base:
        from datetime import datetime

        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)
    return dateparser.parse(text, languages=["en"], settings=settings)


@lru_cache(maxsize=4096)
def _resolve_cached(text: str, kind: str, published: str | None) -> tuple[str | None, str | None]:
    t = _resolve(text, kind, published)
    return t.start, t.end


def resolve_time(text: str, kind: str, published: str | None) -> TimeExpr:
    """Resolve a time expression to a [start, end] date range where the publication date allows."""
    start, end = _resolve_cached(text, kind, published)
    return TimeExpr(text=text, start=start, end=end)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _relative(words: str, core: str, base: date) -> tuple[date | None, date | None]:
    """ "this year", "last month", "next year": the range it names from the publication date."""
    start = end = None
    if "year" in words:
        y = base.year + (
            -1
            if ("last" in words or "previous" in words)
            else 1
            if ("next" in words or "coming" in words)
            else 0
        )
        start, end = date(y, 1, 1), date(y, 12, 31)
        if y == base.year:
            end = base
    elif "month" in words:
        m, y = base.month, base.year
        if "last" in words or "previous" in words:
            m, y = (12, y - 1) if m == 1 else (m - 1, y)
        elif "next" in words or "coming" in words:
            m, y = (1, y + 1) if m == 12 else (m + 1, y)
        start, end = date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
    else:
        parsed = _parse_date(core, base)
        if parsed:
            start = end = parsed.date()
    return start, end


def _resolve(text: str, kind: str, published: str | None) -> TimeExpr:
    """Resolve a time expression to a [start, end] date range where the publication date allows."""
    base = None
    if published:
        try:
            base = date.fromisoformat(published[:10])
        except ValueError:
            base = None
    words = text.lower()
    core = re.sub(
        r"^(in|since|by|from|until|through|during|on|early|late|mid|earlier|later)\s",
        "",
        text.strip(),
        flags=re.IGNORECASE,
    )
    start = end = None
    weekday = re.fullmatch(
        r"(last )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)", core.lower()
    )
    if weekday and base is not None:
        # News names the day of the week of the last seven days: "said on Monday" in Monday's
        # report is that day ("last Monday" then means a week before).
        back = (base.weekday() - _WEEKDAYS.index(weekday.group(2))) % 7
        if back == 0 and weekday.group(1):
            back = 7
        start = end = base - timedelta(days=back)
    elif kind == "y":
        y = int(re.search(_YEAR, text).group(0))
        start, end = date(y, 1, 1), date(y, 12, 31)
    elif base is None and not re.search(_YEAR, text):
        # "October 25", "this year" in a report with no date: which year is not known, and
        # guessing from today's date would place the event in the future.
        return TimeExpr(text=text)
    elif kind == "rel":
        start, end = _relative(words, core, base)
    else:
        parsed = _parse_date(core, base)
        if parsed is None:
            return TimeExpr(text=text)
        d = parsed.date()
        if kind == "my":
            start, end = (
                date(d.year, d.month, 1),
                date(d.year, d.month, calendar.monthrange(d.year, d.month)[1]),
            )
        else:
            start = end = d
    if words.startswith("since") and start is not None:
        end = base
    elif words.startswith("by") and end is not None:
        start = None
    return TimeExpr(
        text=text, start=start.isoformat() if start else None, end=end.isoformat() if end else None
    )
