"""Attribution stage: who says so ("according to X speaking to Y", "X said"), who declined to comment or denies it, and hedges."""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span as SpacySpan

from armsgraph.extract.context import DocContext, SentenceClaims, SentenceContext
from armsgraph.model import Attribution, Comment, Span

_ACCORDING = re.compile(
    r"\baccording to (?P<src>[^,;.]+?)(?:\s(?:speaking to|talking to|told|in an interview with|cited by|quoted by|as reported by)\s(?P<via>[^,;.]+))?(?=[,;.]|$)",
    re.IGNORECASE,
)
_SAID_AFTER = re.compile(
    r",\s(?:said|says|told reporters|announced|stated)\s(?P<src>[^,;.]+?)(?:,|\.|;|$)",
    re.IGNORECASE,
)
# "…, the Indian defence ministry said on Tuesday." — the source closes the sentence.
_SAID_END = re.compile(
    r",\s(?P<src>[^,;]{2,80}?)\s(?:said|says|told reporters|told [A-Z][\w.]+|announced|stated|reported|confirmed)"
    r"(?:\s(?:on|in|last|this|late|early|at)\s(?:an?\s|the\s)?[\w.]+)*[.\"”']*\s*$"
)
_SAID_MID = re.compile(r",\s(?P<src>[^,;]{2,60}?)\s(?:said|says|told reporters|announced),\s")
_SAID_BEFORE = re.compile(
    r"^(?P<src>[A-Z][^,;]{2,80}?)\s(?:said|says|announced|stated)(?:\son\s\w+)?\s(?:that\s)?",
    re.MULTILINE,
)
_REFUSAL = re.compile(
    r"(?P<src>[^,;.]*?)(?:,\s(?:which|who|whose)\s[^,;.]*,)?\s(?P<stance>declined to comment|refused to comment|would not comment|did not (?:immediately )?respond(?: to (?:inquiries|requests? for comment|a request for comment|questions))?|could not be reached for comment)",
    re.IGNORECASE,
)
# "Tehran denied supplying missiles", "Moscow has denied the reports": the subject denies.
_DENIAL = re.compile(
    r"(?:^|,\s|;\s)(?P<src>[A-Z][^,;.]{1,60}?)\s(?P<stance>(?:has |have |had )?(?:denied|denies|dismissed|rejected) (?:supplying|selling|providing|sending|delivering|buying|receiving|reports|claims|allegations|the reports|the claims|the allegations|any|that|it))",
)
_LEAD_WORDS = re.compile(r"^(?:while|and|but|although|though|however|meanwhile)\s+", re.IGNORECASE)


class Claims:
    """Reads who stands behind a sentence's claim: matches the attribution, refusal and denial
    patterns and the hedge phrases the candidates stage found, then sets them on the sentence
    (the assembly stage gives them to the sentence's events). The claim's clauses end where the
    attribution begins."""

    def __call__(self, ctx: DocContext, sc: SentenceContext) -> None:
        sent = sc.sent
        found = find_attribution(sent)
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
            attribution=found, refusals=find_refusals(sent), denials=find_denials(sent), hedge=hedge
        )


@dataclass
class FoundAttribution:
    record: Attribution
    token_start: int  # where the attribution phrase begins: the claim's clause ends there


_ATTRIBUTION_WORDS = ("according", "said", "says", "told", "announced", "stated")


def _text(sent: SpacySpan) -> str:
    text = sent.doc.user_data.get("text")
    if text is None:  # Doc.text rebuilds the string from every token: the extractor stores it
        text = sent.doc.text
    return text[sent.start_char : sent.end_char]


def find_attribution(sent: SpacySpan) -> FoundAttribution | None:
    text = _text(sent)
    if not any(w in text for w in _ATTRIBUTION_WORDS):
        return None
    m = _ACCORDING.search(text)
    if m:
        cut_char = sent.start_char + m.start()
        tok = _token_at(sent, cut_char)
        hedge = None
        return FoundAttribution(
            Attribution(
                source=m.group("src").strip(),
                via=(m.group("via") or "").strip() or None,
                hedge=hedge,
            ),
            tok,
        )
    m = _SAID_END.search(text)
    if m:
        return FoundAttribution(
            Attribution(source=m.group("src").strip()), _token_at(sent, sent.start_char + m.start())
        )
    m = _SAID_MID.search(text)
    if m:  # "…, Turkish defence officials said, in what would be…": recorded, nothing cut
        return FoundAttribution(Attribution(source=m.group("src").strip()), sent.end)
    m = _SAID_AFTER.search(text)
    if m:
        return FoundAttribution(
            Attribution(source=m.group("src").strip()), _token_at(sent, sent.start_char + m.start())
        )
    m = _SAID_BEFORE.search(text)
    if m and len(m.group("src").split()) <= 10:
        return FoundAttribution(Attribution(source=m.group("src").strip()), sent.end)
    return None


def find_denials(sent: SpacySpan) -> list[Comment]:
    """Who denies what the sentence claims ("Tehran denied supplying ballistic missiles to Moscow")."""
    text = _text(sent)
    if "deni" not in text and "dismiss" not in text and "reject" not in text:
        return []
    out = []
    for m in _DENIAL.finditer(text):
        src = _LEAD_WORDS.sub("", m.group("src").strip())
        s, e = sent.start_char + m.start("src"), sent.start_char + m.end("stance")
        stance = (
            m.group("stance").rsplit(" ", 1)[0]
            if m.group("stance").split()[-1]
            in (
                "supplying",
                "selling",
                "providing",
                "sending",
                "delivering",
                "buying",
                "receiving",
                "any",
                "that",
                "it",
            )
            else m.group("stance")
        )
        out.append(
            Comment(
                source=src,
                stance=stance,
                evidence=Span(s, e, text[s - sent.start_char : e - sent.start_char]),
            )
        )
    return out


def _token_at(sent: SpacySpan, char: int) -> int:
    for tok in sent:
        if tok.idx >= char:
            return tok.i
    return sent.end


_REFUSAL_WORDS = ("comment", "respond", "reached")


def find_refusals(sent: SpacySpan) -> list[Comment]:
    out = []
    text = _text(sent)
    if not any(w in text for w in _REFUSAL_WORDS):
        return out
    for m in _REFUSAL.finditer(text):
        src = _LEAD_WORDS.sub("", m.group("src").strip())
        if not src:
            continue
        s = sent.start_char + m.start("src") + (len(m.group("src")) - len(m.group("src").lstrip()))
        e = sent.start_char + m.end("stance")
        out.append(
            Comment(
                source=src,
                stance=m.group("stance"),
                evidence=Span(s, e, text[s - sent.start_char : e - sent.start_char]),
            )
        )
    return out
