"""Cross-report merge: reports of the same event become one event with several sources.

Two reported events are the same when they have the same type, the same actors in the
same roles (participants other than systems and programs), and compatible systems and
times: systems compatible when either report names none or they share one; times
compatible when either gives none or their years are at most MAX_YEAR_GAP apart.
A merged event is a connected component of that relation, so the result does not depend
on the order in which reports arrive, and `rebuild` gives the same events as ingesting.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from armsgraph.model import STATUSES, content_hash
from armsgraph.ontology import OBJECT_ROLES, is_actor

MAX_YEAR_GAP = 3  # a plan, its contract and its last delivery usually fall within a few years
_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")


@dataclass
class Source:
    """One report of an event: the event as one document's extraction gave it (canonical ids)."""

    document_id: str
    local_event_id: str
    published: str | None
    event: dict[str, Any]  # the DESIGN.md event object
    key: str = field(init=False)
    objects: frozenset[str] = field(init=False)
    years: tuple[int, int] | None = field(init=False)

    def __post_init__(self) -> None:
        self.key = merge_key(self.event)
        self.objects = object_ids(self.event)
        self.years = years(self.event)

    @property
    def order(self) -> tuple[str, int, str, str]:
        """Sort key: publication date, then status order, then ids (ties broken stably)."""
        return self.report().order

    @property
    def ref(self) -> str:
        return f"{self.document_id}#{self.local_event_id}"

    def report(self) -> Report:
        """What `summarize_reports` needs of this source, without its event."""
        ev = self.event
        return Report(
            document_id=self.document_id,
            local_event_id=self.local_event_id,
            published=self.published,
            status=ev.get("status") or "proposed",
            confidence=float(ev.get("confidence", 0.5)),
            details=details(ev),
            key=self.key,
            type=ev["type"],
        )


# Bits of Report.details: which of these the report gives (summarize takes each from the
# latest report that gives it, so the store keeps the bits to load only that report).
TIME, QUANTITY, VALUE = 1, 2, 4
_DETAILS = (("time", TIME), ("quantity", QUANTITY), ("value", VALUE))


def details(event: dict[str, Any]) -> int:
    """The Report.details bits of an event."""
    return sum(bit for key, bit in _DETAILS if event.get(key))


@dataclass(frozen=True)
class Report:
    """A source as the store indexes it (event_sources columns): enough to order sources
    and summarize a merged event without parsing every source's event JSON."""

    document_id: str
    local_event_id: str
    published: str | None
    status: str
    confidence: float
    details: int
    key: str
    type: str

    @property
    def order(self) -> tuple[str, int, str, str]:
        return (
            self.published or "",
            status_rank(self.status),
            self.document_id,
            self.local_event_id,
        )

    @property
    def ref(self) -> str:
        return f"{self.document_id}#{self.local_event_id}"


def status_rank(status: str | None) -> int:
    return STATUSES.index(status) if status in STATUSES else -1


def merge_key(event: dict[str, Any]) -> str:
    """Hash of the type and the (role, entity) pairs of the actors."""
    actors = sorted(
        {(p["role"], p["entity"]) for p in event.get("participants", []) if is_actor(p["role"])}
    )
    return content_hash(event["type"], *(f"{r}={e}" for r, e in actors), length=20)


def object_ids(event: dict[str, Any]) -> frozenset[str]:
    return frozenset(
        p["entity"] for p in event.get("participants", []) if p["role"] in OBJECT_ROLES
    )


def years(event: dict[str, Any]) -> tuple[int, int] | None:
    time = event.get("time") or {}
    found = [
        int(y) for v in (time.get("start"), time.get("end")) if v for y in _YEAR.findall(str(v)[:4])
    ]
    if not found and time.get("text"):
        found = [int(y) for y in _YEAR.findall(time["text"])]
    return (min(found), max(found)) if found else None


def compatible(a: Source, b: Source) -> bool:
    """Whether two reports can be the same event (see the module docstring)."""
    return a.key == b.key and compatible_parts(a.objects, a.years, b.objects, b.years)


