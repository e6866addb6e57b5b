"""Load, validate and query the gazetteer: shipped CSV files plus the user's CSV/YAML files."""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from armsgraph.errors import GazetteerError
from armsgraph.nlp.folding import COMMON_WORDS, fold, is_case_sensitive, strip_marks
from armsgraph.nlp.gazetteer_rows import (
    COLUMNS,
    ENTITY_TYPES,
    ORGANIZATION_CATEGORIES,
    GazetteerEntry,
    read_csv_rows,
    read_rows,
    read_yaml_rows,
)

SHIPPED_FILES = (
    "countries.csv",
    "organizations.csv",
    "systems.csv",
    "programs.csv",
    "categories.csv",
)
# Environment variable naming extra gazetteer files, separated like PATH (os.pathsep).
ENV_VAR = "ARMSGRAPH_GAZETTEER"

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Match:
    """Why a name resolved to an entry: the alias it matched, how, and where the row came from."""

    entry: GazetteerEntry
    alias: str  # the name or alias as written in the gazetteer row
    how: str  # e.g. "alias", "alias, possessive 's dropped", "alias, ignoring case"

    @property
    def origin(self) -> str:
        return self.entry.origin


class Gazetteer:
    """All known entities by id, and an index from folded alias to entity ids.

    `problems` lists the rows of user files that were skipped, each naming file:line.
    """

    def __init__(
        self, entries: Iterable[GazetteerEntry], problems: list[GazetteerError] | None = None
    ):
        self.entries: dict[str, GazetteerEntry] = {}
        for e in entries:  # later entries (user files) override earlier ones
            self.entries[e.id] = e
        self.problems: list[GazetteerError] = list(problems or [])
        # folded alias -> ids, for aliases that match in any case
        self.by_alias: dict[str, list[str]] = {}
        # alias with diacritics off but case kept -> ids, for case-sensitive aliases
        self.by_exact: dict[str, list[str]] = {}
        # (key, id) -> the alias as written, to explain a match
        self._written: dict[tuple[str, str], str] = {}
        for e in self.entries.values():
            for n in e.names():
                if is_case_sensitive(n):
                    keys, index = {strip_marks(n), strip_marks(n).upper()}, self.by_exact
                else:
                    keys, index = {fold(n)}, self.by_alias
                for key in keys:
                    ids = index.setdefault(key, [])
                    if e.id not in ids:
                        ids.append(e.id)
                    self._written.setdefault((key, e.id), n)

    def __len__(self) -> int:
        return len(self.entries)

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self.entries

    def get(self, entity_id: str) -> GazetteerEntry | None:
        return self.entries.get(entity_id)

    def lookup(self, name: str) -> list[GazetteerEntry]:
        """Entries the name stands for (several when an alias is ambiguous), best first."""
        return [m.entry for m in self.explain(name)]

    def explain(self, name: str, any_case: bool = False) -> list[Match]:
        """Like lookup, but says which alias matched and how; `any_case` also tries
        case-sensitive aliases ignoring case (for people typing a name, not for prose)."""
        text = _SPACES.sub(" ", name.strip().strip('"“”«»()[],;:')).strip()
        for variant, how in _variants(text):
            found = self._match(variant, how, any_case=False)
            if found:
                return found
            found = self._country_variant(variant, how)
            if found:
                return found
        if any_case:
            for variant, how in _variants(text):
                found = self._match(variant, how + ", ignoring case", any_case=True)
                if found:
                    return found
        return []

    def _match(self, text: str, how: str, any_case: bool) -> list[Match]:
        key = fold(text)
        out = [
            Match(self.entries[i], self._written[(key, i)], how) for i in self.by_alias.get(key, [])
        ]
        exact = strip_marks(text)
        for i in self.by_exact.get(exact, []):
            out.append(Match(self.entries[i], self._written[(exact, i)], how))
        if not out and any_case:
            for k, ids in self.by_exact.items():
                if k.lower() == key:
                    out.extend(Match(self.entries[i], self._written[(k, i)], how) for i in ids)
        return _dedupe(out)

    def _country_variant(self, text: str, how: str) -> list[Match]:
        """'Turkiye navy' -> 'Turkish Navy': a leading country name swapped for its other names."""
        words = text.split(" ")
        for cut in range(len(words) - 1, 0, -1):
            head, rest = " ".join(words[:cut]), " ".join(words[cut:])
            countries = [
                m.entry for m in self._match(head, how, any_case=False) if m.entry.type == "country"
            ]
            if len(countries) != 1:
                continue
            for other in countries[0].names():
                found = self._match(f"{other} {rest}", how, any_case=False)
                found = [m for m in found if m.entry.type != "country"]
                if found:
                    return [
                        Match(m.entry, m.alias, f"{how}, {head!r} read as {other!r}") for m in found
                    ]
        return []

    def ambiguous_aliases(self) -> dict[str, list[str]]:
        """Aliases that name more than one entity (folded or exact key -> ids)."""
        out = {k: v for k, v in self.by_alias.items() if len(v) > 1}
        out.update({k: v for k, v in self.by_exact.items() if len(v) > 1})
        return out

    def stats(self) -> dict[str, Counter[str]]:
        """Counts of entries by type, and by category within each type."""
        by_type: Counter[str] = Counter(e.type for e in self.entries.values())
        out: dict[str, Counter[str]] = {"type": by_type}
        for t in by_type:
            out[t] = Counter(e.category or "(none)" for e in self.entries.values() if e.type == t)
        return out


