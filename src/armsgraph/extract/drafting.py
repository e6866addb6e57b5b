"""One reading of a trigger made a draft: the role of each actor by its slot, the systems, what
the event type needs, and what a draft takes beyond its clause (the speaker, implied roles, an
earlier event's participants, the maker's country). The roles stage (roles.py) builds on it."""

from __future__ import annotations

import re

from armsgraph.extract.context import Actor, DocContext, Draft, SentenceContext, Trigger
from armsgraph.extract.ontology import Ontology, TriggerRule
from armsgraph.nlp.gazetteer import Gazetteer


class Drafting:
    """The drafts of one trigger's readings, and the lexicon and gazetteer they are read with."""

    def __init__(self, gazetteer: Gazetteer, ontology: Ontology):
        self.gaz = gazetteer
        self.onto = ontology
        self.lex = lex = ontology.lexicon
        self.words = words = ontology.words
        self.family = lex.conflict_family
        self.plural_marks = "".join(words.plural_marks)
        self.aggregate_re = re.compile(
            r"(\S*) (?:"
            + "|".join(
                re.escape(p) for p in sorted(lex.aggregate_recipients, key=len, reverse=True)
            )
            + r")(?= )"
        )

    # ----------------------------------------------------------------- one draft
    def _passive(self, ctx: DocContext, trig: Trigger) -> bool:
        toks = ctx.toks
        word = toks[trig.start].norm_
        if not (
            word.endswith(self.words.participle_endings) or word in self.words.irregular_participles
        ):
            return False
        j = trig.start - 1
        while j >= 0 and toks[j].norm_.endswith(self.words.adverb_endings):
            j -= 1
        return j >= 0 and toks[j].norm_ in self.words.be_forms

    def _draft(
        self,
        ctx: DocContext,
        sc: SentenceContext,
        trig: Trigger,
        rule: TriggerRule,
        actors: list[Actor],
        things,
        clause,
        last: bool = True,
    ) -> Draft | None:
        """One reading of a trigger: its roles and systems, if what its type needs is there."""
        spec = self.onto.types[rule.type]
        roles = self._roles(ctx, trig, rule, actors, clause)
        thing_ids = self._things(ctx, trig, rule, actors, things, clause)
        if not self._needs_met(ctx, sc, rule, thing_ids, roles, clause, trig):
            return None
        draft = Draft(
            type=rule.type,
            roles=roles,
            things=thing_ids,
            sentence=sc.span,
            trigger_text=ctx.doc[trig.start : trig.end].text,
            token=trig.start,
            rule=rule,
            trigger_span=(trig.start, trig.end),
            clause=clause,
        )
        self._complete(ctx, draft, trig, actors, clause, spec)
        if not last and rule.type not in self.family and actor_count(draft) < spec["min_actors"]:
            return None  # let the next reading of these words try
        return draft

    def _roles(
        self, ctx: DocContext, trig: Trigger, rule: TriggerRule, actors: list[Actor], clause
    ) -> list[tuple[str, str]]:
        """(role, entity) of the actors, by the slot each stands in and the trigger's row."""
        spec = self.onto.types[rule.type]
        toks = ctx.toks
        passive = self._passive(ctx, trig)
        roles: list[tuple[str, str]] = []
        family = self.family
        role_map = rule.roles
        if rule.country_subject_roles:
            subject = next(
                (a for a in actors if a.slot == "bare" and a.start < trig.start and a.entities),
                None,
            )
            if subject is not None and subject.entities[0].startswith("country:") and not passive:
                role_map = rule.country_subject_roles
        # "mediated by the Russian Federation ... Russian troops": a mediator is no side.
        mediators = {e for a in actors if a.slot == "mediator" for e in a.entities}
        for a in actors:
            slot = a.slot
            if a.kind == "speaker" and rule.type in family:
                continue  # a government's statement on a conflict speaks of others' fighting
            if slot != "mediator" and mediators.intersection(a.entities):
                continue
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
            left = next(
                (j for j in range(trig.start - 1, lo - 1, -1) if toks[j].text == ","), lo - 1
            )
            right = next((j for j in range(trig.end, hi) if toks[j].text == ","), hi)
            near = {e for a in actors if left < a.start < right for e in a.entities}
            if len({e for _, e in roles if e in near}) >= 2:
                roles = [(r, e) for r, e in roles if e in near]
        # One entity, one role: keep the first role found for it.
        seen: set[str] = set()
        return [(r, e) for r, e in roles if not (e in seen or seen.add(e))]

    def _things(
        self, ctx: DocContext, trig: Trigger, rule: TriggerRule, actors: list[Actor], things, clause
    ) -> list[str]:
        """The systems and programs of the reading, those after the trigger (its object) first:
        "flies the MiG-29 and recently purchased eight F-16s" buys F-16s from their maker."""
        ordered = sorted(things, key=lambda t: t[0] < trig.start)
        thing_ids = list(dict.fromkeys(t[2] for t in ordered))
        if (
            not thing_ids
            and rule.type == "arms_sale"
            and "system" not in rule.needs
            and ctx.prev_things
            and self._is_anaphoric(ctx, trig, clause, actors)
        ):
            # "Raytheon is awarded a contract for SM-6 production. This contract involves Foreign
            # Military Sales to Australia.": the contract's systems are the previous sentence's
            # (only for a sale that stands without them: no event is made of borrowed systems).
            thing_ids = list(dict.fromkeys(ctx.prev_things))
        if rule.type == "defense_cooperation":
            # Aid named by its channel ("$279.75 million in FMF to Lithuania"): the channel is the
            # program the event is about, though it is no weapon.
            for e in ctx.ents:
                if e.label_ == "PROGRAM" and e.start < trig.end and e.end > trig.start:
                    tid = ctx.entity_for(e)
                    if tid not in thing_ids:
                        thing_ids.append(tid)
        return thing_ids

    def _complete(
        self, ctx: DocContext, draft: Draft, trig: Trigger, actors: list[Actor], clause, spec: dict
    ) -> None:
        """What the draft takes beyond its clause's names: a further tranche's mark, the speaker,
        the roles its row implies, an earlier event's participants, an embassy's host, the maker."""
        rule = draft.rule
        toks, words = ctx.toks, self.words
        _lo, hi = clause
        draft.additional = any(
            toks[j].norm_ in words.tranche_words
            or (
                toks[j].norm_ in words.tranche_more
                and (j + 1 >= hi or toks[j + 1].norm_ not in words.not_tranche_after_more)
            )
            for j in range(trig.start, hi)
        )
        if (
            rule.speaker_default
            and ctx.speaker
            and not any(r == rule.speaker_default for r, _ in draft.roles)
        ):
            # "arms exports rose" in a State release
            draft.roles.append((rule.speaker_default, ctx.speaker))
        for role, eid in rule.implied.items():
            if not any(r == role for r, _ in draft.roles):
                ctx.ensure_entity(eid)
                draft.roles.append((role, eid))
        if actor_count(draft) < spec["min_actors"] and self._is_anaphoric(
            ctx, trig, clause, actors
        ):
            self._borrow(ctx, draft)
        if (
            ctx.host
            and rule.type == "arms_sale"
            and draft.things
            and not any(r == "buyer" for r, _ in draft.roles)
            and all(
                ctx.country_of(e) in (None, ctx.speaker.split(":", 1)[1]) for _, e in draft.roles
            )
        ):
            # "the delivery of this C-130 aircraft", in remarks of the U.S. Embassy in Ethiopia:
            # what an embassy's government delivers with no receiver named goes to its host.
            ctx.ensure_entity(ctx.host)
            draft.roles.append(("buyer", ctx.host))
        origin_fill(ctx, draft, spec)
        self._origin_roles(ctx, draft, spec)

    def _needs_met(
        self,
        ctx: DocContext,
        sc: SentenceContext,
        rule: TriggerRule,
        thing_ids,
        roles,
        clause,
        trig: Trigger,
    ) -> bool:
        types = {self.gaz.get(t).type if self.gaz.get(t) else "weapon_system" for t in thing_ids}
        if any(t in ctx.program_like for t in thing_ids):
            types.add("program")
        toks = ctx.toks
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
                start = toks[lo].idx
                money, percent, _counts, _times = ctx.sentence_amounts(sc)
                if not any(m.start >= start for m in (*money, *percent)):
                    return False
            if need == "statistic":
                lo, _hi = clause
                rest = " " + ctx.text[toks[lo].idx : sc.end_char].lower() + " "
                if not any(f" {v} " in rest for v in self.lex.statistic_verbs):
                    return False
            if need == "rank" and not self._ranked(ctx, roles, clause, trig):
                return False
            if need == "aggregate_recipients":
                # "delivered more than $1 billion in assets to partner nations": many, unnamed.
                lo, hi = clause
                words = [toks[j].norm_ for j in range(lo, hi)]
                rest = " " + " ".join(words) + " "
                # "to both countries", "our two nations" are two known ones, not many.
                many = any(
                    m.group(1) not in self.words.known_group_words
                    for m in self.aggregate_re.finditer(rest)
                )
                if not many or any(r in ("buyer", "recipient") for r, _ in roles):
                    return False
            if need == "foreign":
                countries = {ctx.country_of(e) for _, e in roles} - {None}
                # "Poland signed a contract for Patriot": a system made abroad is an import.
                makers = {
                    self.gaz.get(t).country
                    for t in thing_ids
                    if not t.startswith("category:") and self.gaz.get(t) is not None
                } - {None}
                if len(countries) < 2 and not (countries and makers - countries):
                    return False
        return True

    def _ranked(self, ctx: DocContext, roles, clause, trig: Trigger) -> bool:
        """A rank among exporters just before the trigger ("the world's second biggest arms
        exporter"), said of the whole market: not "India's largest arms supplier" nor "the
        largest arms supplier to India" (one buyer's: an arms_sale)."""
        lo, hi = clause
        toks = ctx.toks
        if not roles:
            return False
        start = trig.start
        ranks = [
            j for j in range(max(lo, start - 4), start) if toks[j].norm_ in self.words.rank_words
        ]
        if not ranks:
            return False
        # A name just before the rank ("India's largest") or after it is a buyer's, not the market's.
        j = ranks[0] - 1
        if j > lo and toks[j].norm_ in self.words.possessive_markers:
            j -= 1
        named = range(j, start) if j >= lo else range(ranks[0], start)
        if any(toks[k].ent_type_ in ("COUNTRY", "ORG") for k in named):
            return False
        # "... supplier to India", "... supplier of Pakistan": a buyer named after it.
        after = range(trig.end, min(hi, trig.end + 4))
        return not (
            trig.end < hi
            and toks[trig.end].norm_ in ("to", "for", "of")
            and any(toks[k].ent_type_ == "COUNTRY" for k in after)
        )

    def _is_anaphoric(self, ctx: DocContext, trig: Trigger, clause, actors: list[Actor]) -> bool:
        """The trigger or the clause's subject refers back: "the facility", "this sale", "it"."""
        toks = ctx.toks
        lo, hi = clause
        if any(a.kind in ("pronoun", "group") for a in actors):
            return True
        for j in range(max(lo, trig.start - 4), trig.start):
            # "this sale", "the deal": but not "learned that Turkey accepted", where a name stands between.
            if toks[j].norm_ in self.lex.determiners and not any(
                j < a.start < trig.start for a in actors
            ):
                return True
        first = lo
        while first < hi and (
            toks[first].is_punct or toks[first].norm_ in self.words.discourse_openers
        ):
            first += 1
        if first < hi and toks[first].norm_ in self.lex.determiners:
            for j in range(first + 1, min(first + 5, hi)):
                if (
                    toks[j].norm_ in self.lex.event_anaphors
                    or toks[j].norm_.rstrip(self.plural_marks) in self.lex.event_anaphors
                ):
                    return True
        return False

    def _borrow(self, ctx: DocContext, draft: Draft) -> None:
        for prev in reversed(ctx.drafts):
            if prev.type == draft.type and prev is not draft:
                have = {e for _, e in draft.roles}
                for role, eid in prev.roles:
                    if (
                        eid not in have
                        and not any(r == role for r, _ in draft.roles)
                        or (eid not in have and role in ("partner", "party"))
                    ):
                        draft.roles.append((role, eid))
                        have.add(eid)
                if not draft.things:
                    draft.things = list(prev.things)
                draft.filled = True
                return

    def _origin_roles(self, ctx: DocContext, draft: Draft, spec: dict) -> None:
        """ "Turkey and Indonesia signed a deal for 48 KAAN": when every actor holds the same role, the
        country that makes the system is the seller (provider) and the others the buyers."""
        role = spec.get("origin_role")
        roles = {r for r, _ in draft.roles}
        if not role or len(roles) != 1 or len(draft.roles) < 2 or draft.type != "arms_sale":
            return
        origins = {
            self.gaz.get(t).country
            for t in draft.things
            if self.gaz.get(t) is not None and not t.startswith("category:")
        } - {None}
        if len(origins) != 1:
            return
        (origin,) = origins
        countries = [ctx.country_of(e) for _, e in draft.roles]
        if origin not in countries or all(c == origin for c in countries):
            return
        other = next(r for r in spec["roles"] if r != role)
        draft.roles = [
            (role if c == origin else other, e)
            for (_, e), c in zip(draft.roles, countries, strict=True)
        ]


def origin_fill(ctx: DocContext, draft: Draft, spec: dict) -> None:
    """A sale with no seller named: the country that makes the system sells it; failing that, in
    an official release, the government that issued it ("delivered two patrol boats to Tunisia")."""
    role = spec.get("origin_role")
    if not role or any(r == role for r, _ in draft.roles) or not draft.roles:
        return
    have = {ctx.country_of(e) for _, e in draft.roles}
    for tid in draft.things:
        entry = ctx.gaz.get(tid)
        if (
            entry is not None
            and entry.country
            and entry.country not in have
            and not tid.startswith("category:")
        ):
            cid = f"country:{entry.country}"
            ctx.ensure_entity(cid)
            draft.roles.append((role, cid))
            return
    speaker = ctx.speaker
    if (
        speaker
        and draft.things
        and speaker.split(":", 1)[1] not in have
        and draft.type == "arms_sale"
    ):
        ctx.ensure_entity(speaker)
        draft.roles.append((role, speaker))


def actor_count(draft: Draft) -> int:
    return len({e for _, e in draft.roles})
