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
        doc, toks, lex_spans, words = ctx.doc, ctx.toks, ctx.spans, self.words
        actors: list[Actor] = []
        things: list[tuple[int, int, str]] = []
        first = bisect.bisect_left(ctx.ent_starts, lo)
        ents = [e for e in ctx.ents[first : bisect.bisect_left(ctx.ent_starts, hi)] if e.end <= hi]
        consumed: set[int] = set()
        for k, ent in enumerate(ents):
            if ent.start in consumed or ent.start_char < ctx.dateline_end:
                continue
            if ent.label_ in THING_LABELS:
                tid = ctx.entity_for(ent)
                entry = self.gaz.get(tid)
                if entry is not None and entry.category in self.lex.non_weapon_categories:
                    continue  # a sales or funding channel ("FMS", "FMF") is no weapon and no program
                after = ent.end
                if (
                    after < len(doc) and toks[after].text == "("
                ):  # "Joint Strike Fighter (JSF) program"
                    close = next(
                        (
                            j
                            for j in range(after + 1, min(after + 6, len(doc)))
                            if toks[j].text == ")"
                        ),
                        None,
                    )
                    after = close + 1 if close is not None else after
                if after < len(doc) and toks[after].norm_ in words.program_nouns:
                    ctx.program_like.add(tid)  # "the F-35 program" names a program
                if entry is not None and (entry.type == "program" or tid in ctx.program_like):
                    ctx.last_program = tid
                things.append((ent.start, ent.end, tid))
                continue
            if ent.label_ not in ACTOR_LABELS:
                continue
            entry = self.gaz.get(ent.id_)
            if entry is not None and entry.category == "media":
                ctx.entity_for(ent)  # a news agency reports; it is not a party
                continue
            end = ent.end
            nxt = toks[end] if end < hi else None
            start = ent.start
            # "the Government of Morocco": the phrase starts at "Government".
            gov = lex_spans["government_of"].get(ent.start)
            if gov is not None:
                start = gov
            slot = self._slot_before(ctx, start, lo, actors)
            country_hint = None
            if (
                ent.label_ == "COUNTRY"
                and nxt is not None
                and nxt.norm_ in words.possessive_markers
            ):
                after = end + 1
                inst_end = lex_spans["institutions"].get(after)
                nxt_ent = next((e for e in ents[k + 1 :] if e.start == after), None)
                if inst_end is not None:
                    # "Pakistan's navy" is Pakistan acting through its navy.
                    eid = ctx.entity_for(ent)
                    actors.append(Actor(start, inst_end, [eid], slot))
                    continue
                if nxt_ent is None:
                    # "Pakistan's Information Minister Attaullah Tarar": a title, then the person.
                    nxt_ent = next(
                        (
                            e
                            for e in ents[k + 1 :]
                            if e.label_ == "PERSON"
                            and e.start <= after + 3
                            and all(t.text[:1].isupper() for t in doc[after : e.start])
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
                        continue
                    oid = ctx.entity_for(nxt_ent, country_hint)
                    actors.append(Actor(start, nxt_ent.end, [oid], slot))
                    continue
                eid = ctx.entity_for(ent)
                actors.append(Actor(start, end, [eid], "poss" if slot == "bare" else slot))
                continue
            if (
                ent.label_ == "COUNTRY"
                and end + 1 < hi
                and toks[end].text in words.compound_dashes
                and toks[end + 1].norm_ in self.lex.origin_words
            ):
                # "U.S.-made A-29": the country that makes the system supplies it.
                actors.append(Actor(start, end + 2, [ctx.entity_for(ent)], "origin"))
                continue
            if (
                ent.label_ == "COUNTRY"
                and nxt is not None
                and self._is_modifier(ctx, ent, nxt, ents[k + 1 :])
            ):
                eid = ctx.entity_for(ent)
                inst_end = lex_spans["institutions"].get(end)
                if inst_end is not None:  # "Turkish officials", "the Pakistani navy"
                    actors.append(Actor(start, inst_end, [eid], slot))
                    continue
                nxt_ent = next((e for e in ents[k + 1 :] if e.start == end), None)
                if nxt_ent is not None and nxt_ent.label_ == "ORG":
                    # "Pakistani firm X": give the org its country.
                    oid = ctx.entity_for(nxt_ent, ent.id_.split(":", 1)[1])
                    consumed.add(nxt_ent.start)
                    actors.append(Actor(start, nxt_ent.end, [oid], slot))
                    continue
                made = next(
                    (e for e in ents[k + 1 :] if e.start == end and e.label_ == "SYSTEM"), None
                )
                maker = self.gaz.get(made.id_) if made is not None else None
                if maker is not None and maker.country == ent.id_.split(":", 1)[1]:
                    # "delivery of a Russian S-400": the country that makes the system supplies it.
                    actors.append(Actor(start, end, [eid], "origin"))
                    continue
                actors.append(Actor(start, end, [eid], "adj" if slot == "bare" else slot))
                continue
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
            actors.append(Actor(start, end, [eid], slot))
        self._mark_observers(ctx, actors, lo, hi)
        # "suspend Turkey from the program": the program named last.
        if ctx.last_program and not any(t[2] == ctx.last_program for t in things):
            for i in range(lo + 1, hi):
                if (
                    toks[i].norm_ in words.program_anaphors
                    and toks[i - 1].norm_ in words.program_anaphor_determiners
                ):
                    things.append((i, i + 1, ctx.last_program))
                    ctx.ensure_entity(ctx.last_program)
                    break
        # Group anaphors ("both countries") and pronouns ("it").
        for s, e in lex_spans["group_anaphors_list"]:
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
                actors.append(
                    Actor(
                        i,
                        i + 1,
                        ctx.speakers or [ctx.speaker],
                        "poss" if low in words.first_person_possessive and slot == "bare" else slot,
                        kind="speaker",
                    )
                )
                continue
            if low in pronouns and not any(a.start <= i < a.end for a in actors):
                slot = self._slot_before(ctx, i, lo, actors)
                kind = "possessive_pronoun" if low in words.possessive_pronouns else "pronoun"
                actors.append(
                    Actor(i, i + 1, [], slot if kind == "pronoun" else "pronoun_poss", kind=kind)
                )
        self._mark_observers(ctx, actors, lo, hi)
        actors.sort(key=lambda a: a.start)
        return actors, things

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
