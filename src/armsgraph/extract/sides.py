"""Sides stage: a clash or ceasefire named with one side takes the other from a linked one in its sentence, or the dateline."""

from __future__ import annotations

from armsgraph.extract.context import DocContext, SentenceContext
from armsgraph.extract.ontology import Ontology


class ConflictSides:
    """After a sentence is read: its clashes and ceasefires with one party named (or none, and no
    place) take the parties of the one before (or after) them in the sentence, and a clash with one
    side named takes the dateline's country as the other. One still one-sided is dropped when the
    events are assembled."""

    def __init__(self, ontology: Ontology):
        self.family = ontology.lexicon.conflict_family

    def __call__(self, ctx: DocContext, sc: SentenceContext) -> None:
        fam = [d for d in sc.drafts if d.type in self.family]
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
                home = ctx.dateline_country
                if home and home != parties[0]:
                    ctx.ensure_entity(home)
                    d.roles.append(("party", home))
