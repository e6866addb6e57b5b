"""Assembly stage: a document's drafts become its events — claims attached, the same event said twice merged — with its entities and facts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from armsgraph.extract.context import DocContext, Draft
from armsgraph.extract.ontology import Ontology
from armsgraph.model import (
    Attribution,
    Event,
    Extraction,
    Fact,
    Participant,
    Span,
    TimeExpr,
    content_hash,
)
from armsgraph.nlp.gazetteer import Gazetteer


class Assembly:
    """Gives each draft its sentence's attribution, refusals, denials and hedge; completes a clash
    known only by its place; merges drafts of one event (same type and countries, compatible
    systems, times at most a year apart) into one event with several evidence spans; and returns
    the extraction with every entity named and the facts."""

    def __init__(self, gazetteer: Gazetteer, ontology: Ontology):
        self.gaz = gazetteer
        self.onto = ontology
        lex = ontology.lexicon
        self.conflict_family = lex.conflict_family
        self.family_of = {c: fam for fam, cats in lex.category_families.items() for c in cats}

    def __call__(self, ctx: DocContext) -> Extraction:
        self._claims(ctx)
        drafts = ctx.drafts
        for d in drafts:  # countries reached through "both countries" or the speaker
            for _, eid in d.roles:
                ctx.ensure_entity(eid)
        registry = ctx.registry
        for ent in ctx.ents:  # every name found becomes an entity, actor or not
            if ent.start_char >= ctx.dateline_end and (
                ent.id_ not in registry
                or not any(m.start == ent.start_char for m in registry[ent.id_].mentions)
            ):
                ctx.entity_for(ent)
        for d in drafts:
            self._speaker_side(ctx, d)
        events = self._finish(ctx, [*self._per_buyer(ctx, drafts)])
        facts = [*ctx.facts, *self._statistic_facts(drafts, events)]
        used = {p.entity for e in events for p in e.participants}
        used.update(f.subject for f in facts)
        entities = [e for e in registry.values() if e.mentions or e.id in used]
        return Extraction(document=ctx.document, entities=entities, events=events, facts=facts)

    def _speaker_side(self, ctx: DocContext, d: Draft) -> None:
        """A sale read with both countries on one side and none on the other ("the U.S. Army
        and the Iraqi Navy received ..."): in a government's release its own country is the
        other side; which side it takes is the empty one."""
        if d.type != "arms_sale" or not ctx.speaker or len(ctx.speakers) > 1:
            return  # a joint statement's "we" is several countries: no side is the speaker's
        own = ctx.country_of(ctx.speaker)
        sides = {"seller": set(), "buyer": set()}
        for r, e in d.roles:
            if r in sides and ctx.country_of(e):
                sides[r].add(ctx.country_of(e))
        for full, empty in (("buyer", "seller"), ("seller", "buyer")):
            if not sides[empty] and len(sides[full]) == 2 and own in sides[full]:
                d.roles = [
                    (empty if r == full and ctx.country_of(e) == own else r, e) for r, e in d.roles
                ]
                return

    def _per_buyer(self, ctx: DocContext, drafts: list[Draft]) -> Iterator[Draft]:
        """A sale to several countries named in one sentence ("transferred patrol boats to Costa
        Rica, Georgia, Greece ...") is one sale to each (docs/ANNOTATION.md): one draft per
        buyer country, each with the sellers."""
        for d in drafts:
            buyers: dict[str, list[str]] = {}
            if d.type == "arms_sale" and any(r == "seller" for r, _ in d.roles):
                for r, e in d.roles:
                    if r == "buyer" and ctx.country_of(e):
                        buyers.setdefault(ctx.country_of(e), []).append(e)
            if len(buyers) < 2:
                yield d
                continue
            for ents in buyers.values():
                roles = [(r, e) for r, e in d.roles if r != "buyer" or e in ents]
                yield replace(d, roles=roles)

    def _claims(self, ctx: DocContext) -> None:
        """Each sentence's claims to its drafts; a refusal to comment goes to the event under
        discussion, the last one drafted before its sentence (else the last in it)."""
        last: Draft | None = None
        for sc in ctx.sentences:
            claims = sc.claims
            if claims.attribution is not None:
                for d in sc.drafts:
                    if d.list_head is None:
                        d.attribution = claims.attribution.record
            if claims.refusals:
                for d in [last] if last is not None else sc.drafts[-1:]:
                    d.comments.extend(claims.refusals)
            for d in (
                sc.drafts
            ):  # "Tehran denied supplying missiles to Moscow": the claim and its denial
                d.comments.extend(claims.denials)
            if claims.hedge:  # "is seen as", "reportedly": the claim is hedged, whoever makes it
                for d in sc.drafts:
                    d.attribution = (
                        replace(d.attribution, hedge=claims.hedge)
                        if d.attribution
                        else Attribution(source="", hedge=claims.hedge)
                    )
            if sc.drafts:
                last = sc.drafts[-1]

    def _sides_of_places(self, ctx: DocContext, drafts: list[Draft]) -> None:
        """ "The humanitarian ceasefire announced in Gaza": a clash or ceasefire known only by its
        place takes the two sides the report names elsewhere for fighting in that place."""
        sided = [
            d
            for d in drafts
            if d.type in self.conflict_family and len({e for r, e in d.roles if r == "party"}) >= 2
        ]
        for d in drafts:
            if d.type not in self.conflict_family or any(r == "party" for r, _ in d.roles):
                continue
            places = {ctx.country_of(e) for r, e in d.roles if r == "location"} - {None}
            for other in sided:
                parties = [e for r, e in other.roles if r == "party"]
                if places & {ctx.country_of(e) for e in parties}:
                    d.roles.extend(("party", e) for e in parties)
                    d.filled = True
                    break

    def _finish(self, ctx: DocContext, drafts: list[Draft]) -> list[Event]:
        events: list[Event] = []
        keyed: list[tuple[tuple, set[str], Event, list[bool]]] = []
        self._sides_of_places(ctx, drafts)
        for d in drafts:
            spec = self.onto.types[d.type]
            actors = list(dict.fromkeys(e for _, e in d.roles))
            located = d.type in self.conflict_family and any(r == "location" for r, _ in d.roles)
            if len(actors) < (1 if located else spec["min_actors"]):
                continue
            if spec.get("max_actors") and len(actors) > spec["max_actors"]:
                d.roles = d.roles[: spec["max_actors"]]
            countries = frozenset(c for c in (ctx.country_of(e) for _, e in d.roles) if c)
            if len(countries) < spec.get("min_countries", 1):
                continue
            if (
                d.type in self.conflict_family
                and len(countries) < 2
                and len([e for e in actors if not e.startswith("country:")]) < 2
                and not located
            ):
                continue  # fighting inside one country: its two sides, or the country as the place
            key = (d.type, countries)
            for k, things, ev, cued in keyed:
                if (
                    k == key
                    and self._compatible(things, set(d.things))
                    and _same_period(ev.time, d.time)
                    and not (d.additional and d.status_cue and d.status != ev.status)
                ):
                    _merge(ev, d, ctx.text)
                    things.update(d.things)
                    # A status the wording decided outranks one that was only the type's default.
                    if d.status_cue and not cued[0]:
                        ev.status, cued[0] = d.status, True
                    break
            else:
                ev = _to_event(d, ctx)
                events.append(ev)
                # A status the trigger word itself gives ("arrival of": done) counts as decided.
                keyed.append(
                    (
                        key,
                        set(d.things),
                        ev,
                        [d.status_cue or bool(d.rule and d.rule.default_status)],
                    )
                )
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
                out.append(
                    Fact(
                        subject=exporter,
                        attribute="defense_exports",
                        value=d.value.amount,
                        unit=d.value.currency,
                        evidence=d.value_span,
                    )
                )
            if d.growth is not None:
                out.append(
                    Fact(
                        subject=exporter,
                        attribute="defense_exports_change",
                        value=d.growth[0],
                        unit="%",
                        evidence=d.growth[1],
                    )
                )
        return out


def _to_event(d: Draft, ctx: DocContext) -> Event:
    document = ctx.document
    parts = [Participant(role=r, entity=e) for r, e in d.roles]
    for t in d.things:
        role = "program" if t.startswith("program:") else "system"
        parts.append(Participant(role=role, entity=t))
    s0, s1 = d.sentence
    evidence = [Span(s0, s1, ctx.text[s0:s1])]
    eid = "event:" + content_hash(
        document.id,
        d.type,
        ",".join(sorted(e for _, e in d.roles)),
        str(s0) if d.item is None else f"{s0}:{d.item}",
    )
    confidence = (
        0.45 + 0.1 * min(len(d.roles), 2) + (0.1 if d.things else 0) + (0.1 if d.status_cue else 0)
    )
    confidence -= 0.1 if d.filled else 0
    return Event(
        id=eid,
        type=d.type,
        status=d.status,
        participants=parts,
        evidence=evidence,
        time=d.time,
        quantity=d.quantity,
        value=d.value,
        attribution=d.attribution,
        comments=list(d.comments),
        confidence=round(min(confidence, 0.95), 2),
        trigger=d.trigger_text,
    )


def _merge(ev: Event, d: Draft, text: str) -> None:
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
        ev.evidence.append(Span(s0, s1, text[s0:s1]))
    ev.time = ev.time or d.time
    ev.quantity = ev.quantity or d.quantity
    ev.value = ev.value or d.value
    ev.attribution = ev.attribution or d.attribution
    ev.comments.extend(d.comments)
    ev.confidence = round(min(0.95, ev.confidence + 0.05), 2)


def _same_period(a: TimeExpr | None, b: TimeExpr | None) -> bool:
    """Mentions dated years apart ("the 1951 treaty", "the 1998 agreement") are different events."""
    if a is None or b is None or not a.start or not b.start:
        return True
    return abs(int(a.start[:4]) - int(b.start[:4])) <= 1