def compatible_parts(
    objects_a: frozenset[str],
    years_a: tuple[int, int] | None,
    objects_b: frozenset[str],
    years_b: tuple[int, int] | None,
) -> bool:
    """`compatible` for two reports of the same merge key, from their systems and years."""
    if objects_a and objects_b and not (objects_a & objects_b):
        return False
    ya, yb = years_a, years_b
    return not (ya and yb and (ya[0] - yb[1] > MAX_YEAR_GAP or yb[0] - ya[1] > MAX_YEAR_GAP))


def clusters(sources: Iterable[Source]) -> list[list[Source]]:
    """Connected components of `compatible`, each sorted by Source.order, in a stable order."""
    by_key: dict[str, list[Source]] = {}
    for s in sources:
        by_key.setdefault(s.key, []).append(s)
    out: list[list[Source]] = []
    for group in by_key.values():
        parent = list(range(len(group)))
        for i in range(len(group)):
            for j in range(i + 1, len(group)):
                if compatible(group[i], group[j]):
                    parent[_find(parent, i)] = _find(parent, j)
        comps: dict[int, list[Source]] = {}
        for i, s in enumerate(group):
            comps.setdefault(_find(parent, i), []).append(s)
        out.extend(sorted(c, key=lambda s: s.order) for c in comps.values())
    return sorted(out, key=event_id)


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def event_id(sources: Sequence[Source] | Sequence[Report]) -> str:
    """A merged event's id: a hash of its smallest source reference (stable under re-runs)."""
    return "ev:" + content_hash(min(s.ref for s in sources))


def _attribution(a: dict[str, Any] | None) -> str | None:
    if not a:
        return None
    text = a.get("source") or ""
    if a.get("via"):
        text += f" via {a['via']}"
    if a.get("hedge"):
        text += f" ({a['hedge']})"
    return text or None


def source_row(s: Source) -> dict[str, Any]:
    """The event_sources columns for one report (event_id filled in by the caller)."""
    evidence = s.event.get("evidence") or [{}]
    first = evidence[0]
    return {
        "document_id": s.document_id,
        "local_event_id": s.local_event_id,
        "start": first.get("start"),
        "end": first.get("end"),
        "text": first.get("text"),
        "status": s.event.get("status") or "proposed",
        "published": s.published,
        "attribution": _attribution(s.event.get("attribution")),
    }


def summarize(sources: Sequence[Source]) -> dict[str, Any]:
    """The events columns of a merged event (without `systems`), and its participants.

    Current status, time, quantity and value come from the latest report that gives them
    (by publication date, ties by status order); confidence is the highest of the reports;
    n_sources counts distinct documents.
    """
    by_ref = {s.ref: s.event for s in sources}
    row = summarize_reports([s.report() for s in sources], lambda r: by_ref[r.ref])
    row["participants"] = sorted(
        {(p["role"], p["entity"]) for s in sources for p in s.event.get("participants", [])}
    )
    return row


def summarize_reports(
    reports: Sequence[Report], event_of: Callable[[Report], dict[str, Any]]
) -> dict[str, Any]:
    """`summarize` without participants, from the reports' indexed columns; `event_of`
    gives a report's event and is called only for the latest report giving a time, a
    quantity or a value, so the store reads at most three events of a much-reported deal."""
    ordered = sorted(reports, key=lambda r: r.order)
    latest = ordered[-1]

    def last_with(key: str, bit: int) -> dict[str, Any]:
        for r in reversed(ordered):
            if r.details & bit:
                return event_of(r)[key]
        return {}

    time = last_with("time", TIME)
    quantity = last_with("quantity", QUANTITY)
    value = last_with("value", VALUE)
    dates = [r.published for r in ordered if r.published]
    return {
        "id": event_id(ordered),
        "type": latest.type,
        "status": latest.status,
        "first_seen": min(dates) if dates else None,
        "last_seen": max(dates) if dates else None,
        "time_text": time.get("text"),
        "time_start": time.get("start"),
        "time_end": time.get("end"),
        "quantity": quantity.get("amount")
        if quantity.get("amount") is not None
        else quantity.get("low"),
        "quantity_text": quantity.get("text"),
        "value_amount": value.get("amount"),
        "value_currency": value.get("currency"),
        "value_text": value.get("text"),
        "confidence": max(r.confidence for r in ordered),
        "n_sources": len({r.document_id for r in ordered}),
        "merge_key": ordered[0].key,
    }
