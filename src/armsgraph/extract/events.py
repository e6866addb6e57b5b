"""Turn a parsed document into typed events: triggers, role slots, coreference, status, time, amounts."""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field, replace

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan
from spacy.util import filter_spans

from armsgraph.extract.attribution import find_attribution, find_denials, find_refusals
from armsgraph.extract.ontology import Ontology, TriggerRule, load_ontology
from armsgraph.extract.status import StatusTagger
from armsgraph.model import (
    Attribution,
    Comment,
    Document,
    Entity,
    Event,
    Extraction,
    Fact,
    Money,
    Participant,
    Quantity,
    Span,
    TimeExpr,
    content_hash,
)
from armsgraph.nlp.gazetteer import Gazetteer
from armsgraph.nlp.pipeline import TYPES_BY_LABEL
from armsgraph.nlp.quantities import find_counts, find_money, find_percent
from armsgraph.nlp.time import find_times, resolve_time

ACTOR_LABELS = {"COUNTRY", "ORG"}
_DIGIT = re.compile(r"\d")
THING_LABELS = {"SYSTEM", "PROGRAM"}
PREPOSITIONS = {"to", "for", "in", "with", "from", "by", "between", "of", "at", "on", "against", "through",
                # Slots no role takes: "under AUKUS", "via the EDA program", "near Doha".
                "under", "via", "over", "near", "after", "before", "during", "despite"}
# Words between a preposition and the name it governs: "in southwest Syria", "to the new Iraqi".
SKIPPED_BEFORE_NAME = {"the", "a", "an", "southwest", "southeast", "northwest", "northeast", "southern", "northern",
                       "eastern", "western", "central", "southwestern", "southeastern", "northwestern",
                       "northeastern", "north", "south", "east", "west", "occupied", "neighbouring", "neighboring"}
PREPOSITION_ALIASES = {"into": "to", "towards": "to", "toward": "to", "alongside": "with", "amid": "in", "within": "in"}
BE_FORMS = {"is", "are", "was", "were", "be", "been", "being", "has been", "have been", "had been"}
# "As leaders of A, B and C, ..., we resolve", "We, the Leaders of A and B, ...": the countries
# named between "leaders of" and the "we" (or the end of the sentence).
_JOINT_LEADERS = re.compile(r"\b(?:As|We,)\s+(?:the\s+)?[Ll]eaders of\s+([^.;:]{3,300}?)(?:,?\s+we\b|[.;:])")
_EMBASSY = re.compile(r"\bEmbassy(?: and Consulates?)?(?: in| to)?\s+(?P<place>[A-Z][\w.' -]{1,40})")
# Words a gapped trigger phrase may hold between its ends ("produce Turkish Anka drones locally").
MAX_GAP = 3
# Words that make a mention a further tranche of a deal rather than the deal again.
TRANCHE_WORDS = {"additional", "another", "further"}
IRREGULAR_PARTICIPLES = {"sold", "bought", "built", "made", "struck", "given", "taken", "won"}
DEMONYM_ENDINGS = ("ish", "ese", "ian", "ean", "ani", "i", "ic", "ch", "an")


@dataclass
class Actor:
    """One mention of one or more actors (a group anaphor stands for two) in a clause."""

    start: int  # token indices
    end: int
    entities: list[str]
    slot: str  # preposition slot, "poss", "adj", or "bare" (subject/object decided per trigger)
    kind: str = "name"  # name | group | pronoun | possessive_pronoun


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
    status: str
    status_cue: bool
    roles: list[tuple[str, str]]  # (role, entity id)
    things: list[str]  # system/program entity ids
    sentence: tuple[int, int]  # char offsets of the evidence sentence
    trigger_text: str
    token: int  # trigger token index
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


