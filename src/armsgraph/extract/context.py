"""The per-document context every extraction stage reads and writes, and the records passed between stages.

Stages are stateless components built once (matchers, tables); what one document gives them
— its tokens, the entities named so far, the events drafted so far, who "we" are — lives
here, on a `DocContext` made for that document and passed to each stage explicitly, and on
a `SentenceContext` for each sentence read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from armsgraph.extract.ontology import TriggerRule
from armsgraph.model import (
    Attribution,
    Comment,
    Document,
    Entity,
    Fact,
    Money,
    Quantity,
    Span,
    TimeExpr,
)
from armsgraph.nlp.gazetteer import Gazetteer
from armsgraph.nlp.pipeline import TYPES_BY_LABEL
from armsgraph.nlp.quantities import find_counts, find_money, find_percent
from armsgraph.nlp.time import find_times

if TYPE_CHECKING:
    from armsgraph.extract.attribution import FoundAttribution


@dataclass
class Actor:
    """One mention of one or more actors (a group anaphor stands for two) in a clause."""

    start: int  # token indices
    end: int
    entities: list[str]
    slot: str  # preposition slot, "poss", "adj", or "bare" (subject/object decided per trigger)
    kind: str = "name"  # name | group | pronoun | possessive_pronoun | speaker


@dataclass
class Reading:
    """What the actors stage reads in one clause: its actors, and the systems and programs named."""

    actors: list[Actor]
    things: list[tuple[int, int, str]]  # (token start, token end, entity id)


@dataclass
class Trigger:
    rules: list[TriggerRule]  # candidates for the same words, tried in pattern-file order
    start: int
    end: int

    @property
    def rule(self) -> TriggerRule:
        return self.rules[0]


@dataclass
class Draft:
    """An event before merging: what one trigger in one clause says."""

    type: str
    roles: list[tuple[str, str]]  # (role, entity id)
    things: list[str]  # system/program entity ids
    sentence: tuple[int, int]  # char offsets of the evidence sentence
    trigger_text: str
    token: int  # trigger token index
    status: str = ""  # set by the attributes stage
    status_cue: bool = False  # a cue in the text decided the status
    time: TimeExpr | None = None
    quantity: Quantity | None = None
    value: Money | None = None
    attribution: Attribution | None = None
    comments: list[Comment] = field(default_factory=list)
    filled: bool = False  # participants were borrowed from an earlier event
    growth: tuple[float, Span] | None = None  # an export statistic's change ("grew by 30%")
    value_span: Span | None = None
    rule: TriggerRule | None = None
    item: int | None = None  # char offset of its item when one sentence lists several deals
    additional: bool = False  # "will deliver an additional 14 turrets": a further tranche
    # Where the roles stage found it, for the attributes stage: the trigger's token span, its
    # clause, the window up to the next trigger, and the systems and programs it took.
    trigger_span: tuple[int, int] = (0, 0)
    clause: tuple[int, int] = (0, 0)
    window: tuple[int, int] = (0, 0)
    thing_spans: list[tuple[int, int, str]] = field(default_factory=list)
    implied_by: Draft | None = None  # the draft whose words also tell of this one
    # An item of a list of deals: (sale word, colon) token indices, and its item's token range.
    list_head: tuple[int, int] | None = None
    list_item: tuple[int, int] | None = None


@dataclass
class SentenceClaims:
    """Who says what the sentence claims, who declines to comment, who denies it, and the hedge."""

    attribution: FoundAttribution | None = None
    refusals: list[Comment] = field(default_factory=list)
    denials: list[Comment] = field(default_factory=list)
    hedge: str | None = None


@dataclass
class SentenceContext:
    """One sentence being read: its span, its clauses and triggers, the drafts it gave."""

    sent: SpacySpan
    start: int  # token indices
    end: int
    start_char: int
    end_char: int
    span: tuple[int, int]  # char offsets without surrounding spaces: the evidence
    triggers: list[Trigger]
    clauses: list[tuple[int, int]]  # token ranges; the whole sentence when it has no trigger
    cut: int = 0  # token where the claim ends (an attribution or a list starts there)
    one_clause: bool = True
    claims: SentenceClaims = field(default_factory=SentenceClaims)
    drafts: list[Draft] = field(default_factory=list)
    listed: bool = False  # a list of deals was read in it
    earlier_things: list[tuple[int, int, str]] = field(
        default_factory=list
    )  # named in earlier clauses


class DocContext:
    """What the extractor knows while reading one document: its tokens and entities, the names
    met so far, the events drafted so far, the dateline and who speaks."""

    def __init__(self, document: Document, doc: Doc, gazetteer: Gazetteer):
        self.document = document
        self.doc = doc
        self.gaz = gazetteer
        # One Token object per token (doc[i] builds a new one on every access), listed once by the
        # name finder in the pipeline.
        self.toks = doc.user_data.get("tokens") or list(doc)
        self.text = document.text  # the same string as doc.text, which rebuilds it on every access
        doc.user_data["text"] = document.text
        self.ents: list[SpacySpan] = list(
            doc.ents
        )  # doc.ents builds new Span objects on every access
        self.ent_starts = [e.start for e in self.ents]  # ents come sorted: a clause's are a slice
        self.published = document.published
        self.registry: dict[str, Entity] = {}  # entities named or reached so far, by id
        self.dateline_end = 0  # char offset after the dateline; nothing before it is an actor
        self.dateline_country: str | None = None
        self.speaker: str | None = None  # the country behind "we" in an official release
        self.host: str | None = None  # the country of the embassy that published it
        self.speakers: list[str] = []  # a joint statement's countries: who "we" are
        # Phrase matches of the candidates stage, by table (like spaCy's doc.spans).
        self.spans: dict = {}
        self.triggers: list[Trigger] = []
        self.trigger_starts: set[int] = set()
        self.conflict_starts: set[int] = set()
        self.status_matches: list[tuple[int, int, int]] | None = (
            None  # status cues, matched when first needed
        )
        self.sentences: list[SentenceContext] = []
        # Memory of what was read, for the mentions that refer back.
        self.countries: list[str] = []  # country entity ids in mention order
        self.last_subject: list[str] = []
        self.drafts: list[Draft] = []
        self.prev_things: list[str] = []  # systems and programs named in the previous sentence
        self.program_like: set[str] = set()  # systems written as programs ("the F-35 program")
        self.last_program: str | None = None  # what "the program" refers to
        self.facts: list[Fact] = []
        self._amounts: dict[int, tuple] = {}

    # ----------------------------------------------------------------- entities
    def entity_for(self, ent: SpacySpan, country_hint: str | None = None) -> str:
        """The entity a name stands for, registered with this mention."""
        registry = self.registry
        eid = ent.id_
        if eid not in registry:
            entry = self.gaz.get(eid)
            if entry is not None:
                registry[eid] = entity_from_entry(entry)
            else:
                registry[eid] = Entity(
                    id=eid,
                    type=TYPES_BY_LABEL.get(ent.label_, "organization"),
                    name=ent.text,
                    country=country_hint,
                )
        ent_obj = registry[eid]
        if ent_obj.country is None and country_hint:
            ent_obj.country = country_hint
        if not any(m.start == ent.start_char for m in ent_obj.mentions):
            ent_obj.mentions.append(Span(ent.start_char, ent.end_char, ent.text))
        return eid

    def ensure_entity(self, eid: str) -> None:
        """Register an entity reached without a mention ("both countries", the speaker)."""
        if eid in self.registry:
            return
        entry = self.gaz.get(eid)
        if entry is None:
            self.registry[eid] = Entity(
                id=eid,
                type="country",
                name=eid.split(":", 1)[-1],
                country=eid.split(":", 1)[-1] if eid.startswith("country:") else None,
            )
            return
        self.registry[eid] = entity_from_entry(entry)

    def country_of(self, eid: str) -> str | None:
        ent = self.registry.get(eid)
        if ent is not None:
            return ent.country
        if eid.startswith("country:"):
            return eid.split(":", 1)[1]
        entry = self.gaz.get(eid)
        return entry.country if entry else None

    # ----------------------------------------------------------------- memory
    def note_country(self, ent: Entity | None) -> None:
        if ent is not None and ent.country:
            self.countries.append(f"country:{ent.country}")

    def last_countries(self, n: int, recent: list[str] | None = None) -> list[str]:
        out: list[str] = []
        for cid in reversed([*self.countries, *(recent or [])]):
            if cid not in out:
                out.append(cid)
            if len(out) == n:
                break
        return list(reversed(out))

    def remember(self, sc: SentenceContext, reading: Reading) -> None:
        """After a clause is read: its systems are the sentence's earlier ones, its subject is what
        "it" means next, its countries what "both countries" means."""
        sc.earlier_things.extend(reading.things)
        subj = next((a for a in reading.actors if a.slot == "bare" and a.entities), None)
        if subj is not None:
            self.last_subject = subj.entities
        for a in reading.actors:
            if a.slot in ("observer", "mediator") or a.kind == "speaker":
                continue  # "both sides" later means the parties, not the government commenting
            for eid in a.entities:
                self.note_country(self.registry.get(eid))

    # ----------------------------------------------------------------- amounts
    def sentence_amounts(self, sc: SentenceContext) -> tuple:
        """Money, percentages, counts and times of one sentence, found once and only for sentences
        where an event is drafted. Nothing in the dateline ("ANKARA, March 3 (Reuters) -") counts."""
        cached = self._amounts.get(sc.start_char)
        if cached is None:
            s0, s1 = sc.start_char, sc.end_char
            chunk, keep = self.text[s0:s1], self.dateline_end
            cached = (
                [m for m in find_money(chunk, s0) if m.start >= keep],
                [m for m in find_percent(chunk, s0) if m.start >= keep],
                [m for m in find_counts(chunk, s0) if m.start >= keep],
                [t for t in find_times(chunk, s0) if t[0] >= keep],
            )
            self._amounts[sc.start_char] = cached
        return cached

    def char_span(self, lo: int, hi: int) -> tuple[int, int]:
        """Char offsets of tokens [lo, hi)."""
        last = self.toks[hi - 1]
        return self.toks[lo].idx, last.idx + len(last)


def entity_from_entry(entry) -> Entity:
    """An output entity for a gazetteer entry; a country is its own country."""
    country = entry.country or (entry.id.split(":", 1)[1] if entry.type == "country" else None)
    return Entity(
        id=entry.id,
        type=entry.type,
        name=entry.name,
        country=country,
        category=entry.category,
        aliases=entry.aliases[:20],
        wikidata=entry.wikidata,
    )