def _dedupe(matches: list[Match]) -> list[Match]:
    seen: set[str] = set()
    out = []
    for m in matches:
        if m.entry.id not in seen:
            seen.add(m.entry.id)
            out.append(m)
    return out


def _variants(text: str) -> list[tuple[str, str]]:
    """Spellings to try, in order: as given, without 'the', without possessive, singular."""
    out = [(text, "alias")]
    low = fold(text)
    if low.startswith("the ") and len(text) > 4:
        out.append((text[4:], "alias, leading 'the' dropped"))
    for base, how in list(out):
        b = fold(base)
        if b.endswith("'s"):
            out.append((base[:-2], how + ", possessive 's dropped"))
        elif b.endswith("'"):
            out.append((base[:-1], how + ", possessive ' dropped"))
        if "'s " in b:  # "Pakistan's navy" -> "Pakistan navy"
            i = b.index("'s ")
            out.append((base[:i] + base[i + 2 :], how + ", possessive 's dropped"))
    for base, how in list(out):
        if fold(base).endswith("s") and len(base) > 3:
            out.append((base[:-1], how + ", plural 's' dropped"))
    return out


def shipped_entries() -> list[GazetteerEntry]:
    """The package's own gazetteer rows; a broken shipped row is our bug and raises."""
    entries: list[GazetteerEntry] = []
    data = resources.files("armsgraph") / "data"
    for name in SHIPPED_FILES:
        f = data / name
        if not f.is_file():
            continue
        rows, errors = read_csv_rows(f"armsgraph/data/{name}", f.read_text(encoding="utf-8"))
        if errors:
            raise errors[0]
        entries.extend(rows)
    return entries


def _check_references(
    entries: list[GazetteerEntry], shipped_count: int
) -> tuple[list[GazetteerEntry], list[GazetteerError]]:
    """Country codes must name a country row; shipped rows failing this raise, user rows are skipped."""
    codes = {e.country for e in entries if e.type == "country" and e.country}
    codes |= {
        e.id.split(":", 1)[1]
        for e in entries
        if e.type == "country" and e.id.startswith("country:")
    }
    kept: list[GazetteerEntry] = []
    problems: list[GazetteerError] = []
    for i, e in enumerate(entries):
        if e.country and e.country not in codes:
            err = GazetteerError(
                f"country {e.country!r} is not a known ISO 3166 alpha-3 code",
                where=e.origin,
                hint="use the code of a country:XXX row, e.g. TUR, PAK, USA",
            )
            if i < shipped_count:
                raise err
            problems.append(err)
            continue
        kept.append(e)
    return kept, problems


def gazetteer_files_from_env() -> tuple[str, ...]:
    """Files named by ARMSGRAPH_GAZETTEER (separated by os.pathsep), in order."""
    value = os.environ.get(ENV_VAR, "")
    return tuple(p for p in value.split(os.pathsep) if p.strip())


def _file_key(path: str) -> tuple[str, int, int]:
    try:
        st = os.stat(path)
        return (path, st.st_mtime_ns, st.st_size)
    except OSError:
        return (path, -1, -1)


def load_gazetteer(extra_files: tuple[str, ...] = ()) -> Gazetteer:
    """The shipped gazetteer, extended or overridden by the files in ARMSGRAPH_GAZETTEER and then
    by `extra_files` (CSV or YAML). Malformed user rows are skipped and listed in `.problems`.

    Cached per list of files; an edited file (new mtime or size) is read again.
    """
    files = gazetteer_files_from_env() + tuple(str(p) for p in extra_files)
    return _load(tuple(_file_key(f) for f in files))


@lru_cache(maxsize=8)
def _load(file_keys: tuple[tuple[str, int, int], ...]) -> Gazetteer:
    entries = shipped_entries()
    shipped_count = len(entries)
    problems: list[GazetteerError] = []
    for path, _mtime, _size in file_keys:
        rows, errors = read_rows(path)
        problems.extend(errors)
        seen: dict[str, str] = {}
        for row in rows:
            if row.id in seen:
                problems.append(
                    GazetteerError(
                        f"id {row.id!r} already defined at {seen[row.id]}; this row wins",
                        where=row.origin,
                        hint="keep one row per id",
                    )
                )
            seen[row.id] = row.origin
        entries.extend(rows)
    entries, ref_problems = _check_references(entries, shipped_count)
    return Gazetteer(entries, problems + ref_problems)


load_gazetteer.cache_clear = _load.cache_clear  # type: ignore[attr-defined]


__all__ = [
    "COLUMNS",
    "COMMON_WORDS",
    "ENTITY_TYPES",
    "ENV_VAR",
    "ORGANIZATION_CATEGORIES",
    "SHIPPED_FILES",
    "Gazetteer",
    "GazetteerEntry",
    "Match",
    "fold",
    "gazetteer_files_from_env",
    "is_case_sensitive",
    "load_gazetteer",
    "read_csv_rows",
    "read_rows",
    "read_yaml_rows",
    "shipped_entries",
]
