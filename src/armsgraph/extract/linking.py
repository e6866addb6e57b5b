"""Linking stage: what a document says of itself — its dateline, and the country behind "we" and "our"."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from armsgraph.extract.context import DocContext
from armsgraph.extract.ontology import Ontology
from armsgraph.nlp.gazetteer import Gazetteer


class Linker:
    """Sets on the context the dateline's end and country, the speaker (the publisher's or the
    dateline's government), the host of a publishing embassy and the countries of a joint statement."""

    def __init__(self, nlp: Language, gazetteer: Gazetteer, ontology: Ontology):
        self.nlp = nlp
        self.gaz = gazetteer
        self.words = ontology.words
        # Publishers' names, read once each: a corpus has few (a cache, not per-document state).
        self._names_cache: dict[str, list[tuple[str, str]]] = {}

    def __call__(self, ctx: DocContext) -> None:
        document = ctx.document
        span = document.meta.get("dateline_span") if document.meta else None
        dateline_end = int(span[1]) if span else dateline_end_of(ctx.doc)
        ctx.dateline_end = dateline_end
        self._link_in_context(ctx)
        ctx.speaker = self._speaker(ctx)
        ctx.host = self._embassy_host(ctx)
        ctx.speakers = self._joint_speakers(ctx)
        if dateline_end:
            for ent in ctx.ents:
                if ent.end_char <= dateline_end and ent.label_ == "COUNTRY":
                    ctx.dateline_country = ent.id_
        if dateline_end and not document.dateline:
            document.dateline = (
                ctx.text[:dateline_end].rstrip(" :—–-").split(",")[0].split("(")[0].strip() or None
            )

    # ----------------------------------------------------------------- names in context
    def _link_in_context(self, ctx: DocContext) -> None:
        """Names read by the document: an alias of several entities ("IAF") is the one whose
        country the document speaks of (its names, its dateline, its publisher); a name the
        document gives another ("Israeli Air Force (IAF)", "Hanwha Aerospace, formerly known as
        Samsung Techwin") stands for that entity wherever it is written in the document."""
        alternatives = ctx.doc.user_data.get("alternatives") or {}
        aliases = self._document_aliases(ctx)
        if not alternatives and not aliases:
            return
        ents = {(e.start, e.end): e for e in ctx.ents}
        changed = False
        if alternatives:
            evidence = self._evidence(ctx, alternatives)
            for key, ids in alternatives.items():
                ent = ents.get(key)
                if ent is None or ent.id_ != ids[0]:
                    continue  # a longer name covers it
                best = max(ids, key=lambda i: (self._score(i, evidence), -ids.index(i)))
                if best != ent.id_:
                    ents[key] = SpacySpan(
                        ctx.doc, ent.start, ent.end, label=ent.label_, span_id=best
                    )
                    changed = True
        toks = ctx.toks
        for words, target in aliases:
            n = len(words)
            for i in range(len(toks) - n + 1):
                if toks[i].text != words[0] or tuple(t.text for t in toks[i : i + n]) != words:
                    continue
                key = (i, i + n)
                here = ents.get(key)
                if key == (target.start, target.end) or (
                    here is not None and here.id_ == target.id_
                ):
                    continue
                if here is not None or not any(s < i + n and i < e for s, e in ents):
                    ents[key] = SpacySpan(
                        ctx.doc, i, i + n, label=target.label_, span_id=target.id_
                    )
                    changed = True
        if not changed:
            return
        ctx.doc.set_ents(sorted(ents.values(), key=lambda e: e.start), default="outside")
        ctx.ents = list(ctx.doc.ents)
        ctx.ent_starts = [e.start for e in ctx.ents]

    def _evidence(self, ctx: DocContext, alternatives: dict) -> dict:
        """What the document says of where it stands: the countries of the names no alias leaves
        in doubt, counted; the dateline's and the publisher's country; the entities named."""
        countries: dict[str, int] = {}
        named: set[str] = set()
        for e in ctx.ents:
            if (e.start, e.end) in alternatives or e.label_ not in ("COUNTRY", "ORG", "PERSON"):
                continue
            named.add(e.id_)
            country = self._country(e.id_)
            if country:
                countries[country] = countries.get(country, 0) + 1
        places = set()
        for e in ctx.ents:
            if e.end_char <= ctx.dateline_end and e.label_ == "COUNTRY":
                places.add(self._country(e.id_))
        publisher = (ctx.document.meta or {}).get("publisher")
        for eid, _label in self._names_in(str(publisher)) if publisher else []:
            entry = self.gaz.get(eid)
            if entry is not None and entry.category != "media" and self._country(eid):
                places.add(self._country(eid))
                break
        return {"countries": countries, "places": places - {None}, "named": named}

    def _country(self, eid: str) -> str | None:
        entry = self.gaz.get(eid)
        if entry is None:
            return None
        return entry.country or (eid.split(":", 1)[1] if entry.type == "country" else None)

    def _score(self, eid: str, evidence: dict) -> int:
        """How much the document speaks for reading an alias as `eid`: named in full counts most,
        then the dateline's or publisher's country, then each name of its country."""
        country = self._country(eid)
        score = 100 if eid in evidence["named"] else 0
        if country:
            score += 10 * (country in evidence["places"]) + evidence["countries"].get(country, 0)
        return score

    def _document_aliases(self, ctx: DocContext) -> list[tuple[tuple[str, ...], SpacySpan]]:
        """Names the document gives an entity: an acronym in parentheses after its name that
        its initials spell ("Israeli Air Force (IAF)"), and the name after "formerly known as",
        "also called" (`alias_cues`)."""
        toks, words = ctx.toks, self.words
        out: list[tuple[tuple[str, ...], SpacySpan]] = []
        n = len(toks)
        for e in ctx.ents:
            j = e.end
            if _generic(e.id_):
                continue  # "unmanned aerial vehicles (UAVs)": a kind of weapon has no name of its own
            if j + 2 < n and toks[j].text == "(" and toks[j + 2].text == ")":
                acronym = toks[j + 1].text
                if (
                    acronym.isalpha()
                    and acronym.isupper()
                    and 2 <= len(acronym) <= 8
                    and _spells(acronym, e)
                ):
                    out.append(((acronym,), e))
        text = ctx.text
        if any(cue in text for cue in words.alias_cues):
            ends = {e.end: e for e in ctx.ents}
            starts = {e.start: e for e in ctx.ents}
            cues = [tuple(c.split()) for c in words.alias_cues]
            for i, tok in enumerate(toks):
                for cue in cues:
                    if tok.norm_ != cue[0] or tuple(t.norm_ for t in toks[i : i + len(cue)]) != cue:
                        continue
                    name = ends.get(i) or (
                        ends.get(i - 1) if i and toks[i - 1].text in words.alias_joiners else None
                    )
                    k = i + len(cue)
                    while k < n and toks[k].norm_ in words.alias_skipped:
                        k += 1
                    if name is None or k >= n or _generic(name.id_):
                        continue
                    other = starts.get(k)
                    if other is not None and _unknown(name.id_) and not _unknown(other.id_):
                        if not _generic(other.id_):  # the name the gazetteer knows stands for both
                            out.append((tuple(t.text for t in toks[name.start : name.end]), other))
                        continue
                    end = other.end if other is not None else k
                    while other is None and end < n and toks[end].text[:1].isupper():
                        end += 1
                    if end > k:
                        out.append((tuple(t.text for t in toks[k:end]), name))
        return out

    def _names_in(self, text: str) -> list[tuple[str, str]]:
        """(id, label) of the names in a short text such as a publisher."""
        found = self._names_cache.get(text)
        if found is None:
            if len(self._names_cache) > 10_000:
                self._names_cache.clear()
            found = self._names_cache[text] = [(e.id_, e.label_) for e in self.nlp(text).ents]
        return found

    def _speaker(self, ctx: DocContext) -> str | None:
        """The country behind "we" and "our" in an official release: its publisher's, else its dateline's."""
        publisher = (ctx.document.meta or {}).get("publisher")
        candidates = [eid for eid, _label in self._names_in(str(publisher))] if publisher else []
        candidates.extend(e.id_ for e in ctx.ents if e.end_char <= ctx.dateline_end)
        for eid in candidates:
            entry = self.gaz.get(eid)
            if (
                entry is not None
                and entry.type in ("country", "organization")
                and entry.category != "media"
            ):
                country = entry.country or (
                    eid.split(":", 1)[1] if entry.type == "country" else None
                )
                if country and entry.category not in ("company",):
                    cid = f"country:{country}"
                    ctx.ensure_entity(cid)
                    return cid
        return None

    def _joint_speakers(self, ctx: DocContext) -> list[str]:
        """The countries a joint statement speaks for ("As leaders of Australia, the United
        Kingdom, and the United States, ... we resolve"): "we" is all of them."""
        m = self.words.joint_leaders.search(ctx.text[:600])
        if m is None:
            return []
        found = [
            e.id_
            for e in ctx.ents
            if e.label_ == "COUNTRY" and m.start(1) <= e.start_char < m.end(1)
        ]
        found = list(dict.fromkeys(found))
        for cid in found:
            ctx.ensure_entity(cid)
        return found if len(found) >= 2 else []

    def _embassy_host(self, ctx: DocContext) -> str | None:
        """The country an embassy that published the report is in ("U.S. Embassy in Ethiopia",
        "U.S. Embassy Beirut"), when it is not the speaker's own."""
        publisher = str((ctx.document.meta or {}).get("publisher") or "")
        m = self.words.embassy.search(publisher)
        if m is None or ctx.speaker is None:
            return None
        for eid, label in self._names_in(m.group("place")):
            if label == "COUNTRY" and eid != ctx.speaker:
                return eid
        return None


