"""Actors stage: who is named in a clause (countries, organizations, "both countries", "it", "we"), in which slot, and which systems."""

from __future__ import annotations

import bisect

from spacy.tokens import Span as SpacySpan

from armsgraph.extract.context import Actor, DocContext, Reading
from armsgraph.extract.ontology import Ontology
from armsgraph.nlp.gazetteer import Gazetteer

ACTOR_LABELS = {"COUNTRY", "ORG"}
THING_LABELS = {"SYSTEM", "PROGRAM"}


class Actors:
    """Reads one clause: matches its names (the gazetteer's and the cue phrases the candidates stage
    found), then sets each actor's slot (the preposition before it, possessive, adjective, origin,
    observer, mediator) and resolves "both countries", "it" and "we" against the context."""

    def __init__(self, gazetteer: Gazetteer, ontology: Ontology):
        self.gaz = gazetteer
        self.lex = ontology.lexicon
        self.words = ontology.words

    def __call__(self, ctx: DocContext, clause: tuple[int, int]) -> Reading:
        actors, things = self._actors(ctx, *clause)
        self._resolve_pronouns(ctx, actors)
        return Reading(actors, things)

    def _slot_before(self, ctx: DocContext, start: int, lo: int, actors: list[Actor]) -> str:
        """The slot given by the words before token `start`: a preposition, a coordinated name's, or bare."""
        toks, words = ctx.toks, self.words
        i = start - 1
        while i >= lo and toks[i].norm_ in words.skipped_before_name:
            i -= 1
        if i >= lo and toks[i].norm_ in words.prepositions:
            return toks[i].norm_
        if i >= lo and toks[i].norm_ in words.preposition_aliases:
            return words.preposition_aliases[toks[i].norm_]
        if i >= lo and toks[i].norm_ in words.coordinators and actors:
            prev = actors[-1]
            if prev.end >= i - 1 and prev.end <= i + 1:
                return prev.slot
        return "bare"

    def _actors(
        self, ctx: DocContext, lo: int, hi: int
    ) -> tuple[list[Actor], list[tuple[int, int, str]]]:
        """Actors and things (systems/programs) mentioned in tokens [lo, hi)."""
        actors: list[Actor] = []
        things: list[tuple[int, int, str]] = []
        first = bisect.bisect_left(ctx.ent_starts, lo)
        ents = [e for e in ctx.ents[first : bisect.bisect_left(ctx.ent_starts, hi)] if e.end <= hi]
        consumed: set[int] = set()
        for k, ent in enumerate(ents):
            if ent.start in consumed or ent.start_char < ctx.dateline_end:
                continue
            if ent.label_ in THING_LABELS:
                thing = self._thing(ctx, ent)
                if thing is not None:
                    things.append(thing)
                continue
            if ent.label_ not in ACTOR_LABELS:
                continue
            actor = self._name(ctx, ent, ents[k + 1 :], (lo, hi), actors, consumed)
            if actor is not None:
                actors.append(actor)
        self._mark_observers(ctx, actors, lo, hi)
        self._program_anaphor(ctx, lo, hi, things)
        self._anaphors(ctx, lo, hi, actors)
        self._mark_observers(ctx, actors, lo, hi)
        actors.sort(key=lambda a: a.start)
        return actors, things

    def _thing(self, ctx: DocContext, ent: SpacySpan) -> tuple[int, int, str] | None:
        """A system or program named; None for a sales or funding channel."""
        doc, toks = ctx.doc, ctx.toks
        tid = ctx.entity_for(ent)
        entry = self.gaz.get(tid)
        if entry is not None and entry.category in self.lex.non_weapon_categories:
            return None  # a sales or funding channel ("FMS", "FMF") is no weapon and no program
        after = ent.end
        if after < len(doc) and toks[after].text == "(":  # "Joint Strike Fighter (JSF) program"
            close = next(
                (j for j in range(after + 1, min(after + 6, len(doc))) if toks[j].text == ")"), None
            )
            after = close + 1 if close is not None else after
        if after < len(doc) and toks[after].norm_ in self.words.program_nouns:
            ctx.program_like.add(tid)  # "the F-35 program" names a program
        if entry is not None and (entry.type == "program" or tid in ctx.program_like):
            ctx.last_program = tid
        return (ent.start, ent.end, tid)

    def _name(
        self,
        ctx: DocContext,
        ent: SpacySpan,
        later: list[SpacySpan],
        clause: tuple[int, int],
        actors: list[Actor],
        consumed: set[int],
    ) -> Actor | None:
        """The actor a country or organization name makes, with its slot (None: no actor)."""
        lo, hi = clause
        toks, words = ctx.toks, self.words
        entry = self.gaz.get(ent.id_)
        if entry is not None and entry.category == "media":
            ctx.entity_for(ent)  # a news agency reports; it is not a party
            return None
        end = ent.end
        nxt = toks[end] if end < hi else None
        # "the Government of Morocco": the phrase starts at "Government".
        start = ctx.spans["government_of"].get(ent.start, ent.start)
        slot = self._slot_before(ctx, start, lo, actors)
        if ent.label_ == "COUNTRY" and nxt is not None and nxt.norm_ in words.possessive_markers:
            return self._possessor(ctx, ent, later, start, slot, consumed)
        if (
            ent.label_ == "COUNTRY"
            and end + 1 < hi
            and toks[end].text in words.compound_dashes
            and toks[end + 1].norm_ in self.lex.origin_words
        ):
            # "U.S.-made A-29": the country that makes the system supplies it.
            return Actor(start, end + 2, [ctx.entity_for(ent)], "origin")
        if ent.label_ == "COUNTRY" and nxt is not None and self._is_modifier(ctx, ent, nxt, later):
            return self._modifier(ctx, ent, later, start, slot, consumed)
        eid = ctx.entity_for(ent)
        registry = ctx.registry
        if (
            ctx.speaker
            and ent.label_ == "ORG"
            and registry[eid].country is None
            and eid.startswith("org:x-")
        ):
            # An unknown "Coast Guard" in a US government release is the US Coast Guard.
            registry[eid].country = ctx.speaker.split(":", 1)[1]
        return Actor(start, end, [eid], slot)

    def _possessor(
        self,
        ctx: DocContext,
        ent: SpacySpan,
        later: list[SpacySpan],
        start: int,
        slot: str,
        consumed: set[int],
    ) -> Actor | None:
        """A country before "'s": its institution, its organization or person, or a possessive slot."""
        after = ent.end + 1
        inst_end = ctx.spans["institutions"].get(after)
        nxt_ent = next((e for e in later if e.start == after), None)
        if inst_end is not None:
            # "Pakistan's navy" is Pakistan acting through its navy.
            return Actor(start, inst_end, [ctx.entity_for(ent)], slot)
        if nxt_ent is None:
            # "Pakistan's Information Minister Attaullah Tarar": a title, then the person.
            nxt_ent = next(
                (
                    e
                    for e in later
                    if e.label_ == "PERSON"
                    and e.start <= after + 3
                    and all(t.text[:1].isupper() for t in ctx.doc[after : e.start])
                ),
                None,
            )
        if nxt_ent is not None and nxt_ent.label_ in ("ORG", "PERSON"):
            # "Pakistan's National Engineering and Scientific Commission": the org is the actor.
            country_hint = ent.id_.split(":", 1)[1]
            ctx.entity_for(ent)
            consumed.add(nxt_ent.start)
            if nxt_ent.label_ == "PERSON":
                ctx.entity_for(nxt_ent, country_hint)
                return None
            oid = ctx.entity_for(nxt_ent, country_hint)
            return Actor(start, nxt_ent.end, [oid], slot)
        eid = ctx.entity_for(ent)
        return Actor(start, ent.end, [eid], "poss" if slot == "bare" else slot)

    def _modifier(
        self,
        ctx: DocContext,
        ent: SpacySpan,
        later: list[SpacySpan],
        start: int,
        slot: str,
        consumed: set[int],
    ) -> Actor:
        """A country name before a noun: its institution, its organization, the maker of its
        system, or an adjective slot."""
        end = ent.end
        eid = ctx.entity_for(ent)
        inst_end = ctx.spans["institutions"].get(end)
        if inst_end is not None:  # "Turkish officials", "the Pakistani navy"
            return Actor(start, inst_end, [eid], slot)
        nxt_ent = next((e for e in later if e.start == end), None)
        if nxt_ent is not None and nxt_ent.label_ == "ORG":
            # "Pakistani firm X": give the org its country.
            oid = ctx.entity_for(nxt_ent, ent.id_.split(":", 1)[1])
            consumed.add(nxt_ent.start)
            return Actor(start, nxt_ent.end, [oid], slot)
        made = next((e for e in later if e.start == end and e.label_ == "SYSTEM"), None)
        maker = self.gaz.get(made.id_) if made is not None else None
        if maker is not None and maker.country == ent.id_.split(":", 1)[1]:
            # "delivery of a Russian S-400": the country that makes the system supplies it.
            return Actor(start, end, [eid], "origin")
        return Actor(start, end, [eid], "adj" if slot == "bare" else slot)

    def _program_anaphor(
        self, ctx: DocContext, lo: int, hi: int, things: list[tuple[int, int, str]]
    ) -> None:
        """ "suspend Turkey from the program": the program named last."""
        if not ctx.last_program or any(t[2] == ctx.last_program for t in things):
            return
        toks, words = ctx.toks, self.words
        for i in range(lo + 1, hi):
            if (
                toks[i].norm_ in words.program_anaphors
                and toks[i - 1].norm_ in words.program_anaphor_determiners
            ):
                things.append((i, i + 1, ctx.last_program))
                ctx.ensure_entity(ctx.last_program)
                break

    def _anaphors(self, ctx: DocContext, lo: int, hi: int, actors: list[Actor]) -> None:
        """Group anaphors ("both countries"), the speaker's "we" and "our", and pronouns ("it")."""
        toks, words = ctx.toks, self.words
        for s, e in ctx.spans["group_anaphors_list"]:
            if lo <= s and e <= hi:
                slot = self._slot_before(ctx, s, lo, actors)
                # "Eritrea's aggression against Djibouti ... between the two countries": names earlier in
                # the clause come first, then the document's.
                here = [
                    f"country:{c}"
                    for a in actors
                    if a.start < s and a.kind == "name" and a.slot not in ("observer", "mediator")
                    for c in (ctx.country_of(x) for x in a.entities)
                    if c
                ]
                actors.append(Actor(s, e, ctx.last_countries(2, here), slot, kind="group"))
        speaks = bool(ctx.speakers or ctx.speaker)
        first_person, pronouns = self.lex.first_person, self.lex.subject_pronouns
        for i in range(lo, hi):
            low = toks[i].norm_
            if (
                speaks
                and low in first_person
                and toks[i].text not in words.not_first_person
                and not any(a.start <= i < a.end for a in actors)
            ):
                slot = self._slot_before(ctx, i, lo, actors)
                if (
                    low in words.group_possessives
                    and i + 1 < hi
                    and toks[i + 1].norm_ in words.group_nouns
                ):
                    continue  # "our two countries" is a group anaphor
                speaker_slot = (
                    "poss" if low in words.first_person_possessive and slot == "bare" else slot
                )
                actors.append(
                    Actor(i, i + 1, ctx.speakers or [ctx.speaker], speaker_slot, kind="speaker")
                )
                continue
            if low in pronouns and not any(a.start <= i < a.end for a in actors):
                slot = self._slot_before(ctx, i, lo, actors)
                kind = "possessive_pronoun" if low in words.possessive_pronouns else "pronoun"
                actors.append(
                    Actor(i, i + 1, [], slot if kind == "pronoun" else "pronoun_poss", kind=kind)
                )

    def _mark_observers(self, ctx: DocContext, actors: list[Actor], lo: int, hi: int) -> None:
        # "The United States welcomes the ceasefire": a subject followed by a reaction verb only observes.
        observers = ctx.spans.get("observer_starts", set())
        mediation = ctx.spans.get("mediation_starts", set())
        toks = ctx.toks
        prev: Actor | None = None
        for a in sorted(actors, key=lambda x: x.start):
            if a.slot == "bare" and any(j in observers for j in range(a.end, min(a.end + 3, hi))):
                a.slot = "observer"
            # "Egypt's role in mediating", "brokered by Qatar": a mediator is not a party; but in
            # "Hezbollah agreed to a ceasefire brokered by ..." the ceasefire stands between.
            ahead = next((j for j in range(a.end, min(a.end + 5, hi)) if j in mediation), None)
            if (ahead is not None and not any(a.end <= t < ahead for t in ctx.conflict_starts)) or (
                a.slot == "by" and any(j in mediation for j in range(max(lo, a.start - 3), a.start))
            ):
                a.slot = "mediator"
            elif (
                prev is not None
                and prev.slot == "mediator"
                and a.kind == "name"
                and all(
                    toks[j].norm_ in self.words.mediator_coordinators
                    for j in range(prev.end, a.start)
                )
            ):
                a.slot = "mediator"  # "brokered by the United States and France"
            prev = a

    def _is_modifier(
        self, ctx: DocContext, ent: SpacySpan, nxt, later_ents: list[SpacySpan]
    ) -> bool:
        """True when a country name modifies the next word ("Turkish drones", "Pakistani navy")."""
        if ent.end in ctx.spans["institutions"]:
            return True
        if any(e.start == ent.end and e.label_ in ("ORG", "SYSTEM", "PROGRAM") for e in later_ents):
            return True
        word = ent.text.lower()
        # "Pakistan received", "Iran supplies": a verb after the name makes the name its subject.
        verb_like = nxt.norm_.endswith(self.words.verb_endings) or nxt.i in ctx.trigger_starts
        return (
            word.endswith(self.words.demonym_endings)
            and nxt.is_alpha
            and nxt.is_lower
            and not nxt.is_stop
            and not verb_like
        )

    def _resolve_pronouns(self, ctx: DocContext, actors: list[Actor]) -> None:
        subject = next((a for a in actors if a.kind == "name" and a.slot == "bare"), None)
        for a in actors:
            if a.kind == "pronoun":
                a.entities = list(
                    subject.entities if subject and subject.start < a.start else ctx.last_subject
                )
            elif a.kind == "possessive_pronoun":
                # "its program": the owner is the clause's subject, already a participant.
                a.entities = list(subject.entities if subject else ctx.last_subject)