class EventExtractor:
    """Finds events in a spaCy Doc produced by the armsgraph pipeline."""

    def __init__(self, nlp: Language, gazetteer: Gazetteer, ontology: Ontology | None = None):
        self.nlp = nlp
        self.gaz = gazetteer
        self.onto = ontology or load_ontology()
        lex = self.onto.lexicon
        self.trigger_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        for i, rule in enumerate(self.onto.triggers):
            plain = [p for p in rule.phrases if "*" not in p.split()]
            if plain:
                self.trigger_matcher.add(f"T{i}", [nlp.make_doc(p) for p in plain])
        self.trigger_matcher.add("EXCLUDE", [nlp.make_doc(p) for p in lex.get("exclusions", [])])
        # Phrases with "*" allow up to MAX_GAP words in the gap ("transfer * technology"): both ends
        # are found by a phrase matcher and paired here; a token Matcher with optional wildcards
        # costs more than everything else put together.
        self.gap_ends = PhraseMatcher(nlp.vocab, attr="NORM")
        self.gapped: list[tuple[int, str, str]] = []  # (rule index, left key, right key)
        for i, rule in enumerate(self.onto.triggers):
            for p in rule.phrases:
                if "*" not in p.split():
                    continue
                left, right = (part.strip() for part in p.split("*", 1))
                lk, rk = f"L{len(self.gapped)}", f"R{len(self.gapped)}"
                if left:
                    self.gap_ends.add(lk, [nlp.make_doc(left)])
                if right:
                    self.gap_ends.add(rk, [nlp.make_doc(right)])
                self.gapped.append((i, lk if left else "", rk if right else ""))
        self.lex_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        for key in ("group_anaphors", "institutions", "government_of", "refusals", "hedges"):
            self.lex_matcher.add(key, [nlp.make_doc(p) for p in lex.get(key, [])])
        self.status = StatusTagger(nlp, self.onto)
        self.breaks = sorted((tuple(nlp.make_doc(b).to_array("NORM").tolist()) for b in lex["clause_breaks"]),
                             key=len, reverse=True)
        self.break_norms = [[nlp.vocab.strings[n] for n in b] for b in self.breaks]
        self.break_firsts = {b[0] for b in self.break_norms}
        self.determiners = set(lex["determiners"])
        self.event_anaphors = set(lex["event_anaphors"])
        self.pronouns = set(lex["subject_pronouns"])
        self.first_person = set(lex.get("first_person", []))
        self.non_weapon = set(lex.get("non_weapon_categories", []))
        self.origin_words = set(lex.get("origin_words", []))
        self.conflict_family = set(lex.get("conflict_family", []))
        self.family_of = {c: fam for fam, cats in lex.get("category_families", {}).items() for c in cats}
        self.statistic_verbs = lex.get("statistic_verbs", [])
        self.sale_list_heads = set(lex.get("sale_list_heads", []))
        self.aggregate_re = re.compile(r"(\S*) (?:" + "|".join(
            re.escape(p) for p in sorted(lex.get("aggregate_recipients", []), key=len, reverse=True)) + r")(?= )")
        self.item_dashes = set(lex.get("list_item_dashes", []))
        self.lex_matcher.add("observer_verbs", [nlp.make_doc(p) for p in lex.get("observer_verbs", [])])
        self.lex_matcher.add("mediation", [nlp.make_doc(p) for p in lex.get("mediation", [])])
        self._names_cache: dict[str, list[tuple[str, str]]] = {}

    # ----------------------------------------------------------------- entities
    def _entity_for(self, ent: SpacySpan, registry: dict[str, Entity], country_hint: str | None = None) -> str:
        eid = ent.id_
        if eid not in registry:
            entry = self.gaz.get(eid)
            if entry is not None:
                registry[eid] = _entity_from_entry(entry)
            else:
                registry[eid] = Entity(id=eid, type=TYPES_BY_LABEL.get(ent.label_, "organization"),
                                       name=ent.text, country=country_hint)
        ent_obj = registry[eid]
        if ent_obj.country is None and country_hint:
            ent_obj.country = country_hint
        if not any(m.start == ent.start_char for m in ent_obj.mentions):
            ent_obj.mentions.append(Span(ent.start_char, ent.end_char, ent.text))
        return eid

    # ----------------------------------------------------------------- clauses
    def _clauses(self, sent: SpacySpan) -> list[tuple[int, int]]:
        """Token ranges of the clauses of a sentence, split at clause-break phrases."""
        norms = [t.norm_ for t in self._toks[sent.start : sent.end]]
        cuts = [0]
        i = 0
        firsts = self.break_firsts
        while i < len(norms):
            if norms[i] not in firsts:
                i += 1
                continue
            for b in self.break_norms:
                if norms[i : i + len(b)] == b:
                    after = sent.start + i + len(b)
                    if b[-1] in ("and", "or") and i > 0 and after < sent.end and \
                            self._toks[after].ent_type_ in ("COUNTRY", "ORG") and \
                            self._toks[sent.start + i - 1].ent_type_ in ("COUNTRY", "ORG"):
                        break  # "the U.S., the Netherlands, and Canada" is one list, not two clauses
                    if b[0] == "," and b[-1] in ("and", "or") and "," in norms[max(0, i - 4) : i]:
                        break  # "production, sustainment, and follow-on development": a list
                    if i > 0:
                        cuts.append(i)
                    i += len(b) - 1
                    break
            i += 1
        cuts.append(len(norms))
        return [(sent.start + a, sent.start + b) for a, b in itertools.pairwise(cuts) if b > a]

    # ----------------------------------------------------------------- actors
    def _slot_before(self, doc: Doc, start: int, lo: int, actors: list[Actor]) -> str:
        """The slot given by the words before token `start`: a preposition, a coordinated name's, or bare."""
        i = start - 1
        while i >= lo and self._toks[i].norm_ in SKIPPED_BEFORE_NAME:
            i -= 1
        if i >= lo and self._toks[i].norm_ in PREPOSITIONS:
            return self._toks[i].norm_
        if i >= lo and self._toks[i].norm_ in PREPOSITION_ALIASES:
            return PREPOSITION_ALIASES[self._toks[i].norm_]
        if i >= lo and self._toks[i].norm_ in ("and", ",", "&", "or") and actors:
            prev = actors[-1]
            if prev.end >= i - 1 and prev.end <= i + 1:
                return prev.slot
        return "bare"

    def _actors(self, doc: Doc, lo: int, hi: int, registry: dict[str, Entity], lex_spans: dict,
                history: DocState) -> tuple[list[Actor], list[tuple[int, int, str]]]:
        """Actors and things (systems/programs) mentioned in tokens [lo, hi)."""
        actors: list[Actor] = []
        things: list[tuple[int, int, str]] = []
        first = bisect.bisect_left(history.ent_starts, lo)
        ents = [e for e in history.ents[first : bisect.bisect_left(history.ent_starts, hi)] if e.end <= hi]
        consumed: set[int] = set()
        for k, ent in enumerate(ents):
            if ent.start in consumed or ent.start_char < history.skip_before:
                continue
            if ent.label_ in THING_LABELS:
                tid = self._entity_for(ent, registry)
                entry = self.gaz.get(tid)
                if entry is not None and entry.category in self.non_weapon:
                    continue  # a sales or funding channel ("FMS", "FMF") is no weapon and no program
                after = ent.end
                if after < len(doc) and self._toks[after].text == "(":  # "Joint Strike Fighter (JSF) program"
                    close = next((j for j in range(after + 1, min(after + 6, len(doc))) if self._toks[j].text == ")"), None)
                    after = close + 1 if close is not None else after
                if after < len(doc) and self._toks[after].norm_ in ("program", "programme", "project"):
                    history.program_like.add(tid)  # "the F-35 program" names a program
                if entry is not None and (entry.type == "program" or tid in history.program_like):
                    history.last_program = tid
                things.append((ent.start, ent.end, tid))
                continue
            if ent.label_ not in ACTOR_LABELS:
                continue
            entry = self.gaz.get(ent.id_)
            if entry is not None and entry.category == "media":
                self._entity_for(ent, registry)  # a news agency reports; it is not a party
                continue
            end = ent.end
            nxt = self._toks[end] if end < hi else None
            start = ent.start
            # "the Government of Morocco": the phrase starts at "Government".
            gov = lex_spans["government_of"].get(ent.start)
            if gov is not None:
                start = gov
            slot = self._slot_before(doc, start, lo, actors)
            country_hint = None
            if ent.label_ == "COUNTRY" and nxt is not None and nxt.norm_ in ("'s", "'"):
                after = end + 1
                inst_end = lex_spans["institutions"].get(after)
                nxt_ent = next((e for e in ents[k + 1 :] if e.start == after), None)
                if inst_end is not None:
                    # "Pakistan's navy" is Pakistan acting through its navy.
                    eid = self._entity_for(ent, registry)
                    actors.append(Actor(start, inst_end, [eid], slot))
                    continue
                if nxt_ent is None:
                    # "Pakistan's Information Minister Attaullah Tarar": a title, then the person.
                    nxt_ent = next((e for e in ents[k + 1 :] if e.label_ == "PERSON" and e.start <= after + 3
                                    and all(t.text[:1].isupper() for t in doc[after : e.start])), None)
                if nxt_ent is not None and nxt_ent.label_ in ("ORG", "PERSON"):
                    # "Pakistan's National Engineering and Scientific Commission": the org is the actor.
                    country_hint = ent.id_.split(":", 1)[1]
                    self._entity_for(ent, registry)
                    consumed.add(nxt_ent.start)
                    if nxt_ent.label_ == "PERSON":
                        self._entity_for(nxt_ent, registry, country_hint)
                        continue
                    oid = self._entity_for(nxt_ent, registry, country_hint)
                    actors.append(Actor(start, nxt_ent.end, [oid], slot))
                    continue
                eid = self._entity_for(ent, registry)
                actors.append(Actor(start, end, [eid], "poss" if slot == "bare" else slot))
                continue
            if ent.label_ == "COUNTRY" and end + 1 < hi and self._toks[end].text in ("-", "–") \
                    and self._toks[end + 1].norm_ in self.origin_words:
                # "U.S.-made A-29": the country that makes the system supplies it.
                actors.append(Actor(start, end + 2, [self._entity_for(ent, registry)], "origin"))
                continue
            if ent.label_ == "COUNTRY" and nxt is not None and self._is_modifier(doc, ent, nxt, lex_spans, ents[k + 1 :]):
                eid = self._entity_for(ent, registry)
                inst_end = lex_spans["institutions"].get(end)
                if inst_end is not None:  # "Turkish officials", "the Pakistani navy"
                    actors.append(Actor(start, inst_end, [eid], slot))
                    continue
                nxt_ent = next((e for e in ents[k + 1 :] if e.start == end), None)
                if nxt_ent is not None and nxt_ent.label_ == "ORG":
                    # "Pakistani firm X": give the org its country.
                    oid = self._entity_for(nxt_ent, registry, ent.id_.split(":", 1)[1])
                    consumed.add(nxt_ent.start)
                    actors.append(Actor(start, nxt_ent.end, [oid], slot))
                    continue
                made = next((e for e in ents[k + 1 :] if e.start == end and e.label_ == "SYSTEM"), None)
                maker = self.gaz.get(made.id_) if made is not None else None
                if maker is not None and maker.country == ent.id_.split(":", 1)[1]:
                    # "delivery of a Russian S-400": the country that makes the system supplies it.
                    actors.append(Actor(start, end, [eid], "origin"))
                    continue
                actors.append(Actor(start, end, [eid], "adj" if slot == "bare" else slot))
                continue
            eid = self._entity_for(ent, registry)
            if history.speaker and ent.label_ == "ORG" and registry[eid].country is None and eid.startswith("org:x-"):
                # An unknown "Coast Guard" in a US government release is the US Coast Guard.
                registry[eid].country = history.speaker.split(":", 1)[1]
            actors.append(Actor(start, end, [eid], slot))
        self._mark_observers(actors, lex_spans, lo, hi)
        # "suspend Turkey from the program": the program named last.
        if history.last_program and not any(t[2] == history.last_program for t in things):
            for i in range(lo + 1, hi):
                if self._toks[i].norm_ in ("program", "programme") and self._toks[i - 1].norm_ in ("the", "this"):
                    things.append((i, i + 1, history.last_program))
                    self._ensure_entity(history.last_program, registry)
                    break
        # Group anaphors ("both countries") and pronouns ("it").
        for s, e in lex_spans["group_anaphors_list"]:
            if lo <= s and e <= hi:
                slot = self._slot_before(doc, s, lo, actors)
                # "Eritrea's aggression against Djibouti ... between the two countries": names earlier in
                # the clause come first, then the document's.
                here = [f"country:{c}" for a in actors if a.start < s and a.kind == "name"
                        and a.slot not in ("observer", "mediator") for c in (self._country_of(x, registry) for x in a.entities) if c]
                actors.append(Actor(s, e, history.last_countries(2, here), slot, kind="group"))
        for i in range(lo, hi):
            low = self._toks[i].norm_
            if (history.speakers or history.speaker) and low in self.first_person and self._toks[i].text != "US" \
                    and not any(a.start <= i < a.end for a in actors):
                slot = self._slot_before(doc, i, lo, actors)
                if low in ("our", "ours") and i + 1 < hi and self._toks[i + 1].norm_ in ("two", "countries", "nations"):
                    continue  # "our two countries" is a group anaphor
                actors.append(Actor(i, i + 1, history.speakers or [history.speaker],
                                    "poss" if low == "our" and slot == "bare" else slot,
                                    kind="speaker"))
                continue
            if low in self.pronouns and not any(a.start <= i < a.end for a in actors):
                slot = self._slot_before(doc, i, lo, actors)
                kind = "possessive_pronoun" if low in ("its", "their") else "pronoun"
                actors.append(Actor(i, i + 1, [], slot if kind == "pronoun" else "pronoun_poss", kind=kind))
        self._mark_observers(actors, lex_spans, lo, hi)
        actors.sort(key=lambda a: a.start)
        return actors, things

    def _mark_observers(self, actors: list[Actor], lex_spans: dict, lo: int, hi: int) -> None:
        # "The United States welcomes the ceasefire": a subject followed by a reaction verb only observes.
        observers = lex_spans.get("observer_starts", set())
        mediation = lex_spans.get("mediation_starts", set())
        prev: Actor | None = None
        for a in sorted(actors, key=lambda x: x.start):
            if a.slot == "bare" and any(j in observers for j in range(a.end, min(a.end + 3, hi))):
                a.slot = "observer"
            # "Egypt's role in mediating", "brokered by Qatar": a mediator is not a party; but in
            # "Hezbollah agreed to a ceasefire brokered by ..." the ceasefire stands between.
            ahead = next((j for j in range(a.end, min(a.end + 5, hi)) if j in mediation), None)
            if (ahead is not None and not any(a.end <= t < ahead for t in self._conflict_starts)) or (
                    a.slot == "by" and any(j in mediation for j in range(max(lo, a.start - 3), a.start))):
                a.slot = "mediator"
            elif prev is not None and prev.slot == "mediator" and a.kind == "name" and all(
                    self._toks[j].norm_ in ("and", ",", "the") for j in range(prev.end, a.start)):
                a.slot = "mediator"  # "brokered by the United States and France"
            prev = a

    def _is_modifier(self, doc: Doc, ent: SpacySpan, nxt, lex_spans: dict, later_ents: list[SpacySpan]) -> bool:
        """True when a country name modifies the next word ("Turkish drones", "Pakistani navy")."""
        if ent.end in lex_spans["institutions"]:
            return True
        if any(e.start == ent.end and e.label_ in ("ORG", "SYSTEM", "PROGRAM") for e in later_ents):
            return True
        word = ent.text.lower()
        # "Pakistan received", "Iran supplies": a verb after the name makes the name its subject.
        verb_like = nxt.norm_.endswith(("ed", "ing")) or nxt.i in self._trigger_starts
        return word.endswith(DEMONYM_ENDINGS) and nxt.is_alpha and nxt.is_lower and not nxt.is_stop and not verb_like

    # ----------------------------------------------------------------- document
    def extract(self, document: Document, doc: Doc) -> Extraction:
        registry: dict[str, Entity] = {}
        # One Token object per token (doc[i] builds a new one on every access), listed once by the
        # name finder in the pipeline.
        self._toks = doc.user_data.get("tokens") or list(doc)
        self._text = document.text  # the same string as doc.text, which rebuilds it on every access
        doc.user_data["text"] = document.text
        state = DocState(self.gaz)
        state.ents = list(doc.ents)  # doc.ents builds new Span objects on every access
        state.ent_starts = [e.start for e in state.ents]  # ents come sorted: a clause's are a slice
        self._ents = state.ents
        span = document.meta.get("dateline_span") if document.meta else None
        dateline_end = int(span[1]) if span else _dateline_end(doc)
        state.speaker = self._speaker(document, dateline_end, registry)
        state.host = self._embassy_host(document, state.speaker)
        state.speakers = self._joint_speakers(document.text, registry)
        state.skip_before = dateline_end
        if dateline_end:
            for ent in state.ents:
                if ent.end_char <= dateline_end and ent.label_ == "COUNTRY":
                    state.dateline_country = ent.id_
        text = document.text
        if dateline_end and not document.dateline:
            document.dateline = text[:dateline_end].rstrip(" :—–-").split(",")[0].split("(")[0].strip() or None
        self._amounts_cache: dict[int, tuple] = {}
        self._published = document.published
        self._dateline_end = dateline_end
        lex_spans = self._lex_spans(doc)
        trig_by_start = self._triggers(doc)
        trig_starts = [t.start for t in trig_by_start]
        self._trigger_starts = {t.start for t in trig_by_start}
        self._conflict_starts = {t.start for t in trig_by_start if t.rule.type in self.conflict_family}
        drafts: list[Draft] = []
        facts: list[Fact] = []
        for sent in doc.sents:
            if sent.end_char <= dateline_end or not text[sent.start_char : sent.end_char].strip():
                continue
            s_start, s_end = _trim(text, sent.start_char, sent.end_char)
            self._sent_end_char = sent.end_char
            self._sent = sent
            sent_drafts: list[Draft] = []
            earlier_things: list[tuple[int, int, str]] = []  # named in this sentence's earlier clauses
            attribution = find_attribution(sent)
            cut = attribution.token_start if attribution else sent.end
            listed = self._sale_list(doc, sent, (s_start, s_end), trig_by_start, registry, state)
            if listed:
                cut = min(cut, listed[0])  # the list's items are read there, not as clauses
                for draft in listed[1]:
                    state.drafts.append(draft)
                    sent_drafts.append(draft)
            # A sentence with no trigger yields no event: it is read whole, for the names that
            # later mentions ("both countries", "it") refer back to.
            sent_trigs = trig_by_start[bisect.bisect_left(trig_starts, sent.start) : bisect.bisect_left(trig_starts, sent.end)]
            clauses = self._clauses(sent) if sent_trigs or listed else [(sent.start, sent.end)]
            self._one_clause = len(clauses) == 1
            for lo, hi in clauses:
                hi = min(hi, cut)
                if hi <= lo:
                    continue
                actors, things = self._actors(doc, lo, hi, registry, lex_spans, state)
                self._resolve_pronouns(actors, state)
                found = [t for t in sent_trigs if lo <= t.start and t.end <= hi]
                triggers = self._collapse(self._drop_weak(found), actors, hi)
                weak = [t for t in found if t.rule.weak and t not in triggers]
                for _ in range(4):  # a trigger that yields no event gives its words back to the others
                    results = []
                    for ti, trig in enumerate(triggers):
                        nxt = triggers[ti + 1].start if ti + 1 < len(triggers) else hi
                        windows = [(t.end, triggers[tj + 1].start if tj + 1 < len(triggers) else hi)
                                   for tj, t in enumerate(triggers) if tj != ti]
                        mine = [a for a in actors if (trig.end <= a.start < nxt) or
                                (a.start < trig.start and not any(w0 <= a.start < w1 for w0, w1 in windows))]
                        my_things = [th for th in things if (trig.end <= th[0] < nxt) or
                                     (th[0] < trig.start and not any(w0 <= th[0] < w1 for w0, w1 in windows))]
                        if not my_things and trig.rule.type not in ("armed_clash", "ceasefire", "export_statistic"):
                            # A system named anywhere in the clause, else earlier in the sentence
                            # ("will deliver the first tanks, and the rest will be built in Poland").
                            my_things = things or earlier_things
                        draft = None
                        for rule in trig.rules:
                            draft = self._draft(doc, trig, rule, mine, my_things, (lo, hi), (s_start, s_end),
                                                registry, state, last=rule is trig.rules[-1])
                            if draft is not None:
                                break
                        results.append((trig, nxt, my_things, draft))
                    failed = [r[0] for r in results if r[3] is None]
                    if len(failed) == len(triggers) and weak:
                        # The stronger words said nothing ("provided $279.75 million in FMF to
                        # Lithuania" sells no weapon): the weak ones they silenced are read instead.
                        triggers, weak = self._collapse(self._drop_weak(weak), actors, hi), []
                        continue
                    if not failed or len(failed) == len(triggers):
                        break
                    triggers = [t for t in triggers if t not in failed]
                for trig, nxt, my_things, draft in results:
                    if draft is None:
                        continue
                    state.drafts.append(draft)
                    window = (trig.start, nxt) if len(triggers) > 1 else (lo, hi)
                    self._amounts(draft, doc, trig, (lo, hi), window, sent, *self._sentence_amounts(sent),
                                  my_things, document.published)
                    if attribution:
                        draft.attribution = attribution.record
                    self._past_is_done(draft, document.published)
                    sent_drafts.append(draft)
                    implied = self._implied_draft(doc, trig, draft, actors, nxt, (lo, hi), registry, state)
                    if implied is not None:
                        implied.time, implied.attribution = draft.time, draft.attribution
                        state.drafts.append(implied)
                        sent_drafts.append(implied)
                earlier_things.extend(things)
                subj = next((a for a in actors if a.slot == "bare" and a.entities), None)
                if subj is not None:
                    state.last_subject = subj.entities
                for a in actors:
                    if a.slot in ("observer", "mediator") or a.kind == "speaker":
                        continue  # "both sides" later means the parties, not the government commenting
                    for eid in a.entities:
                        state.note_country(registry.get(eid))
            self._fill_conflict_parties(sent_drafts, state, registry)
            state.prev_things = [t[2] for t in earlier_things]
            refusals = find_refusals(sent)
            if refusals:
                target = drafts[-1:] or sent_drafts[-1:]
                for d in target:
                    d.comments.extend(refusals)
            denials = find_denials(sent) if sent_drafts else []
            for d in sent_drafts:  # "Tehran denied supplying missiles to Moscow": the claim and its denial
                d.comments.extend(denials)
            hedge = next((text[self._toks[a].idx : self._toks[b - 1].idx + len(self._toks[b - 1])]
                          for a, b in lex_spans.get("hedges", []) if sent.start <= a < sent.end), None)
            if hedge:  # "is seen as", "reportedly": the claim is hedged, whoever makes it
                for d in sent_drafts:
                    d.attribution = replace(d.attribution, hedge=hedge) if d.attribution else Attribution(source="", hedge=hedge)
            drafts.extend(sent_drafts)
            facts.extend(self._facts(sent, registry, text))
        for d in drafts:  # countries reached through "both countries" or the speaker
            for _, eid in d.roles:
                self._ensure_entity(eid, registry)
        for ent in state.ents:  # every name found becomes an entity, actor or not
            if ent.start_char >= dateline_end and (ent.id_ not in registry or not any(
                    m.start == ent.start_char for m in registry[ent.id_].mentions)):
                self._entity_for(ent, registry)
        events = self._finish(drafts, registry, document)
        facts.extend(self._statistic_facts(drafts, events))
        used = {p.entity for e in events for p in e.participants}
        used.update(f.subject for f in facts)
        entities = [e for e in registry.values() if e.mentions or e.id in used]
        return Extraction(document=document, entities=entities, events=events, facts=facts)

    def status_rule(self, doc: Doc):
        """The status the cue rules give a trigger (character spans) of an event type, in `doc`."""

        def decide(trigger: tuple[int, int], sentence: tuple[int, int], event_type: str) -> str:
            span = doc.char_span(trigger[0], trigger[1], alignment_mode="expand")
            sent = doc.char_span(sentence[0], sentence[1], alignment_mode="expand")
            spec = self.onto.types[event_type]
            if span is None or sent is None:
                return spec.get("default_status", "proposed")
            return self.status.decide(doc, span.start, span.end, (sent.start, sent.end), spec)[0]

        return decide

    def _names_in(self, text: str) -> list[tuple[str, str]]:
        """(id, label) of the names in a short text such as a publisher; a corpus has few
        publishers, so each is read once."""
        found = self._names_cache.get(text)
        if found is None:
            if len(self._names_cache) > 10_000:
                self._names_cache.clear()
            found = self._names_cache[text] = [(e.id_, e.label_) for e in self.nlp(text).ents]
        return found

    def _speaker(self, document: Document, dateline_end: int, registry: dict[str, Entity]) -> str | None:
        """The country behind "we" and "our" in an official release: its publisher's, else its dateline's."""
        publisher = (document.meta or {}).get("publisher")
        candidates = [eid for eid, _label in self._names_in(str(publisher))] if publisher else []
        candidates.extend(e.id_ for e in self._ents if e.end_char <= dateline_end)
        for eid in candidates:
            entry = self.gaz.get(eid)
            if entry is not None and entry.type in ("country", "organization") and entry.category != "media":
                country = entry.country or (eid.split(":", 1)[1] if entry.type == "country" else None)
                if country and entry.category not in ("company",):
                    cid = f"country:{country}"
                    self._ensure_entity(cid, registry)
                    return cid
        return None

    def _joint_speakers(self, text: str, registry: dict[str, Entity]) -> list[str]:
        """The countries a joint statement speaks for ("As leaders of Australia, the United
        Kingdom, and the United States, ... we resolve"): "we" is all of them."""
        m = _JOINT_LEADERS.search(text[:600])
        if m is None:
            return []
        found = [e.id_ for e in self._ents if e.label_ == "COUNTRY" and m.start(1) <= e.start_char < m.end(1)]
        found = list(dict.fromkeys(found))
        for cid in found:
            self._ensure_entity(cid, registry)
        return found if len(found) >= 2 else []

    def _embassy_host(self, document: Document, speaker: str | None) -> str | None:
        """The country an embassy that published the report is in ("U.S. Embassy in Ethiopia",
        "U.S. Embassy Beirut"), when it is not the speaker's own."""
        publisher = str((document.meta or {}).get("publisher") or "")
        m = _EMBASSY.search(publisher)
        if m is None or speaker is None:
            return None
        for eid, label in self._names_in(m.group("place")):
            if label == "COUNTRY" and eid != speaker:
                return eid
        return None

    def _lex_spans(self, doc: Doc) -> dict:
        out: dict = {"institutions": {}, "government_of": {}, "group_anaphors_list": []}
        matches = filter_spans([SpacySpan(doc, s, e, label=m) for m, s, e in self.lex_matcher(doc)])
        for sp in matches:
            key = sp.label_
            if key == "institutions":
                out["institutions"][sp.start] = sp.end
            elif key == "government_of":
                out["government_of"][sp.end] = sp.start
            elif key == "mediation":
                out.setdefault("mediation_starts", set()).add(sp.start)
            elif key == "observer_verbs":
                out.setdefault("observer_starts", set()).add(sp.start)
            elif key == "group_anaphors":
                out["group_anaphors_list"].append((sp.start, sp.end))
            elif key == "hedges":
                out.setdefault("hedges", []).append((sp.start, sp.end))
        return out

    def _triggers(self, doc: Doc) -> list[Trigger]:
        spans = []
        excluded = []
        for match_id, s, e in [*self.trigger_matcher(doc), *self._gap_matches(doc)]:
            label = self.nlp.vocab.strings[match_id]
            if label == "EXCLUDE":
                excluded.append((s, e))
            else:
                spans.append(SpacySpan(doc, s, e, label=label))
        rules_at: dict[tuple[int, int], list[int]] = {}
        for sp in spans:
            rules_at.setdefault((sp.start, sp.end), []).append(int(sp.label_[1:]))
        out = []
        for sp in filter_spans(spans):
            if any(s <= sp.start < e for s, e in excluded):
                continue
            if self._toks[sp.start].ent_type_ in ("SYSTEM", "ORG", "PERSON"):
                continue  # "Fighting" in "F-16 Fighting Falcon" is a name, not a clash
            if sp.end - sp.start == 1 and self._in_title(sp.start):
                continue  # "Under Secretary of Defense for Acquisition": a job title, not a purchase
            rules = [self.onto.triggers[i] for i in sorted(set(rules_at[(sp.start, sp.end)]))]
            out.append(Trigger(rules, sp.start, sp.end))
        return out

    def _in_title(self, i: int) -> bool:
        """A capitalised word joined by "for"/"of"/"and" to a capitalised word before it, inside a
        sentence: part of a name or title ("Office of Sales", "Secretary for Acquisition")."""
        tok = self._toks[i]
        if not tok.is_title or tok.is_sent_start:
            return False
        j = i - 1
        while j > i - 4 and j >= 0 and self._toks[j].is_title and not self._toks[j].is_sent_start:
            j -= 1  # "Minister for Defense Procurement": the capitalised words before it belong too
        if j < 1:
            return False
        link, head = self._toks[j], self._toks[j - 1]
        if link.norm_ in ("for", "of", "and", "&") and head.is_title and not head.is_sent_start:
            return True
        # "the Egyptian Tank Plant outside of Cairo": capitalised after a capitalised word, in
        # prose (a headline in title case keeps its verbs: "Turkey To Assemble Drones").
        if j == i - 1 or not self._toks[i - 1].is_title:
            return False
        near = self._toks[max(0, i - 6) : i + 6]
        return any(t.is_lower and t.is_alpha and not t.is_stop for t in near)

    def _past_is_done(self, draft: Draft, published: str | None) -> None:
        """Clashes "in June 2020" reported in 2025 are over: a default of "under way" yields to a
        time that ended before the report; so is the signing of a cooperation agreement."""
        if draft.type == "defense_cooperation" and draft.status == "agreed" and draft.time is not None \
                and draft.time.end and published and draft.time.end[:4] < published[:4]:
            # "The Mutual Defense Treaty, signed in 1951": an agreement signed in an earlier
            # year is in force, the act of signing done.
            draft.status = "completed"
            return
        if draft.type not in self.conflict_family or draft.status_cue or draft.status != "in_progress":
            return
        if draft.time is None or not draft.time.end or not published:
            return
        sentence = self._text[draft.sentence[0] : draft.sentence[1]].lower()
        if draft.time.end[:7] < published[:7] and "since" not in sentence:
            draft.status = "completed"

    def _gap_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        if not self.gapped:
            return []
        ends: dict[str, list[tuple[int, int]]] = {}
        for match_id, s, e in self.gap_ends(doc):
            ends.setdefault(self.nlp.vocab.strings[match_id], []).append((s, e))
        out = []
        for rule_index, lk, rk in self.gapped:
            for ls, le in ends.get(lk, []):
                for rs, re_ in ends.get(rk, []):
                    if 0 <= rs - le <= MAX_GAP and not any(self._toks[j].is_punct for j in range(le, rs)):
                        out.append((self.nlp.vocab.strings.add(f"T{rule_index}"), ls, re_))
        return out

    def _collapse(self, triggers: list[Trigger], actors: list[Actor], hi: int) -> list[Trigger]:
        """A second trigger of the same type with no actor of its own speaks of the first one's event
        ("Poland purchased ... under the Foreign Military Sales program")."""
        out: list[Trigger] = []
        for k, t in enumerate(triggers):
            end = triggers[k + 1].start if k + 1 < len(triggers) else hi
            own = any(t.end <= a.start < end for a in actors)
            same = next((o for o in out if {r.type for r in o.rules} & {r.type for r in t.rules}), None)
            if same is None or own:
                out.append(t)
                continue
            for r in t.rules:
                if r.implied and r not in same.rules:
                    same.rules = [_with_implied(x, r.implied) if x.type == r.type else x for x in same.rules]
        return out

    def _drop_weak(self, triggers: list[Trigger]) -> list[Trigger]:
        strong_types = {t.rule.type for t in triggers if not t.rule.weak}
        if strong_types:
            triggers = [t for t in triggers if not t.rule.weak]
        # "a possible sale to support the upgrade of 35 F-16s": the upgrade is what is sold.
        absorbs = self.onto.lexicon.get("absorbs", {})
        out = []
        for t in triggers:
            if any(o.start < t.start and t.rule.type in absorbs.get(o.rule.type, ()) for o in triggers):
                continue
            out.append(t)
        return out

    def _sale_list(self, doc: Doc, sent: SpacySpan, sentence: tuple[int, int], triggers: list[Trigger],
                   registry: dict[str, Entity], state: DocState) -> tuple[int, list[Draft]] | None:
        """A list of deals after a colon: "Major implemented cases include: Japan – F-35 ($23.11B);
        Morocco – AH-64E helicopters ($4.25B)" or "prior sales include: MH-60R helicopters ($2.6
        billion), Apache helicopters ($2.3 billion)". An item that starts with a country is that
        country's deal; items without one are one deal with the country the document speaks of."""
        toks = self._toks
        if ":" not in self._text[sent.start_char : sent.end_char]:
            return None
        colon = next((i for i in range(sent.start, sent.end) if toks[i].text == ":"), None)
        if colon is None or colon + 2 >= sent.end:
            return None
        head_trigs = [t for t in triggers if sent.start <= t.start and t.end <= colon and t.rule.type == "arms_sale"]
        anchor = head_trigs[-1].start if head_trigs else next(
            (i for i in range(colon - 1, sent.start - 1, -1) if toks[i].norm_ in self.sale_list_heads), None)
        if anchor is None:
            return None
        ents = [e for e in self._ents if colon < e.start and e.end <= sent.end]
        if not any(e.label_ in THING_LABELS for e in ents):
            return None
        seps = {";"} if any(toks[i].text == ";" for i in range(colon + 1, sent.end)) else {",", "and"}
        items, start = [], colon + 1
        for i in range(colon + 1, sent.end + 1):
            if i == sent.end or toks[i].norm_ in seps:
                if i > start:
                    items.append((start, i))
                start = i + 1
        spec = self.onto.types["arms_sale"]
        status, cue = self.status.decide(doc, anchor, anchor + 1, (sent.start, colon), spec)
        money_all = self._sentence_amounts(sent)[0]
        own: list[tuple[str, list[str], tuple[int, int]]] = []
        shared: list[str] = []
        for lo, hi in items:
            things = []
            for e in ents:
                if lo <= e.start and e.end <= hi and e.label_ in THING_LABELS:
                    tid = self._entity_for(e, registry)
                    entry = self.gaz.get(tid)
                    if (entry is None or entry.category not in self.non_weapon) and tid not in things:
                        things.append(tid)
            if not things:
                continue
            first = next((e for e in ents if lo <= e.start < hi), None)
            if first is not None and first.label_ == "COUNTRY" and first.start <= lo + 1 \
                    and first.end < hi and toks[first.end].text in self.item_dashes:
                own.append((self._entity_for(first, registry), things, (lo, hi)))
            else:
                shared.extend(t for t in things if t not in shared)
        drafts = []
        trigger_text = toks[anchor].text
        for buyer, things, (lo, hi) in own:
            d = Draft(type="arms_sale", status=status, status_cue=cue, roles=[("buyer", buyer)], things=things,
                      sentence=sentence, trigger_text=trigger_text, token=anchor, item=toks[lo].idx)
            c0, c1 = toks[lo].idx, toks[hi - 1].idx + len(toks[hi - 1])
            money = [m for m in money_all if c0 <= m.start < c1]
            if money:
                d.value, d.value_span = money[0].value, Span(money[0].start, money[0].end, money[0].text)
            drafts.append(d)
        if shared:
            # No buyer in the list: the country the text spoke of last, other than the seller.
            makers = {self.gaz.get(t).country for t in shared if self.gaz.get(t) is not None}
            seller = state.speaker.split(":", 1)[1] if state.speaker else None
            buyer = next((c for c in reversed(state.countries) if c.split(":", 1)[1] not in makers
                          and c.split(":", 1)[1] != seller), None)
            if buyer is not None:
                drafts.append(Draft(type="arms_sale", status=status, status_cue=cue, roles=[("buyer", buyer)],
                                    things=shared, sentence=sentence, trigger_text=trigger_text, token=anchor,
                                    filled=True))
        head_end = toks[colon].idx
        times = [t for t in self._sentence_amounts(sent)[3] if t[0] < head_end]
        for d in drafts:
            self._ensure_entity(d.roles[0][1], registry)
            self._origin_fill(d, registry, spec, state.speaker)
            if times:
                d.time = resolve_time(times[-1][2], times[-1][3], self._published)
        drafts = [d for d in drafts if self._actor_count(d) >= spec["min_actors"]]
        return (colon, drafts) if drafts else None

    def _resolve_pronouns(self, actors: list[Actor], state: DocState) -> None:
        subject = next((a for a in actors if a.kind == "name" and a.slot == "bare"), None)
        for a in actors:
            if a.kind == "pronoun":
                a.entities = list(subject.entities if subject and subject.start < a.start else state.last_subject)
            elif a.kind == "possessive_pronoun":
                # "its program": the owner is the clause's subject, already a participant.
                a.entities = list(subject.entities if subject else state.last_subject)

    def _passive(self, doc: Doc, trig: Trigger) -> bool:
        word = self._toks[trig.start].norm_
        if not (word.endswith("ed") or word in IRREGULAR_PARTICIPLES):
            return False
        j = trig.start - 1
        while j >= 0 and self._toks[j].norm_.endswith("ly"):
            j -= 1
        return j >= 0 and self._toks[j].norm_ in BE_FORMS

    def _draft(self, doc: Doc, trig: Trigger, rule: TriggerRule, actors: list[Actor], things, clause, sentence,
               registry: dict[str, Entity], state: DocState, last: bool = True) -> Draft | None:
        spec = self.onto.types[rule.type]
        passive = self._passive(doc, trig)
        roles: list[tuple[str, str]] = []
        family = set(self.onto.lexicon.get("conflict_family", []))
        role_map = rule.roles
        if rule.country_subject_roles:
            subject = next((a for a in actors if a.slot == "bare" and a.start < trig.start and a.entities), None)
            if subject is not None and subject.entities[0].startswith("country:") and not passive:
                role_map = rule.country_subject_roles
        for a in actors:
            slot = a.slot
            if a.kind == "speaker" and rule.type in family:
                continue  # a government's statement on a conflict speaks of others' fighting
            if slot == "bare":
                slot = ("subj_pass" if passive else "subj") if a.start < trig.start else "obj"
            elif slot == "pronoun_poss":
                slot = "subj"  # the owner named by "its" is the subject
            role = spec.get("origin_role") if slot == "origin" else role_map.get(slot)
            if role is None:
                continue
            for eid in a.entities:
                if eid and (role, eid) not in roles:
                    roles.append((role, eid))
        if spec.get("max_actors"):
            # A statistic has one subject: the actor nearest the trigger ("Turkiye's defense exports").
            ranked = sorted(actors, key=lambda a: abs(a.end - trig.start))
            keep = {e for a in ranked[: spec["max_actors"]] for e in a.entities}
            roles = [(r, e) for r, e in roles if e in keep]
        if rule.type in family and len(roles) > 2:
            # "From 2014, when Russia first invaded Ukraine, through March 2022, the United States
            # has committed ...": two sides named between the trigger's commas are the sides.
            lo, hi = clause
            left = next((j for j in range(trig.start - 1, lo - 1, -1) if self._toks[j].text == ","), lo - 1)
            right = next((j for j in range(trig.end, hi) if self._toks[j].text == ","), hi)
            near = {e for a in actors if left < a.start < right for e in a.entities}
            if len({e for _, e in roles if e in near}) >= 2:
                roles = [(r, e) for r, e in roles if e in near]
        # One entity, one role: keep the first role found for it.
        seen: set[str] = set()
        roles = [(r, e) for r, e in roles if not (e in seen or seen.add(e))]
        thing_ids = list(dict.fromkeys(t[2] for t in things))
        if not thing_ids and rule.type == "arms_sale" and "system" not in rule.needs and state.prev_things \
                and self._is_anaphoric(doc, trig, clause, actors):
            # "Raytheon is awarded a contract for SM-6 production. This contract involves Foreign
            # Military Sales to Australia.": the contract's systems are the previous sentence's
            # (only for a sale that stands without them: no event is made of borrowed systems).
            thing_ids = list(dict.fromkeys(state.prev_things))
        if rule.type == "defense_cooperation":
            # Aid named by its channel ("$279.75 million in FMF to Lithuania"): the channel is the
            # program the event is about, though it is no weapon.
            for e in self._ents:
                if e.label_ == "PROGRAM" and e.start < trig.end and e.end > trig.start:
                    tid = self._entity_for(e, registry)
                    if tid not in thing_ids:
                        thing_ids.append(tid)
        if not self._needs_met(rule, thing_ids, roles, clause, doc, registry, state.program_like):
            return None
        if rule.default_status:
            spec = {**spec, "default_status": rule.default_status}
        status, cue = self.status.decide(doc, trig.start, trig.end, clause, spec)
        draft = Draft(type=rule.type, status=status, status_cue=cue, roles=roles, things=thing_ids,
                      sentence=sentence, trigger_text=doc[trig.start : trig.end].text, token=trig.start, rule=rule)
        lo, hi = clause
        draft.additional = any(
            self._toks[j].norm_ in TRANCHE_WORDS or (self._toks[j].norm_ == "more" and (
                j + 1 >= hi or self._toks[j + 1].norm_ not in ("than", "and", "closely")))
            for j in range(trig.start, hi))
        if rule.speaker_default and state.speaker and not any(r == rule.speaker_default for r, _ in draft.roles):
            draft.roles.append((rule.speaker_default, state.speaker))  # "arms exports rose" in a State release
        for role, eid in rule.implied.items():
            if not any(r == role for r, _ in draft.roles):
                self._ensure_entity(eid, registry)
                draft.roles.append((role, eid))
        if self._actor_count(draft) < spec["min_actors"] and self._is_anaphoric(doc, trig, clause, actors):
            self._borrow(draft, state)
        if state.host and rule.type == "arms_sale" and draft.things and not any(r == "buyer" for r, _ in draft.roles) \
                and all(self._country_of(e, registry) in (None, state.speaker.split(":", 1)[1]) for _, e in draft.roles):
            # "the delivery of this C-130 aircraft", in remarks of the U.S. Embassy in Ethiopia:
            # what an embassy's government delivers with no receiver named goes to its host.
            self._ensure_entity(state.host, registry)
            draft.roles.append(("buyer", state.host))
        self._origin_fill(draft, registry, spec, state.speaker)
        self._origin_roles(draft, registry, spec)
        family = set(self.onto.lexicon.get("conflict_family", []))
        if not last and rule.type not in family and self._actor_count(draft) < spec["min_actors"]:
            return None  # let the next reading of these words try
        return draft

    def _implied_draft(self, doc: Doc, trig: Trigger, draft: Draft, actors: list[Actor], nxt: int, clause,
                       registry: dict[str, Entity], state: DocState) -> Draft | None:
        """The event a trigger also tells of ("end the fighting in Sudan between the SAF and the RSF":
        fighting under way), with the actors named after the words, not those calling for them."""
        rule = draft.rule
        if rule is None or not rule.implies:
            return None
        other = next((r for r in self.onto.triggers if r.type == rule.implies and not r.implies), None)
        if other is None:
            return None
        after = [a for a in actors if trig.end <= a.start < nxt and a.entities]
        if not after:
            return None  # "end the hostilities" alone says nothing new of who fights where
        implied = self._draft(doc, Trigger([other], trig.start, trig.end), other, after, [], clause,
                              draft.sentence, registry, state)
        if implied is None:
            return None
        implied.status, implied.status_cue = "in_progress", False
        return implied

    def _needs_met(self, rule: TriggerRule, thing_ids, roles, clause, doc, registry, program_like=()) -> bool:
        types = {self.gaz.get(t).type if self.gaz.get(t) else "weapon_system" for t in thing_ids}
        if any(t in program_like for t in thing_ids):
            types.add("program")
        for need in rule.needs:
            if need == "system" and "weapon_system" not in types and "program" not in types:
                return False
            if need == "program" and "program" not in types:
                return False
            if need == "system_or_program" and not types:
                return False
            if need == "money_or_percent":
                lo = clause[0]
                # The amount may follow in a relative clause: look to the end of the sentence.
                start = self._toks[lo].idx
                money, percent, _counts, _times = self._sentence_amounts(self._sent)
                if not any(m.start >= start for m in (*money, *percent)):
                    return False
            if need == "statistic":
                lo, _hi = clause
                rest = " " + self._text[self._toks[lo].idx : self._sent_end_char].lower() + " "
                if not any(f" {v} " in rest for v in self.statistic_verbs):
                    return False
            if need == "aggregate_recipients":
                # "delivered more than $1 billion in assets to partner nations": many, unnamed.
                lo, hi = clause
                words = [self._toks[j].norm_ for j in range(lo, hi)]
                rest = " " + " ".join(words) + " "
                # "to both countries", "our two nations" are two known ones, not many.
                many = any(m.group(1) not in ("both", "two", "these", "those", "our", "their")
                           for m in self.aggregate_re.finditer(rest))
                if not many or any(r in ("buyer", "recipient") for r, _ in roles):
                    return False
            if need == "foreign":
                countries = {self._country_of(e, registry) for _, e in roles} - {None}
                # "Poland signed a contract for Patriot": a system made abroad is an import.
                makers = {self.gaz.get(t).country for t in thing_ids
                          if not t.startswith("category:") and self.gaz.get(t) is not None} - {None}
                if len(countries) < 2 and not (countries and makers - countries):
                    return False
        return True

    def _is_anaphoric(self, doc: Doc, trig: Trigger, clause, actors: list[Actor]) -> bool:
        """The trigger or the clause's subject refers back: "the facility", "this sale", "it"."""
        lo, hi = clause
        if any(a.kind in ("pronoun", "group") for a in actors):
            return True
        for j in range(max(lo, trig.start - 4), trig.start):
            # "this sale", "the deal": but not "learned that Turkey accepted", where a name stands between.
            if self._toks[j].norm_ in self.determiners and not any(j < a.start < trig.start for a in actors):
                return True
        first = lo
        while first < hi and (self._toks[first].is_punct or self._toks[first].norm_ in ("moreover", "additionally", "meanwhile")):
            first += 1
        if first < hi and self._toks[first].norm_ in self.determiners:
            for j in range(first + 1, min(first + 5, hi)):
                if self._toks[j].norm_ in self.event_anaphors or self._toks[j].norm_.rstrip("s") in self.event_anaphors:
                    return True
        return False

    def _borrow(self, draft: Draft, state: DocState) -> None:
        for prev in reversed(state.drafts):
            if prev.type == draft.type and prev is not draft:
                have = {e for _, e in draft.roles}
                for role, eid in prev.roles:
                    if eid not in have and not any(r == role for r, _ in draft.roles) or (
                        eid not in have and role in ("partner", "party")
                    ):
                        draft.roles.append((role, eid))
                        have.add(eid)
                if not draft.things:
                    draft.things = list(prev.things)
                draft.filled = True
                return

    def _origin_fill(self, draft: Draft, registry: dict[str, Entity], spec: dict, speaker: str | None) -> None:
        """A sale with no seller named: the country that makes the system sells it; failing that, in
        an official release, the government that issued it ("delivered two patrol boats to Tunisia")."""
        role = spec.get("origin_role")
        if not role or any(r == role for r, _ in draft.roles) or not draft.roles:
            return
        have = {self._country_of(e, registry) for _, e in draft.roles}
        for tid in draft.things:
            entry = self.gaz.get(tid)
            if entry is not None and entry.country and entry.country not in have and not tid.startswith("category:"):
                cid = f"country:{entry.country}"
                self._ensure_entity(cid, registry)
                draft.roles.append((role, cid))
                return
        if speaker and draft.things and speaker.split(":", 1)[1] not in have and draft.type == "arms_sale":
            self._ensure_entity(speaker, registry)
            draft.roles.append((role, speaker))

    def _origin_roles(self, draft: Draft, registry: dict[str, Entity], spec: dict) -> None:
        """"Turkey and Indonesia signed a deal for 48 KAAN": when every actor holds the same role, the
        country that makes the system is the seller (provider) and the others the buyers."""
        role = spec.get("origin_role")
        roles = {r for r, _ in draft.roles}
        if not role or len(roles) != 1 or len(draft.roles) < 2 or draft.type != "arms_sale":
            return
        origins = {self.gaz.get(t).country for t in draft.things
                   if self.gaz.get(t) is not None and not t.startswith("category:")} - {None}
        if len(origins) != 1:
            return
        (origin,) = origins
        countries = [self._country_of(e, registry) for _, e in draft.roles]
        if origin not in countries or all(c == origin for c in countries):
            return
        other = next(r for r in spec["roles"] if r != role)
        draft.roles = [(role if c == origin else other, e) for (_, e), c in zip(draft.roles, countries)]

    def _ensure_entity(self, eid: str, registry: dict[str, Entity]) -> None:
        if eid in registry:
            return
        entry = self.gaz.get(eid)
        if entry is None:
            registry[eid] = Entity(id=eid, type="country", name=eid.split(":", 1)[-1],
                                   country=eid.split(":", 1)[-1] if eid.startswith("country:") else None)
            return
        registry[eid] = _entity_from_entry(entry)

    def _country_of(self, eid: str, registry: dict[str, Entity]) -> str | None:
        ent = registry.get(eid)
        if ent is not None:
            return ent.country
        if eid.startswith("country:"):
            return eid.split(":", 1)[1]
        entry = self.gaz.get(eid)
        return entry.country if entry else None

    @staticmethod
    def _actor_count(draft: Draft) -> int:
        return len({e for _, e in draft.roles})

    def _fill_conflict_parties(self, drafts: list[Draft], state: DocState, registry) -> None:
        """Clashes and ceasefires named with one side: take the other from a linked event or the dateline."""
        family = set(self.onto.lexicon.get("conflict_family", []))
        fam = [d for d in drafts if d.type in family]
        for i, d in enumerate(fam):
            parties = [e for r, e in d.roles if r == "party"]
            if len(parties) >= 2 or (not parties and any(r == "location" for r, _ in d.roles)):
                continue  # two sides named, or fighting "in Sudan" with no side named
            linked = fam[i - 1] if i > 0 else (fam[i + 1] if i + 1 < len(fam) else None)
            if not parties and linked is not None:
                for _, e in linked.roles:
                    if e not in parties:
                        d.roles.append(("party", e))
                        parties.append(e)
            if len(parties) == 1:
                home = state.dateline_country
                if home and home != parties[0]:
                    self._ensure_entity(home, registry)
                    d.roles.append(("party", home))
        # A conflict event with one party still has its other side unknown: it is dropped in _finish.

    def _sentence_amounts(self, sent: SpacySpan) -> tuple:
        """Money, percentages, counts and times of one sentence, found once and only for sentences
        where an event is drafted. Nothing in the dateline ("ANKARA, March 3 (Reuters) -") counts."""
        cached = self._amounts_cache.get(sent.start_char)
        if cached is None:
            s0, s1 = sent.start_char, sent.end_char
            chunk, keep = self._text[s0:s1], self._dateline_end
            cached = (
                [m for m in find_money(chunk, s0) if m.start >= keep],
                [m for m in find_percent(chunk, s0) if m.start >= keep],
                [m for m in find_counts(chunk, s0) if m.start >= keep],
                [t for t in find_times(chunk, s0) if t[0] >= keep],
            )
            self._amounts_cache[sent.start_char] = cached
        return cached

    def _amounts(self, draft: Draft, doc: Doc, trig: Trigger, clause, window, sent, money_all, percent_all,
                 counts_all, times_all, things, published) -> None:
        lo, hi = clause
        w0, w1 = self._toks[window[0]].idx, self._toks[window[1] - 1].idx + len(self._toks[window[1] - 1])
        c0, c1 = self._toks[lo].idx, self._toks[hi - 1].idx + len(self._toks[hi - 1])
        s0, s1 = sent.start_char, sent.end_char
        t0 = self._toks[trig.start].idx
        after_only = self.onto.types[draft.type].get("status_from") == "after"
        money = [m for m in money_all if c0 <= m.start < c1] or (
            [m for m in money_all if t0 <= m.start < s1] if after_only else [])
        if after_only:
            money = [m for m in money if m.start >= t0] or money
        if money:
            draft.value = money[0].value
            draft.value_span = Span(money[0].start, money[0].end, money[0].text)
        if after_only:
            pct = [p for p in percent_all if t0 <= p.start < s1]
            if pct:
                draft.growth = (pct[0].value, Span(pct[0].start, pct[0].end, pct[0].text))
        # A count right before a system: "12 F-16s", "dozens of Pakistan's F-16s", "three (3) E-2D".
        for tstart, _tend, _tid in things:
            sys_char = self._toks[tstart].idx
            for q in counts_all:
                if c0 <= q.start and q.end <= sys_char and sys_char - q.end <= 24:
                    between = self._text[q.end : sys_char]
                    if not any(ch in between for ch in ",;.") or between.strip() == "":
                        draft.quantity = q.value
            if draft.quantity:
                break
        if window != clause:
            times = [t for t in times_all if w0 <= t[0] < w1]
        else:
            times = [t for t in times_all if c0 <= t[0] < c1]
            if not times and self._one_clause:
                # "In March, the ministry said Egypt signed ...": the sentence's time, unless it
                # belongs to another clause ("signed a framework last year, and X is expected to").
                times = [t for t in times_all if s0 <= t[0] < s1]
        if times:
            # The time nearest the trigger.
            best = min(times, key=lambda t: abs(t[0] - t0))
            draft.time = resolve_time(best[2], best[3], published)

    def _facts(self, sent: SpacySpan, registry: dict[str, Entity], text: str) -> list[Fact]:
        out = []
        sent_text = text[sent.start_char : sent.end_char]
        if not _DIGIT.search(sent_text):
            return []
        systems = [e for e in self._ents if e.label_ == "SYSTEM" and sent.start_char <= e.start_char < sent.end_char]
        for attribute, regex, unit in self.onto.fact_patterns:
            for m in regex.finditer(sent_text):
                start = sent.start_char + m.start()
                before = [e for e in systems if e.end_char <= start]
                specific = [e for e in before if not e.id_.startswith("category:")] or before
                if not specific:
                    continue
                subject = specific[-1]
                sid = self._entity_for(subject, registry)
                value = float(m.group("num").replace(",", ""))
                out.append(Fact(subject=sid, attribute=attribute, value=value, unit=unit,
                                evidence=Span(start, sent.start_char + m.end(), text[start : sent.start_char + m.end()])))
        return out

    def _statistic_facts(self, drafts: list[Draft], events: list[Event]) -> list[Fact]:
        """An export statistic is also a fact about its exporter: the total and its change."""
        kept = {sp.start for ev in events if ev.type == "export_statistic" for sp in ev.evidence}
        out = []
        for d in drafts:
            if d.type != "export_statistic" or d.sentence[0] not in kept:
                continue
            exporter = next((e for r, e in d.roles if r == "exporter"), None)
            if exporter is None:
                continue
            if d.value is not None and d.value_span is not None:
                out.append(Fact(subject=exporter, attribute="defense_exports", value=d.value.amount,
                                unit=d.value.currency, evidence=d.value_span))
            if d.growth is not None:
                out.append(Fact(subject=exporter, attribute="defense_exports_change", value=d.growth[0],
                                unit="%", evidence=d.growth[1]))
        return out

    # ----------------------------------------------------------------- finish
    def _sides_of_places(self, drafts: list[Draft], registry: dict[str, Entity]) -> None:
        """"The humanitarian ceasefire announced in Gaza": a clash or ceasefire known only by its
        place takes the two sides the report names elsewhere for fighting in that place."""
        sided = [d for d in drafts if d.type in self.conflict_family
                 and len({e for r, e in d.roles if r == "party"}) >= 2]
        for d in drafts:
            if d.type not in self.conflict_family or any(r == "party" for r, _ in d.roles):
                continue
            places = {self._country_of(e, registry) for r, e in d.roles if r == "location"} - {None}
            for other in sided:
                parties = [e for r, e in other.roles if r == "party"]
                if places & {self._country_of(e, registry) for e in parties}:
                    d.roles.extend(("party", e) for e in parties)
                    d.filled = True
                    break

    def _finish(self, drafts: list[Draft], registry: dict[str, Entity], document: Document) -> list[Event]:
        events: list[Event] = []
        keyed: list[tuple[tuple, set[str], Event, list[bool]]] = []
        self._sides_of_places(drafts, registry)
        for d in drafts:
            spec = self.onto.types[d.type]
            actors = list(dict.fromkeys(e for _, e in d.roles))
            located = d.type in self.conflict_family and any(r == "location" for r, _ in d.roles)
            if len(actors) < (1 if located else spec["min_actors"]):
                continue
            if spec.get("max_actors") and len(actors) > spec["max_actors"]:
                d.roles = d.roles[: spec["max_actors"]]
            countries = frozenset(c for c in (self._country_of(e, registry) for _, e in d.roles) if c)
            if len(countries) < spec.get("min_countries", 1):
                continue
            if d.type in self.conflict_family and len(countries) < 2 and \
                    len([e for e in actors if not e.startswith("country:")]) < 2 and not located:
                continue  # fighting inside one country: its two sides, or the country as the place
            key = (d.type, countries)
            for k, things, ev, cued in keyed:
                if k == key and self._compatible(things, set(d.things)) and _same_period(ev.time, d.time) \
                        and not (d.additional and d.status_cue and d.status != ev.status):
                    self._merge(ev, d, document)
                    things.update(d.things)
                    # A status the wording decided outranks one that was only the type's default.
                    if d.status_cue and not cued[0]:
                        ev.status, cued[0] = d.status, True
                    break
            else:
                ev = self._to_event(d, document)
                events.append(ev)
                # A status the trigger word itself gives ("arrival of": done) counts as decided.
                keyed.append((key, set(d.things), ev, [d.status_cue or bool(d.rule and d.rule.default_status)]))
        return events

    def _family(self, thing_id: str) -> str | None:
        entry = self.gaz.get(thing_id)
        if entry is None or not entry.category:
            return None
        return self.family_of.get(entry.category, entry.category)

    def _compatible(self, a: set[str], b: set[str]) -> bool:
        """Two mentions may be one event when they name the same systems, or one names none, or one
        names only kinds of weapon ("combat drones") that the other's systems belong to."""
        if not a or not b or a & b:
            return True
        generic_a = all(x.startswith("category:") for x in a)
        generic_b = all(x.startswith("category:") for x in b)
        if not (generic_a or generic_b):
            return False
        if all(x.startswith("program:") for x in (b if generic_a else a)):
            return True  # "nuclear-powered submarines" and the AUKUS submarine program: a kind and its program
        fam_a = {self._family(x) for x in a} - {None}
        fam_b = {self._family(x) for x in b} - {None}
        return not fam_a or not fam_b or bool(fam_a & fam_b)

    def _to_event(self, d: Draft, document: Document) -> Event:
        parts = [Participant(role=r, entity=e) for r, e in d.roles]
        for t in d.things:
            role = "program" if t.startswith("program:") else "system"
            parts.append(Participant(role=role, entity=t))
        s0, s1 = d.sentence
        evidence = [Span(s0, s1, document.text[s0:s1])]
        eid = "event:" + content_hash(document.id, d.type, ",".join(sorted(e for _, e in d.roles)),
                                      str(s0) if d.item is None else f"{s0}:{d.item}")
        confidence = 0.45 + 0.1 * min(len(d.roles), 2) + (0.1 if d.things else 0) + (0.1 if d.status_cue else 0)
        confidence -= 0.1 if d.filled else 0
        return Event(id=eid, type=d.type, status=d.status, participants=parts, evidence=evidence,
                     time=d.time, quantity=d.quantity, value=d.value, attribution=d.attribution,
                     comments=list(d.comments), confidence=round(min(confidence, 0.95), 2), trigger=d.trigger_text)

    def _merge(self, ev: Event, d: Draft, document: Document) -> None:
        have = {(p.role, p.entity) for p in ev.participants}
        ents = {p.entity for p in ev.participants}
        for r, e in d.roles:
            if e not in ents:
                ev.participants.append(Participant(role=r, entity=e))
                ents.add(e)
        for t in d.things:
            role = "program" if t.startswith("program:") else "system"
            if (role, t) not in have:
                ev.participants.append(Participant(role=role, entity=t))
        s0, s1 = d.sentence
        if all(sp.start != s0 for sp in ev.evidence):
            ev.evidence.append(Span(s0, s1, document.text[s0:s1]))
        ev.time = ev.time or d.time
        ev.quantity = ev.quantity or d.quantity
        ev.value = ev.value or d.value
        ev.attribution = ev.attribution or d.attribution
        ev.comments.extend(d.comments)
        ev.confidence = round(min(0.95, ev.confidence + 0.05), 2)