def _generic(eid: str) -> bool:
    return eid.startswith("category:")


def _unknown(eid: str) -> bool:
    """A name the gazetteer does not know (found by its title or suffix)."""
    return ":x-" in eid


def _spells(acronym: str, name: SpacySpan) -> bool:
    """True when the acronym's letters are the initials of the name's words, in order, from the
    first ("AFSAC": Air Force Security Assistance and Cooperation Directorate)."""
    initials = [t.text[0].upper() for t in name if t.text[:1].isalpha()]
    if not initials or initials[0] != acronym[0]:
        return False
    it = iter(initials)
    return all(letter in it for letter in acronym)


def dateline_end_of(doc: Doc) -> int:
    """Char offset just after a dateline such as "ISLAMABAD:" or "WASHINGTON —", else 0."""
    for i, tok in enumerate(doc[:8]):
        if tok.text in (":", "—", "–", "-", "--") and i > 0:
            words = [t for t in doc[:i] if not t.is_punct and not t.is_space]
            alpha = [t for t in words if t.is_alpha]
            upper = all(
                t.text.isupper() or t.text[:1].isdigit() or t.text.startswith("(") for t in alpha
            )
            # "Cairo –The United States delivered": a place in title case before a dash is a dateline too.
            place = (
                tok.text != ":"
                and len(alpha) <= 3
                and all(t.text[:1].isupper() for t in alpha)
                and any(t.ent_type_ == "COUNTRY" for t in words)
            )
            if alpha and (upper or place):
                return tok.idx + len(tok)
            return 0
        if tok.is_sent_end:
            return 0
    return 0
