"""Find names the gazetteer does not know: people after a title, organizations by their suffix."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from spacy.attrs import IS_PUNCT, LENGTH, NORM, PREFIX
from spacy.strings import hash_string
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
        "ship_prefixes": frozenset(raw["ship_prefixes"]),
        "civilian_cargo": frozenset(raw["civilian_cargo_words"]),
    }


def _capitalized(tok) -> bool:
    t = tok.text
    return bool(t) and (t[0].isupper() or (t[0].isdigit() and len(t) > 1)) and not tok.is_punct


def unknown_id(kind: str, name: str) -> str:
    """Stable id for a name the gazetteer does not know."""
    return f"{kind}:x-{content_hash(name.lower(), length=10)}"


def find_unknown_names(doc: Doc, known: list[Span]) -> list[Span]:
    """Spans labelled PERSON or ORG for title+name and name+suffix sequences outside `known`."""
    taken = set()
    for s in known:
        taken.update(range(s.start, s.end))
    toks = list(doc)  # doc[i] builds a new Token on every access
    doc.user_data["tokens"] = toks  # the extractor reads the same list
    scan = _Scan(doc, taken)
    norm, cap, n = scan.norm, scan.cap, scan.n
    title_heads = scan.cues["title_heads"]
    i = 0
    while i < n:
        if norm[i] in title_heads and i + 1 < n:
            after = scan.person_at(i)
            if after is not None:
                i = after
                continue
        if cap[i] and i not in taken:
            after = scan.org_at(i)
            if after is not None:
                i = after
                continue
        i += 1
    return scan.out


class _Scan:
    """One document's tokens read as numbers (norm ids, capitalisation), and the names found."""

    def __init__(self, doc: Doc, taken: set[int]):
        self.doc, self.taken = doc, taken
        self.cues = _hashed_cues()
        # Read as numbers, not Token properties: this loop visits every token of every report.
        rows = doc.to_array([NORM, PREFIX, LENGTH, IS_PUNCT]).tolist()
        self.strings = strings = doc.vocab.strings
        kinds = _first_char_kinds  # first character of a token (PREFIX) → (is upper, is digit), few distinct
        for r in rows:
            if r[1] not in kinds:
                c = strings[r[1]][:1]
                kinds[r[1]] = (c.isupper(), c.isdigit())
        self.rows = rows
        self.norm = [r[0] for r in rows]
        self.upper = [kinds[r[1]][0] for r in rows]
        self.cap = [
            (k[0] or (k[1] and r[2] > 1)) and not r[3]
            for k, r in zip((kinds[r[1]] for r in rows), rows, strict=True)
        ]
        self.n = len(rows)
        self.out: list[Span] = []

    def two_word_suffix(self, j: int) -> bool:
        norm = self.norm
        return (
            norm[j] in self.cues["org_suffix_firsts"]
            and j + 1 < self.n
            and f"{self.strings[norm[j]]} {self.strings[norm[j + 1]]}"
            in self.cues["org_suffix_texts"]
        )

    def person_at(self, i: int) -> int | None:
        """End of "<Title> Firstname Lastname" (up to four capitalized words, none known) at i."""
        norm, upper, cap, n, taken, cues = (
            self.norm,
            self.upper,
            self.cap,
            self.n,
            self.taken,
            self.cues,
        )
        title_heads = cues["title_heads"]
        first = i + 1
        # "Secretary of Defense Gordon England", "Minister of National Defense Vecdi Gonul"
        if norm[first] == cues["of"]:
            k = first + 1
            while k < n and k - first <= 4 and upper[k] and norm[k] in cues["office_words"]:
                k += 1
            first = k if k > first + 1 else first
        j = first
        while (
            j < n
            and j - first < 3
            and cap[j]
            and norm[j] not in title_heads
            and (j not in taken or j > first)
        ):
            j += 1
        count = j - first
        one_word = (
            count == 1
            and upper[first]
            and self.rows[first][2] > 2
            and first == i + 1
            and first not in taken
        )
        org_suffixes = cues["org_suffixes"]
        if (count >= 2 or one_word) and not any(norm[x] in org_suffixes for x in range(first, j)):
            name = self.doc[first:j]
            self.out.append(
                Span(self.doc, first, j, label="PERSON", span_id=unknown_id("person", name.text))
            )
            return j
        return None

    def org_at(self, i: int) -> int | None:
        """Where to go on after capitalized words (with connectors) ending in a suffix word at i."""
        norm, cap, n, taken, cues = self.norm, self.cap, self.n, self.taken, self.cues
        connectors, org_suffixes = cues["connectors"], cues["org_suffixes"]
        j = i
        last_suffix = -1
        while j < n and j not in taken and (cap[j] or (norm[j] in connectors and j > i)):
            if norm[j] in org_suffixes:
                last_suffix = j + (1 if self.two_word_suffix(j) else 0)
            elif self.two_word_suffix(j):
                last_suffix = j + 1
            j += 1
        if last_suffix < i + 1:  # at least one word before the suffix
            return None
        start = i
        # A sentence-initial "The" is not part of the name.
        while start < last_suffix and norm[start] in connectors:
            start += 1
        # "Secretary of Defense"
        is_title = any(norm[x] in cues["title_heads"] for x in range(start, last_suffix + 1))
        if (
            last_suffix + 1 - start >= 2
            and not is_title
            and not all(norm[x] in org_suffixes for x in range(start, last_suffix + 1))
        ):
            span = self.doc[start : last_suffix + 1]
            self.out.append(
                Span(
                    self.doc,
                    start,
                    last_suffix + 1,
                    label="ORG",
                    span_id=unknown_id("org", span.text),
                )
            )
            return max(j, i + 1)
        return None


_first_char_kinds: dict[int, tuple[bool, bool]] = {}


@lru_cache(maxsize=1)
def _hashed_cues() -> dict:
    """The cue words as the ids spaCy gives token norms, so tokens are compared as numbers."""
    cues = name_cues()
    out: dict = {key: frozenset(hash_string(w) for w in words) for key, words in cues.items()}
    out["org_suffix_texts"] = cues[
        "org_suffixes"
    ]  # two-word suffixes ("air force") are matched as text
    out["org_suffix_firsts"] = frozenset(
        hash_string(w.split()[0]) for w in cues["org_suffixes"] if " " in w
    )
    out["of"] = hash_string("of")
    return out
