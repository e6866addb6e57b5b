"""Linking stage: what a document says of itself — its dateline, and the country behind "we" and "our"."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

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
