"""Facts stage: what a sentence says of a system (endurance, payload, range …), by the fact patterns of `ontology.json`."""

from __future__ import annotations

import re

from armsgraph.extract.context import DocContext, SentenceContext
from armsgraph.extract.ontology import Ontology
from armsgraph.model import Fact, Span

_DIGIT = re.compile(r"\d")


class Facts:
    """Matches the fact patterns in a sentence, then adds to the context one fact per match about
    the system named last before it (a named system before a kind of system)."""

    def __init__(self, ontology: Ontology):
        self.patterns = ontology.fact_patterns

    def __call__(self, ctx: DocContext, sc: SentenceContext) -> None:
        text = ctx.text
        sent_text = text[sc.start_char : sc.end_char]
        if not _DIGIT.search(sent_text):
            return
        systems = [
            e
            for e in ctx.ents
            if e.label_ == "SYSTEM" and sc.start_char <= e.start_char < sc.end_char
        ]
        for attribute, regex, unit in self.patterns:
            for m in regex.finditer(sent_text):
                start = sc.start_char + m.start()
                before = [e for e in systems if e.end_char <= start]
                specific = [e for e in before if not e.id_.startswith("category:")] or before
                if not specific:
                    continue
                subject = specific[-1]
                sid = ctx.entity_for(subject)
                value = float(m.group("num").replace(",", ""))
                end = sc.start_char + m.end()
                ctx.facts.append(
                    Fact(
                        subject=sid,
                        attribute=attribute,
                        value=value,
                        unit=unit,
                        evidence=Span(start, end, text[start:end]),
                    )
                )
