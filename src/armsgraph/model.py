"""Typed records that flow through armsgraph: Document in, Extraction out."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from armsgraph.ontology import event_types

EVENT_TYPES = event_types()  # from the ontology's data files (armsgraph.ontology)
STATUSES = ("proposed", "agreed", "in_progress", "completed", "cancelled")
ENTITY_TYPES = (
    "country",
    "organization",
    "person",
    "weapon_system",
    "program",
    "facility",
    "location",
)


def content_hash(*parts: str, length: int = 16) -> str:
    """A stable hex id from text parts (sha1, truncated)."""
    h = hashlib.sha1()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:length]


@dataclass
class Document:
    """One report: its text and what is known about where it came from."""

    text: str
    id: str = ""
    url: str | None = None
    title: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) or datetime
    dateline: str | None = None
    source: str | None = None  # file path (with :line for JSON Lines) or URL it was read from
    language: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.id:
            self.id = "doc:" + content_hash(self.text)

    def header(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "published": self.published,
            "dateline": self.dateline,
        }


@dataclass(frozen=True)
class Span:
    """Character offsets into Document.text; text == document.text[start:end]."""

    start: int
    end: int
    text: str


@dataclass
class Entity:
    id: str
    type: str
    name: str
    country: str | None = None
    category: str | None = None
    aliases: list[str] = field(default_factory=list)
    wikidata: str | None = None
    mentions: list[Span] = field(default_factory=list)


@dataclass
class Participant:
    role: str
    entity: str  # Entity.id


@dataclass
class TimeExpr:
    text: str
    start: str | None = None  # ISO date
    end: str | None = None


@dataclass
class Money:
    amount: float
    currency: str
    text: str


@dataclass
class Quantity:
    text: str
    amount: float | None = None  # None for vague amounts ("dozens of")
    approximate: bool = False
    low: float | None = None  # lower bound for vague amounts ("dozens" >= 24)


@dataclass
class Attribution:
    source: str
    via: str | None = None
    hedge: str | None = None  # "is seen as", "reportedly"


@dataclass
class Comment:
    """A party that declined to comment, did not respond, or denied the claim."""

    source: str
    stance: str  # the words used: "declined to comment", "did not respond to inquiries", "denied"
    evidence: Span | None = None


@dataclass
class Event:
    id: str
    type: str
    status: str
    participants: list[Participant] = field(default_factory=list)
    evidence: list[Span] = field(default_factory=list)
    time: TimeExpr | None = None
    quantity: Quantity | None = None
    value: Money | None = None
    attribution: Attribution | None = None
    comments: list[Comment] = field(default_factory=list)
    confidence: float = 0.5
    trigger: str | None = None

    def entities_in(self, role: str) -> list[str]:
        return [p.entity for p in self.participants if p.role == role]


@dataclass
class Fact:
    subject: str  # Entity.id
    attribute: str
    value: float | str
    unit: str | None
    evidence: Span


@dataclass
class Extraction:
    """Everything extracted from one document; to_json() gives the DESIGN.md contract."""

    document: Document
    entities: list[Entity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    skipped: str | None = None  # why nothing was extracted (e.g. "language: de")

    def entity(self, entity_id: str) -> Entity | None:
        for e in self.entities:
            if e.id == entity_id:
                return e
        return None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "document": self.document.header(),
            "entities": [_plain(e) for e in self.entities],
            "events": [_plain(e) for e in self.events],
            "facts": [_plain(f) for f in self.facts],
        }
        if self.document.language:
            out["document"]["language"] = self.document.language
        if self.skipped:
            out["skipped"] = self.skipped
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any], document: Document) -> Extraction:
        """An Extraction back from its to_json() (as the store keeps it), with `document`
        (the JSON holds its header, not its text)."""
        ents = [
            Entity(
                id=e["id"],
                type=e["type"],
                name=e["name"],
                country=e.get("country"),
                category=e.get("category"),
                aliases=list(e.get("aliases", [])),
                wikidata=e.get("wikidata"),
                mentions=[_span(m) for m in e.get("mentions", [])],
            )
            for e in data.get("entities", [])
        ]
        facts = [
            Fact(f["subject"], f["attribute"], f["value"], f.get("unit"), _span(f["evidence"]))
            for f in data.get("facts", [])
            if f.get("evidence")
        ]
        return cls(
            document=document,
            entities=ents,
            events=[_event(e) for e in data.get("events", [])],
            facts=facts,
            skipped=data.get("skipped"),
        )


def _span(d: dict[str, Any]) -> Span:
    return Span(int(d["start"]), int(d["end"]), d["text"])


def _event(e: dict[str, Any]) -> Event:
    t, q, v, a = e.get("time"), e.get("quantity"), e.get("value"), e.get("attribution")
    return Event(
        id=e["id"],
        type=e["type"],
        status=e.get("status", "proposed"),
        participants=[Participant(p["role"], p["entity"]) for p in e.get("participants", [])],
        evidence=[_span(s) for s in e.get("evidence", [])],
        time=TimeExpr(**t) if t else None,
        quantity=Quantity(**q) if q else None,
        value=Money(**v) if v else None,
        attribution=Attribution(**a) if a else None,
        comments=[
            Comment(c["source"], c["stance"], _span(c["evidence"]) if c.get("evidence") else None)
            for c in e.get("comments", [])
        ],
        confidence=float(e.get("confidence", 0.5)),
        trigger=e.get("trigger"),
    )


_FIELDS: dict[type, tuple[str, ...]] = {}
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(obj: Any) -> Any:
    """A record as JSON-ready dicts and lists: fields in declaration order, keys whose value is
    None or [] left out. (dataclasses.asdict deep-copies every value on the way and took a
    fifth of the store's time per document.)"""
    cls = type(obj)
    names = _FIELDS.get(cls)
    if names is None and is_dataclass(obj) and not isinstance(obj, type):
        names = _FIELDS[cls] = tuple(f.name for f in fields(obj))
    if names is not None:
        out = {}
        for name in names:
            v = getattr(obj, name)
            if v is None or v == []:
                continue
            out[name] = v if type(v) in _SCALARS else _plain(v)
        return out
    if cls is list or cls is tuple:
        return [_plain(v) for v in obj]
    if cls is dict:
        return {k: _plain(v) for k, v in obj.items() if v is not None and v != []}
    return obj
