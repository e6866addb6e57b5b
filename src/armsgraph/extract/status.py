"""Decide an event's status (proposed, agreed, in_progress, completed, cancelled) from the wording around its trigger."""

from __future__ import annotations

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan
from spacy.util import filter_spans

from armsgraph.extract.ontology import Ontology

RIGHT_REACH = 8
LEFT_REACH = 10


class StatusTagger:
    """The status cue table (`status_cues.jsonl`) as a phrase matcher, and the rules that read its matches."""

    def __init__(self, nlp: Language, ontology: Ontology):
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.cues = ontology.status_cues
        self.words = ontology.words
        for i, cue in enumerate(self.cues):
            self.matcher.add(f"S{i}", [nlp.make_doc(p) for p in cue.phrases])

    def match(self, doc: Doc) -> list[tuple[int, int, int]]:
        """The status cues of a document: (token start, token end, cue index), longest first."""
        # "May 12" is a month, not the modal "may".
        spans = [
            SpacySpan(doc, s, e, label=m)
            for m, s, e in self.matcher(doc)
            if not (
                e - s == 1
                and doc[s].text in self.words.month_like_cues
                and not doc[s].is_sent_start
            )
        ]
        return [
            (sp.start, sp.end, int(doc.vocab.strings[sp.label][1:])) for sp in filter_spans(spans)
        ]

    def decide(
        self,
        doc: Doc,
        matches: list[tuple[int, int, int]],
        t_start: int,
        t_end: int,
        clause: tuple[int, int],
        spec: dict,
    ) -> tuple[str, bool]:
        """(status, whether a cue in the text decided it), from the cues `match` found in `doc`."""
        lo, hi = clause
        words = self.words
        allowed = spec.get("statuses")
        in_clause = [
            (s, e, i)
            for s, e, i in matches
            if lo <= s and e <= hi and (allowed is None or self.cues[i].status in allowed)
        ]
        for _s, _e, i in in_clause:
            cue = self.cues[i]
            if cue.strong and cue.status == "cancelled":
                return cue.status, True
        near = [(s, e, i) for s, e, i in in_clause if self.cues[i].strong and abs(s - t_start) <= 6]
        if near:
            return self.cues[near[0][2]].status, True
        # "will be delivered", "would assemble": the future speaks louder than the verb's own tense.
        if any(doc[j].norm_ in words.modals for j in range(max(lo, t_start - 3), t_start)):
            return "proposed", True
        # "is upgrading", "are currently jointly producing": the progressive means under way.
        j = t_start - 1
        while j >= lo and (
            doc[j].norm_.endswith(words.adverb_endings)
            or doc[j].norm_ in words.status_skipped_adverbs
        ):
            j -= 1
        if (
            doc[t_start].norm_.endswith(words.gerund_endings)
            and j >= lo
            and doc[j].norm_ in words.progressive_auxiliaries
            and (allowed is None or "in_progress" in allowed)
        ):
            return "in_progress", True
        if spec.get("status_from") != "after":
            # A cue far back in a long clause speaks of something else ("troops exchanged fire
            # along the border on Sunday, the first incident since a ceasefire was agreed").
            left = [
                (s, e, i)
                for s, e, i in in_clause
                if s <= t_end - 1 and s < t_end and e <= t_end + 2 and t_start - e <= LEFT_REACH
            ]
            if left:
                s, _e, i = max(left, key=lambda m: (m[1], m[1] - m[0]))
                # "will be built in Poland under licence": the future of the cue's own verb.
                if self.cues[i].status in ("completed", "in_progress", "agreed") and any(
                    doc[j].norm_ in words.modals for j in range(max(lo, s - 3), s)
                ):
                    return "proposed", True
                return self.cues[i].status, True
        # "the delivery of this C-130 has been long awaited might be an understatement": a modal
        # after another finite verb speaks of that verb's clause, not of the trigger.
        right = [
            (s, e, i)
            for s, e, i in in_clause
            if s >= t_end
            and s - t_end <= RIGHT_REACH
            and not (
                e - s == 1
                and doc[s].norm_ in words.modal_cues
                and any(doc[j].norm_ in words.finite_auxiliaries for j in range(t_end, s))
            )
        ]
        if right:
            return self.cues[min(right)[2]].status, True
        return spec.get("default_status", "proposed"), False
