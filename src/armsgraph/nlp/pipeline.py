"""Build the spaCy pipeline: blank English, sentences, gazetteer entities, unknown names."""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

import spacy
from spacy.attrs import NORM
from spacy.lang.en import English
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, filter_spans

from armsgraph.errors import ArmsgraphError
from armsgraph.nlp.gazetteer import Gazetteer, fold, is_case_sensitive, load_gazetteer
from armsgraph.nlp.names import find_unknown_names, name_cues

# spaCy labels for gazetteer entity types.
LABELS = {
    "country": "COUNTRY",
    "organization": "ORG",
    "person": "PERSON",
    "weapon_system": "SYSTEM",
    "program": "PROGRAM",
    "facility": "FACILITY",
    "location": "LOC",
}
TYPES_BY_LABEL = {v: k for k, v in LABELS.items()}

# An alias written in capitals this short is an acronym: match it case-sensitively so that
# "US" does not match the pronoun "us", nor "HAL" the name "Hal".
_ACRONYM = re.compile(r"^[A-Z0-9][A-Z0-9.\-&/]*$")


def _is_acronym(alias: str) -> bool:
    letters = sum(c.isalpha() for c in alias)
    return bool(_ACRONYM.match(alias)) and letters <= 5


class _FoldedDefaults(English.Defaults):
    # Token norms fold case, diacritics and curly apostrophes, so "Türkiye’s" matches "turkiye's".
    lex_attr_getters = {**English.Defaults.lex_attr_getters, NORM: fold}  # noqa: RUF012 (spaCy's API)


class ArmsgraphEnglish(English):
    """English with diacritic-folded token norms."""

    lang = "en"
    Defaults = _FoldedDefaults


def _plural(alias: str) -> str | None:
    if not alias or alias[-1] in "sS" or not alias[-1].isalnum():
        return None
    return alias + "s"


@Language.factory(
    "armsgraph_gazetteer",
    assigns=["doc.ents", "token.ent_type", "token.ent_id", "doc.user_data"],
    requires=["doc.sents"],
    default_config={"gazetteer_files": []},
)
def make_gazetteer_tagger(nlp: Language, name: str, gazetteer_files: list[str]) -> GazetteerTagger:
    return GazetteerTagger(nlp, load_gazetteer(tuple(gazetteer_files)))