def _with_implied(rule: TriggerRule, implied: dict[str, str]) -> TriggerRule:
    from dataclasses import replace

    return replace(rule, implied={**implied, **rule.implied})




def _entity_from_entry(entry) -> Entity:
    """An output entity for a gazetteer entry; a country is its own country."""
    country = entry.country or (entry.id.split(":", 1)[1] if entry.type == "country" else None)
    return Entity(id=entry.id, type=entry.type, name=entry.name, country=country, category=entry.category,
                  aliases=entry.aliases[:20], wikidata=entry.wikidata)


def _same_period(a: TimeExpr | None, b: TimeExpr | None) -> bool:
    """Mentions dated years apart ("the 1951 treaty", "the 1998 agreement") are different events."""
    if a is None or b is None or not a.start or not b.start:
        return True
    return abs(int(a.start[:4]) - int(b.start[:4])) <= 1


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end


def _dateline_end(doc: Doc) -> int:
    """Char offset just after a dateline such as "ISLAMABAD:" or "WASHINGTON —", else 0."""
    for i, tok in enumerate(doc[:8]):
        if tok.text in (":", "—", "–", "-", "--") and i > 0:
            words = [t for t in doc[:i] if not t.is_punct and not t.is_space]
            alpha = [t for t in words if t.is_alpha]
            upper = all(t.text.isupper() or t.text[:1].isdigit() or t.text.startswith("(") for t in alpha)
            # "Cairo –The United States delivered": a place in title case before a dash is a dateline too.
            place = tok.text != ":" and len(alpha) <= 3 and all(t.text[:1].isupper() for t in alpha) \
                and any(t.ent_type_ == "COUNTRY" for t in words)
            if alpha and (upper or place):
                return tok.idx + len(tok)
            return 0
        if tok.is_sent_end:
            return 0
    return 0


class DocState:
    """What the extractor remembers while reading a document: recent actors, events, dateline."""

    def __init__(self, gazetteer: Gazetteer):
        self.gaz = gazetteer
        self.countries: list[str] = []  # country entity ids in mention order
        self.last_subject: list[str] = []
        self.drafts: list[Draft] = []
        self.dateline_country: str | None = None
        self.speaker: str | None = None  # the country behind "we" in an official release
        self.host: str | None = None  # the country of the embassy that published it
        self.speakers: list[str] = []  # a joint statement's countries: who "we" are
        self.prev_things: list[str] = []  # systems and programs named in the previous sentence
        self.program_like: set[str] = set()  # systems written as programs ("the F-35 program")
        self.last_program: str | None = None  # what "the program" refers to
        self.ents: list = []
        self.ent_starts: list[int] = []
        self.skip_before = 0

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
