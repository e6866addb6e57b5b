"""Attributes stage: an event's status, time, quantity and value, read from the words around its trigger."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from armsgraph.extract.context import DocContext, Draft, SentenceContext
from armsgraph.extract.ontology import Ontology
from armsgraph.extract.status import StatusTagger
from armsgraph.model import Span
from armsgraph.nlp.time import resolve_time


class Attributes:
    """Sets a draft's status (the status cues of `status_cues.jsonl` around its trigger), its time
    (the one nearest the trigger in its clause), its value and quantity (money in its clause, a
    count before its system); a clash dated before the report is over."""

    def __init__(self, nlp: Language, ontology: Ontology):
        self.onto = ontology
        self.status = StatusTagger(nlp, ontology)
        self.conflict_family = ontology.lexicon.conflict_family
        self.ongoing_markers = ontology.words.ongoing_markers

    def __call__(self, ctx: DocContext, sc: SentenceContext, draft: Draft) -> None:
        if draft.implied_by is not None:
            # What the words imply is going on, at the time of what they say.
            draft.status, draft.status_cue = "in_progress", False
            draft.time = draft.implied_by.time
            return
        if draft.list_head is not None:
            self._list_item(ctx, sc, draft)
            return
        spec = self.onto.types[draft.type]
        if draft.rule is not None and draft.rule.default_status:
            spec = {**spec, "default_status": draft.rule.default_status}
        draft.status, draft.status_cue = self.decide(ctx, *draft.trigger_span, draft.clause, spec)
        self._amounts(ctx, sc, draft)
        self._past_is_done(ctx, draft)

    def decide(
        self, ctx: DocContext, t_start: int, t_end: int, clause: tuple[int, int], spec: dict
    ) -> tuple[str, bool]:
        """(status, whether a cue decided it) of the trigger at tokens [t_start, t_end)."""
        if ctx.status_matches is None:
            ctx.status_matches = self.status.match(ctx.doc)
        return self.status.decide(ctx.doc, ctx.status_matches, t_start, t_end, clause, spec)

    def status_rule(self, doc: Doc):
        """The status the cue rules give a trigger (character spans) of an event type, in `doc`."""
        matches = self.status.match(doc)

        def decide(trigger: tuple[int, int], sentence: tuple[int, int], event_type: str) -> str:
            span = doc.char_span(trigger[0], trigger[1], alignment_mode="expand")
            sent = doc.char_span(sentence[0], sentence[1], alignment_mode="expand")
            spec = self.onto.types[event_type]
            if span is None or sent is None:
                return spec.get("default_status", "proposed")
            return self.status.decide(
                doc, matches, span.start, span.end, (sent.start, sent.end), spec
            )[0]

        return decide

    def _list_item(self, ctx: DocContext, sc: SentenceContext, draft: Draft) -> None:
        """A deal in a list takes the status of the list's sale word, the time named before the
        colon and the money named in its own item."""
        anchor, colon = draft.list_head
        draft.status, draft.status_cue = self.decide(
            ctx, anchor, anchor + 1, (sc.start, colon), self.onto.types["arms_sale"]
        )
        money_all, _percent, counts_all, times_all = ctx.sentence_amounts(sc)
        if draft.list_item is not None:
            c0, c1 = ctx.char_span(*draft.list_item)
            money = [m for m in money_all if c0 <= m.start < c1]
            if money:
                draft.value, draft.value_span = (
                    money[0].value,
                    Span(money[0].start, money[0].end, money[0].text),
                )
            # "36 AH-64E Apache attack helicopters": the count that opens the item.
            counts = [q for q in counts_all if c0 <= q.start < c1]
            if counts and not ctx.text[c0 : counts[0].start].strip():
                draft.quantity = counts[0].value
        head_end = ctx.toks[colon].idx
        times = [t for t in times_all if t[0] < head_end]
        if times:
            draft.time = resolve_time(times[-1][2], times[-1][3], ctx.published)

    def _amounts(self, ctx: DocContext, sc: SentenceContext, draft: Draft) -> None:
        money_all, percent_all, counts_all, times_all = ctx.sentence_amounts(sc)
        toks, text = ctx.toks, ctx.text
        clause, window = draft.clause, draft.window
        w0, w1 = ctx.char_span(*window)
        c0, c1 = ctx.char_span(*clause)
        s0, s1 = sc.start_char, sc.end_char
        t0 = toks[draft.trigger_span[0]].idx
        after_only = self.onto.types[draft.type].get("status_from") == "after"
        money = [m for m in money_all if c0 <= m.start < c1] or (
            [m for m in money_all if t0 <= m.start < s1] if after_only else []
        )
        if after_only:
            money = [m for m in money if m.start >= t0] or money
        if money:
            draft.value = money[0].value
            draft.value_span = Span(money[0].start, money[0].end, money[0].text)
        if after_only:
            pct = [p for p in percent_all if t0 <= p.start < s1]
            if pct:
                draft.growth = (pct[0].value, Span(pct[0].start, pct[0].end, pct[0].text))
        # A count right before a system: "12 F-16s", "dozens of Pakistan's F-16s", "three (3) E-2D".
        for tstart, _tend, _tid in draft.thing_spans:
            sys_char = toks[tstart].idx
            for q in counts_all:
                if c0 <= q.start and q.end <= sys_char and sys_char - q.end <= 24:
                    between = text[q.end : sys_char]
                    if not any(ch in between for ch in ",;.") or between.strip() == "":
                        draft.quantity = q.value
            if draft.quantity:
                break
        if window != clause:
            times = [t for t in times_all if w0 <= t[0] < w1]
        else:
            times = [t for t in times_all if c0 <= t[0] < c1]
            if not times and sc.one_clause:
                # "In March, the ministry said Egypt signed ...": the sentence's time, unless it
                # belongs to another clause ("signed a framework last year, and X is expected to").
                times = [t for t in times_all if s0 <= t[0] < s1]
        if times:
            # The time nearest the trigger.
            best = min(times, key=lambda t: abs(t[0] - t0))
            draft.time = resolve_time(best[2], best[3], ctx.published)

    def _past_is_done(self, ctx: DocContext, draft: Draft) -> None:
        """Clashes "in June 2020" reported in 2025 are over: a default of "under way" yields to a
        time that ended before the report; so is the signing of a cooperation agreement."""
        published = ctx.published
        if (
            draft.type == "defense_cooperation"
            and draft.status == "agreed"
            and draft.time is not None
            and draft.time.end
            and published
            and draft.time.end[:4] < published[:4]
        ):
            # "The Mutual Defense Treaty, signed in 1951": an agreement signed in an earlier
            # year is in force, the act of signing done.
            draft.status = "completed"
            return
        if (
            draft.type not in self.conflict_family
            or draft.status_cue
            or draft.status != "in_progress"
        ):
            return
        if draft.time is None or not draft.time.end or not published:
            return
        sentence = ctx.text[draft.sentence[0] : draft.sentence[1]].lower()
        if draft.time.end[:7] < published[:7] and not any(
            w in sentence for w in self.ongoing_markers
        ):
            draft.status = "completed"
