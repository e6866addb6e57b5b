"""Attribution stage: who says so ("according to X speaking to Y", "X said"), who declined to comment or denies it, and hedges."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span as SpacySpan

from armsgraph.extract.context import DocContext, SentenceClaims, SentenceContext
from armsgraph.extract.ontology import Ontology
from armsgraph.model import Attribution, Comment, Span


@dataclass
class FoundAttribution:
    record: Attribution
    token_start: int  # where the attribution phrase begins: the claim's clause ends there


class Claims:
    """Reads who stands behind a sentence's claim: matches the attribution, refusal and denial
    patterns of `words.jsonl` and the hedge phrases the candidates stage found, then sets them on
    the sentence (the assembly stage gives them to the sentence's events). The claim's clauses
    end where the attribution begins."""

    def __init__(self, ontology: Ontology):
        self.words = ontology.words

    def __call__(self, ctx: DocContext, sc: SentenceContext) -> None:
        sent = sc.sent
        found = self._attribution(sent)
        sc.cut = found.token_start if found else sc.end
        toks = ctx.toks
        hedge = next(
            (
                ctx.text[toks[a].idx : toks[b - 1].idx + len(toks[b - 1])]
                for a, b in ctx.spans.get("hedges", [])
                if sc.start <= a < sc.end
            ),
            None,
        )
        sc.claims = SentenceClaims(
            attribution=found,
            refusals=self._refusals(sent),
            denials=self._denials(sent),
            hedge=hedge,
        )

    def _attribution(self, sent: SpacySpan) -> FoundAttribution | None:
        words = self.words
        text = _text(sent)
        if not any(w in text for w in words.attribution_openers):
            return None
        m = words.according.search(text)
        if m:
            tok = _token_at(sent, sent.start_char + m.start())
            via = (m.group("via") or "").strip() or None
            return FoundAttribution(
                Attribution(source=m.group("src").strip(), via=via, hedge=None), tok
            )
        m = words.said_at_end.search(text)
        if m:
            return FoundAttribution(
                Attribution(source=m.group("src").strip()),
                _token_at(sent, sent.start_char + m.start()),
            )
        m = words.said_mid.search(text)
        if m:  # "…, Turkish defence officials said, in what would be…": recorded, nothing cut
            return FoundAttribution(Attribution(source=m.group("src").strip()), sent.end)
        m = words.said_after.search(text)
        if m:
            return FoundAttribution(
                Attribution(source=m.group("src").strip()),
                _token_at(sent, sent.start_char + m.start()),
            )
        m = words.said_before.search(text)
        if m and len(m.group("src").split()) <= 10:
            return FoundAttribution(Attribution(source=m.group("src").strip()), sent.end)
        return None

    def _denials(self, sent: SpacySpan) -> list[Comment]:
        """Who denies what the sentence claims ("Tehran denied supplying ballistic missiles to Moscow")."""
        words = self.words
        text = _text(sent)
        if not any(v in text for v in words.denial_verbs):
            return []
        left_out = {*words.denial_acts, *words.denial_openers}  # what is denied, not the stance
        out = []
        for m in words.denial.finditer(text):
            src = words.source_lead.sub("", m.group("src").strip())
            s, e = sent.start_char + m.start("src"), sent.start_char + m.end("stance")
            stance = m.group("stance")
            if stance.split()[-1] in left_out:
                stance = stance.rsplit(" ", 1)[0]
            out.append(
                Comment(
                    source=src,
                    stance=stance,
                    evidence=Span(s, e, text[s - sent.start_char : e - sent.start_char]),
                )
            )
        return out

    def _refusals(self, sent: SpacySpan) -> list[Comment]:
        words = self.words
        out = []
        text = _text(sent)
        if not any(w in text for w in words.refusal_cue_words):
            return out
        for m in words.refusal.finditer(text):
            src = words.source_lead.sub("", m.group("src").strip())
            if not src:
                continue
            s = (
                sent.start_char
                + m.start("src")
                + (len(m.group("src")) - len(m.group("src").lstrip()))
            )
            e = sent.start_char + m.end("stance")
            out.append(
                Comment(
                    source=src,
                    stance=m.group("stance"),
                    evidence=Span(s, e, text[s - sent.start_char : e - sent.start_char]),
                )
            )
        return out


def _text(sent: SpacySpan) -> str:
    text = sent.doc.user_data.get("text")
    if text is None:  # Doc.text rebuilds the string from every token: the extractor stores it
        text = sent.doc.text
    return text[sent.start_char : sent.end_char]


def _token_at(sent: SpacySpan, char: int) -> int:
    for tok in sent:
        if tok.idx >= char:
            return tok.i
    return sent.end
