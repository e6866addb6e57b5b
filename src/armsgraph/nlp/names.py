"""Find names the gazetteer does not know: people after a title, organizations by their suffix."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc, Span

from armsgraph.model import content_hash


@lru_cache(maxsize=1)
def name_cues() -> dict[str, frozenset[str] | dict[str, int]]:
    raw = json.loads((resources.files("armsgraph") / "data" / "name_cues.json").read_text("utf-8"))
    titles = frozenset(raw["person_titles"])
    return {
        "titles": titles,
        "title_heads": frozenset(t.split()[-1] for t in titles),
        "org_suffixes": frozenset(raw["org_suffixes"]),
        "connectors": frozenset(raw["name_connectors"]),
        "office_words": frozenset(raw["office_words"]),
    }


def _capitalized(tok) -> bool:
    t = tok.text
    return bool(t) and (t[0].isupper() or (t[0].isdigit() and len(t) > 1)) and not tok.is_punct


def unknown_id(kind: str, name: str) -> str:
    """Stable id for a name the gazetteer does not know."""
    return f"{kind}:x-{content_hash(name.lower(), length=10)}"


def find_unknown_names(doc: Doc, known: list[Span]) -> list[Span]:
    """Spans labelled PERSON or ORG for title+name and name+suffix sequences outside `known`."""
    cues = name_cues()
    taken = set()
    for s in known:
        taken.update(range(s.start, s.end))
    out: list[Span] = []
    toks = list(doc)  # doc[i] builds a new Token on every access
    doc.user_data["tokens"] = toks  # the extractor reads the same list
    n = len(doc)
    i = 0
    while i < n:
        tok = toks[i]
        low = tok.norm_
        # Person: "<Title> Firstname Lastname" (up to four capitalized words, none known).
        if low in cues["title_heads"] and i + 1 < n:
            first = i + 1
            # "Secretary of Defense Gordon England", "Minister of National Defense Vecdi Gonul"
            if toks[first].norm_ == "of":
                k = first + 1
                while k < n and k - first <= 4 and toks[k].text[:1].isupper() and toks[k].norm_ in cues["office_words"]:
                    k += 1
                first = k if k > first + 1 else first
            j = first
            while j < n and j - first < 3 and _capitalized(toks[j]) and toks[j].norm_ not in cues["title_heads"] \
                    and (j not in taken or j > first):
                j += 1
            count = j - first
            if count >= 2 or (count == 1 and toks[first].text[0].isupper() and len(toks[first]) > 2 and first == i + 1
                              and first not in taken):
                name = doc[first:j]
                if not any(t.norm_ in cues["org_suffixes"] for t in name):
                    out.append(Span(doc, first, j, label="PERSON", span_id=unknown_id("person", name.text)))
                    i = j
                    continue
        # Organization: capitalized words (with connectors) ending in a suffix word.
        if _capitalized(tok) and i not in taken:
            j = i
            last_suffix = -1
            while j < n and j not in taken and (
                _capitalized(toks[j]) or (toks[j].norm_ in cues["connectors"] and j > i)
            ):
                if toks[j].norm_ in cues["org_suffixes"] or (
                    j + 1 < n and f"{toks[j].norm_} {toks[j + 1].norm_}" in cues["org_suffixes"]
                ):
                    last_suffix = j + (1 if j + 1 < n and f"{toks[j].norm_} {toks[j + 1].norm_}" in cues["org_suffixes"] else 0)
                j += 1
            if last_suffix >= i + 1:  # at least one word before the suffix
                start = i
                # A sentence-initial "The" is not part of the name.
                while start < last_suffix and toks[start].norm_ in cues["connectors"]:
                    start += 1
                span = doc[start : last_suffix + 1]
                is_title = any(t.norm_ in cues["title_heads"] for t in span)  # "Secretary of Defense"
                if len(span) >= 2 and not is_title and not all(t.norm_ in cues["org_suffixes"] for t in span):
                    out.append(Span(doc, start, last_suffix + 1, label="ORG", span_id=unknown_id("org", span.text)))
                    i = max(j, i + 1)
                    continue
        i += 1
    return out
