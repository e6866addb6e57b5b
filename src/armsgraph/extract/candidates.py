"""Candidates stage: a document's sentences and clauses, the trigger words in them, and the cue phrases later stages read."""

from __future__ import annotations

import bisect
import itertools

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Span as SpacySpan
from spacy.util import filter_spans

from armsgraph.extract.context import DocContext, SentenceContext, Trigger
from armsgraph.extract.ontology import Ontology

# Words a gapped trigger phrase may hold between its ends ("produce Turkish Anka drones locally").
MAX_GAP = 3
# Lexicon tables matched as cue phrases, one matcher for all (the longest phrase wins where they overlap).
CUE_TABLES = (
    "group_anaphors",
    "institutions",
    "government_of",
    "hedges",
    "observer_verbs",
    "mediation",
)


class Candidates:
    """Matches the trigger phrases of `triggers.jsonl` (plain and gapped, less the exclusions) and
    the cue phrases of `ontology.json`, then sets on the context the triggers and cue spans, and one
    `SentenceContext` per sentence after the dateline with its triggers and clauses."""

    def __init__(self, nlp: Language, ontology: Ontology):
        self.nlp = nlp
        self.onto = ontology
        lex = ontology.lexicon
        self.words = ontology.words
        self.trigger_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        for i, rule in enumerate(ontology.triggers):
            plain = [p for p in rule.phrases if "*" not in p.split()]
            if plain:
                self.trigger_matcher.add(f"T{i}", [nlp.make_doc(p) for p in plain])
        self.trigger_matcher.add("EXCLUDE", [nlp.make_doc(p) for p in lex.exclusions])
        # Phrases with "*" allow up to MAX_GAP words in the gap ("transfer * technology"): both ends
        # are found by a phrase matcher and paired here; a token Matcher with optional wildcards
        # costs more than everything else put together.
        self.gap_ends = PhraseMatcher(nlp.vocab, attr="NORM")
        self.gapped: list[tuple[int, str, str]] = []  # (rule index, left key, right key)
        for i, rule in enumerate(ontology.triggers):
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
        self.cue_matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        for key in CUE_TABLES:
            self.cue_matcher.add(key, [nlp.make_doc(p) for p in getattr(lex, key)])
        breaks = sorted(
            (tuple(nlp.make_doc(b).to_array("NORM").tolist()) for b in lex.clause_breaks),
            key=len,
            reverse=True,
        )
        self.break_norms = [[nlp.vocab.strings[n] for n in b] for b in breaks]
        self.break_firsts = {b[0] for b in self.break_norms}
        self.conflict_family = lex.conflict_family

    def __call__(self, ctx: DocContext) -> None:
        ctx.spans = self._cue_spans(ctx)
        ctx.triggers = self._triggers(ctx)
        ctx.trigger_starts = {t.start for t in ctx.triggers}
        ctx.conflict_starts = {t.start for t in ctx.triggers if t.rule.type in self.conflict_family}
        starts = [t.start for t in ctx.triggers]
        text = ctx.text
        for sent in ctx.doc.sents:
            if (
                sent.end_char <= ctx.dateline_end
                or not text[sent.start_char : sent.end_char].strip()
            ):
                continue
            found = ctx.triggers[
                bisect.bisect_left(starts, sent.start) : bisect.bisect_left(starts, sent.end)
            ]
            # A sentence with no trigger is read whole, for the names later mentions refer back
            # to; one with a colon may hold a list of deals, read in clauses.
            split = found or ":" in text[sent.start_char : sent.end_char]
            ctx.sentences.append(
                SentenceContext(
                    sent=sent,
                    start=sent.start,
                    end=sent.end,
                    start_char=sent.start_char,
                    end_char=sent.end_char,
                    span=_trim(text, sent.start_char, sent.end_char),
                    triggers=found,
                    cut=sent.end,
                    clauses=self._clauses(ctx, sent) if split else [(sent.start, sent.end)],
                )
            )

    # ----------------------------------------------------------------- match
    def _cue_spans(self, ctx: DocContext) -> dict:
        doc = ctx.doc
        out: dict = {"institutions": {}, "government_of": {}, "group_anaphors_list": []}
        matches = filter_spans([SpacySpan(doc, s, e, label=m) for m, s, e in self.cue_matcher(doc)])
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

    def _triggers(self, ctx: DocContext) -> list[Trigger]:
        doc = ctx.doc
        spans = []
        excluded = []
        for match_id, s, e in [*self.trigger_matcher(doc), *self._gap_matches(ctx)]:
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
            if ctx.toks[sp.start].ent_type_ in ("SYSTEM", "ORG", "PERSON"):
                continue  # "Fighting" in "F-16 Fighting Falcon" is a name, not a clash
            if sp.end - sp.start == 1 and self._in_title(ctx, sp.start):
                continue  # "Under Secretary of Defense for Acquisition": a job title, not a purchase
            rules = [self.onto.triggers[i] for i in sorted(set(rules_at[(sp.start, sp.end)]))]
            out.append(Trigger(rules, sp.start, sp.end))
        return out

    def _gap_matches(self, ctx: DocContext) -> list[tuple[int, int, int]]:
        if not self.gapped:
            return []
        ends: dict[str, list[tuple[int, int]]] = {}
        for match_id, s, e in self.gap_ends(ctx.doc):
            ends.setdefault(self.nlp.vocab.strings[match_id], []).append((s, e))
        out = []
        toks = ctx.toks
        for rule_index, lk, rk in self.gapped:
            for ls, le in ends.get(lk, []):
                for rs, re_ in ends.get(rk, []):
                    if 0 <= rs - le <= MAX_GAP and not any(toks[j].is_punct for j in range(le, rs)):
                        out.append((self.nlp.vocab.strings.add(f"T{rule_index}"), ls, re_))
        return out

    def _clauses(self, ctx: DocContext, sent: SpacySpan) -> list[tuple[int, int]]:
        """Token ranges of the clauses of a sentence, split at clause-break phrases."""
        toks = ctx.toks
        norms = [t.norm_ for t in toks[sent.start : sent.end]]
        cuts = [0]
        i = 0
        firsts = self.break_firsts
        conjunctions = self.words.list_conjunctions
        while i < len(norms):
            if norms[i] not in firsts:
                i += 1
                continue
            for b in self.break_norms:
                if norms[i : i + len(b)] == b:
                    after = sent.start + i + len(b)
                    if (
                        b[-1] in conjunctions
                        and i > 0
                        and after < sent.end
                        and toks[after].ent_type_ in ("COUNTRY", "ORG")
                        and toks[sent.start + i - 1].ent_type_ in ("COUNTRY", "ORG")
                    ):
                        break  # "the U.S., the Netherlands, and Canada" is one list, not two clauses
                    if b[0] == "," and b[-1] in conjunctions and "," in norms[max(0, i - 4) : i]:
                        break  # "production, sustainment, and follow-on development": a list
                    if i > 0:
                        cuts.append(i)
                    i += len(b) - 1
                    break
            i += 1
        cuts.append(len(norms))
        return [(sent.start + a, sent.start + b) for a, b in itertools.pairwise(cuts) if b > a]

    def _in_title(self, ctx: DocContext, i: int) -> bool:
        """A capitalised word joined by "for"/"of"/"and" to a capitalised word before it, inside a
        sentence: part of a name or title ("Office of Sales", "Secretary for Acquisition")."""
        toks = ctx.toks
        tok = toks[i]
        if not tok.is_title or tok.is_sent_start:
            return False
        j = i - 1
        while j > i - 4 and j >= 0 and toks[j].is_title and not toks[j].is_sent_start:
            j -= 1  # "Minister for Defense Procurement": the capitalised words before it belong too
        if j < 1:
            return False
        link, head = toks[j], toks[j - 1]
        if link.norm_ in self.words.title_links and head.is_title and not head.is_sent_start:
            return True
        # "the Egyptian Tank Plant outside of Cairo": capitalised after a capitalised word, in
        # prose (a headline in title case keeps its verbs: "Turkey To Assemble Drones").
        if j == i - 1 or not toks[i - 1].is_title:
            return False
        near = toks[max(0, i - 6) : i + 6]
        return any(t.is_lower and t.is_alpha and not t.is_stop for t in near)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end