class GazetteerTagger:
    """Marks every gazetteer alias in the text as an entity (longest match wins).

    Two phrase matchers: folded norms for names, exact spelling for short acronyms. An alias
    that names several entities ("IAF": the Indian or the Israeli Air Force) is read as the
    one listed first in the gazetteer, and the others are kept in
    `doc.user_data["alternatives"]` ((start, end) → ids, the chosen one first) for the
    extractor's linking stage to decide by the document.
    """

    def __init__(self, nlp: Language, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.rank = {eid: i for i, eid in enumerate(gazetteer.entries)}  # gazetteer order
        cues = name_cues()
        self.ship_prefixes = cues["ship_prefixes"]
        self.civilian_cargo = cues["civilian_cargo"]
        self.folded = PhraseMatcher(nlp.vocab, attr="NORM")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        folded: dict[str, list[Doc]] = {}
        exact: dict[str, list[Doc]] = {}
        seen: set[tuple[str, str, bool]] = set()
        for entry in gazetteer.entries.values():
            names = entry.names()
            if entry.type == "weapon_system":
                names = names + [p for p in (_plural(n) for n in names) if p]
            for alias in names:
                is_exact = _is_acronym(alias) or is_case_sensitive(alias)
                # Names that are also English words ("Turkey", "Chad") match as written or in capitals.
                variants = (
                    {alias, alias.upper()} if is_exact and not _is_acronym(alias) else {alias}
                )
                if _is_acronym(alias) and alias.isalpha() and len(alias) >= 4:
                    # Names set in capitals by convention are written "Kaan", "Anka", "Nato" too.
                    variants.add(alias.title())
                for variant in variants:
                    key = (entry.id, variant if is_exact else fold(variant), is_exact)
                    if key in seen:
                        continue
                    seen.add(key)
                    target = exact if is_exact else folded
                    target.setdefault(entry.id, []).append(variant)
        # Tokenizing the aliases in one batch is several times faster than one make_doc each.
        for matcher, table in ((self.folded, folded), (self.exact, exact)):
            ids = list(table)
            flat = [a for eid in ids for a in table[eid]]
            docs = iter(nlp.tokenizer.pipe(flat, batch_size=1000))
            for eid in ids:
                matcher.add(eid, [next(docs) for _ in table[eid]])

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        vocab_strings = doc.vocab.strings
        for matcher in (self.folded, self.exact):
            for match_id, start, end in matcher(doc):
                eid = vocab_strings[match_id]
                entry = self.gazetteer.entries[eid]
                spans.append(Span(doc, start, end, label=LABELS[entry.type], span_id=eid))
        # Longest match wins; among equal spans the more specific type (not a category) wins,
        # then the entity listed first in the gazetteer.
        rank = self.rank
        spans.sort(
            key=lambda s: (s.start, -(s.end - s.start), s.id_.startswith("category:"), rank[s.id_])
        )
        alternatives = _alternatives(spans)
        if alternatives:
            doc.user_data["alternatives"] = alternatives
        spans = [
            s
            for s in filter_spans(spans)
            if not (self._hull_number(doc, s) or self._civilian(doc, s))
        ]
        spans.extend(find_unknown_names(doc, spans))
        doc.ents = filter_spans(spans)
        return doc

    def _hull_number(self, doc: Doc, span: Span) -> bool:
        """ "USS Squall (PC 7)": a code in parentheses after a ship's name is its hull number,
        not the system the gazetteer knows by it (the Pilatus PC-7)."""
        start, end = span.start, span.end
        if span.label_ != "SYSTEM" or start < 2 or end >= len(doc):
            return False
        if doc[start - 1].text != "(" or doc[end].text != ")":
            return False
        return any(doc[j].text in self.ship_prefixes for j in range(max(0, start - 6), start - 1))

    def _civilian(self, doc: Doc, span: Span) -> bool:
        """ "aid trucks", "trucks of humanitarian aid": trucks that carry aid are no weapons."""
        entry = self.gazetteer.entries.get(span.id_)
        if entry is None or entry.category != "military_vehicle":
            return False
        before = doc[max(0, span.start - 2) : span.start]
        after = doc[span.end : span.end + 3]
        near = [t.lower_ for t in before]
        if after and after[0].lower_ in ("of", "carrying", "with"):
            near += [t.lower_ for t in after[1:]]
        return any(w in self.civilian_cargo for w in near)


def _alternatives(spans: list[Span]) -> dict[tuple[int, int], tuple[str, ...]]:
    """(start, end) → the entity ids of spans matched at the same place, in order (kinds of
    weapon, "category:" ids, are no alternative to a named entity)."""
    out: dict[tuple[int, int], tuple[str, ...]] = {}
    for a, b in itertools.pairwise(spans):
        if (
            a.start == b.start
            and a.end == b.end
            and not b.id_.startswith("category:")
            and a.id_ != b.id_
        ):
            key = (a.start, a.end)
            out[key] = (*out.get(key, (a.id_,)), b.id_)
    return out


def build_pipeline(model: str | None = None, gazetteer_files: tuple[str, ...] = ()) -> Language:
    """The armsgraph pipeline: sentence splitting + gazetteer entities (+ a statistical model's
    parser and tagger when `model` names an installed spaCy package)."""
    if model:
        try:
            nlp = spacy.load(model, exclude=["ner", "lemmatizer"])
        except OSError as exc:
            raise ArmsgraphError(
                f"spaCy model {model!r} is not installed",
                hint=f"install it with `pip install {model}` or leave out --model to use the rules only",
            ) from exc
        nlp.vocab.lex_attr_getters[NORM] = fold
    else:
        nlp = ArmsgraphEnglish()
    # Tokenizing ~20k aliases would otherwise fill the tokenizer cache and slow the corpus down.
    nlp.tokenizer.max_cache_size = 1_000_000
    # "U.S.-made" → "U.S." "-" "made", so the country is found.
    nlp.tokenizer.infix_finditer = compile_infix_regex(
        [*nlp.Defaults.infixes, r"(?<=[A-Z]\.)-(?=[a-z])"]
    ).finditer
    if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer", config={"punct_chars": [".", "!", "?", "\n"]})
    nlp.add_pipe("armsgraph_gazetteer", config={"gazetteer_files": list(gazetteer_files)})
    return nlp


@lru_cache(maxsize=4)
def get_pipeline(model: str | None = None, gazetteer_files: tuple[str, ...] = ()) -> Language:
    """A shared pipeline per (model, gazetteer files): building one costs about a second."""
    return build_pipeline(model, gazetteer_files)
