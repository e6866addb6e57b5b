"""Lists stage: a list of deals after a colon ("Major implemented cases include: Japan – F-35 ($23.11B); Morocco – …") read item by item."""

from __future__ import annotations

from armsgraph.extract.actors import THING_LABELS
from armsgraph.extract.context import DocContext, Draft, SentenceContext
from armsgraph.extract.ontology import Ontology
from armsgraph.extract.roles import actor_count, origin_fill
from armsgraph.nlp.gazetteer import Gazetteer


class DealLists:
    """Matches a sale word before a colon (a sale trigger or a `sale_list_heads` word) and the
    items after it, then drafts one sale per item that starts with a country and a dash, and one
    for the items without a country, bought by the country the document spoke of last. Sets the
    sentence's cut at the colon: the clauses before it are read as usual, the items not again."""

    def __init__(self, gazetteer: Gazetteer, ontology: Ontology):
        self.gaz = gazetteer
        self.onto = ontology
        lex = ontology.lexicon
        self.sale_list_heads = lex.sale_list_heads
        self.item_dashes = lex.list_item_dashes
        self.non_weapon = lex.non_weapon_categories
        self.words = ontology.words

    def __call__(self, ctx: DocContext, sc: SentenceContext) -> list[Draft]:
        found = self._match(ctx, sc)
        if found is None:
            return []
        colon, drafts = found
        sc.cut = min(sc.cut, colon)
        sc.listed = True
        ctx.drafts.extend(drafts)
        sc.drafts.extend(drafts)
        return drafts

    def _items(
        self, ctx: DocContext, sc: SentenceContext, colon: int, ents: list
    ) -> tuple[
        list[tuple[str, list[str], tuple[int, int]]], list[tuple[list[str], tuple[int, int]]]
    ]:
        """The items after the colon: (buyer, systems, tokens) of each that starts with a country
        and a dash, and (systems, tokens) of the others."""
        toks = ctx.toks
        strong = self.words.list_separators_strong
        seps = (
            strong
            if any(toks[i].text in strong for i in range(colon + 1, sc.end))
            else self.words.list_separators
        )
        items, start = [], colon + 1
        for i in range(colon + 1, sc.end + 1):
            if i == sc.end or toks[i].norm_ in seps:
                if i > start:
                    items.append((start, i))
                start = i + 1
        own: list[tuple[str, list[str], tuple[int, int]]] = []
        shared: list[tuple[list[str], tuple[int, int]]] = []
        for lo, hi in items:
            things = []
            for e in ents:
                if lo <= e.start and e.end <= hi and e.label_ in THING_LABELS:
                    tid = ctx.entity_for(e)
                    entry = self.gaz.get(tid)
                    if (
                        entry is None or entry.category not in self.non_weapon
                    ) and tid not in things:
                        things.append(tid)
            if not things:
                continue
            first = next((e for e in ents if lo <= e.start < hi), None)
            if (
                first is not None
                and first.label_ == "COUNTRY"
                and first.start <= lo + 1
                and first.end < hi
                and toks[first.end].text in self.item_dashes
            ):
                own.append((ctx.entity_for(first), things, (lo, hi)))
            else:
                shared.append((things, (lo, hi)))
        return own, shared

    def _priced(self, ctx: DocContext, sc: SentenceContext, span: tuple[int, int]) -> bool:
        """An item with its own price or count ("Apache helicopters ($2.3 billion)", "36 AH-64E
        Apache attack helicopters"): the report gives it as a deal of its own."""
        money, _percent, counts, _times = ctx.sentence_amounts(sc)
        c0, c1 = ctx.char_span(*span)
        return any(c0 <= a.start < c1 for a in (*money, *counts))

    def _match(self, ctx: DocContext, sc: SentenceContext) -> tuple[int, list[Draft]] | None:
        toks = ctx.toks
        if ":" not in ctx.text[sc.start_char : sc.end_char]:
            return None
        colon = next((i for i in range(sc.start, sc.end) if toks[i].text == ":"), None)
        if colon is None or colon + 2 >= sc.end:
            return None
        head_trigs = [t for t in sc.triggers if t.end <= colon and t.rule.type == "arms_sale"]
        anchor = (
            head_trigs[-1].start
            if head_trigs
            else next(
                (
                    i
                    for i in range(colon - 1, sc.start - 1, -1)
                    if toks[i].norm_ in self.sale_list_heads
                ),
                None,
            )
        )
        if anchor is None:
            return None
        ents = [e for e in ctx.ents if colon < e.start and e.end <= sc.end]
        if not any(e.label_ in THING_LABELS for e in ents):
            return None
        own, shared = self._items(ctx, sc, colon, ents)
        drafts = []
        trigger_text = toks[anchor].text
        head = (anchor, colon)
        for buyer, things, (lo, hi) in own:
            drafts.append(
                Draft(
                    type="arms_sale",
                    roles=[("buyer", buyer)],
                    things=things,
                    sentence=sc.span,
                    trigger_text=trigger_text,
                    token=anchor,
                    item=toks[lo].idx,
                    list_head=head,
                    list_item=(lo, hi),
                )
            )
        if shared:
            # No buyer in the list: the country the text spoke of last, other than the seller.
            every = [t for things, _span in shared for t in things]
            makers = {self.gaz.get(t).country for t in every if self.gaz.get(t) is not None}
            seller = ctx.speaker.split(":", 1)[1] if ctx.speaker else None
            buyer = next(
                (
                    c
                    for c in reversed(ctx.countries)
                    if c.split(":", 1)[1] not in makers and c.split(":", 1)[1] != seller
                ),
                None,
            )
            # Items each with its own price or count are deals of their own (when every item
            # has one); the others are one deal of all their systems.
            priced = len(shared) > 1 and all(self._priced(ctx, sc, span) for _t, span in shared)
            groups = shared if priced else [(list(dict.fromkeys(every)), None)]
            for things, span in groups if buyer is not None else []:
                drafts.append(
                    Draft(
                        type="arms_sale",
                        roles=[("buyer", buyer)],
                        things=things,
                        sentence=sc.span,
                        trigger_text=trigger_text,
                        token=anchor,
                        filled=True,
                        item=ctx.toks[span[0]].idx if span else None,
                        list_head=head,
                        list_item=span,
                    )
                )
        spec = self.onto.types["arms_sale"]
        # Who sells is what the head says ("FMS sales": the United States), else, in a
        # government's release, that government; only then the country that makes the system.
        implied = {r: e for t in head_trigs for rule in t.rules for r, e in rule.implied.items()}
        seller = implied.get("seller") or ctx.speaker
        for d in drafts:
            ctx.ensure_entity(d.roles[0][1])
            if seller and ctx.country_of(seller) != ctx.country_of(d.roles[0][1]):
                ctx.ensure_entity(seller)
                d.roles.append(("seller", seller))
            origin_fill(ctx, d, spec)
        drafts = [d for d in drafts if actor_count(d) >= spec["min_actors"]]
        return (colon, drafts) if drafts else None
