"""Load, validate and query the gazetteer: shipped CSV files plus the user's CSV/YAML files."""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from armsgraph.errors import GazetteerError
from armsgraph.model import ENTITY_TYPES as MODEL_ENTITY_TYPES

# Columns of every gazetteer CSV file, in order. `aliases` is "|"-separated.
COLUMNS = ("id", "type", "name", "aliases", "country", "category", "wikidata", "parent", "source")
SHIPPED_FILES = (
    "countries.csv",
    "organizations.csv",
    "systems.csv",
    "programs.csv",
    "categories.csv",
)
ENTITY_TYPES = set(MODEL_ENTITY_TYPES)
ORGANIZATION_CATEGORIES = {
    "company",
    "government_agency",
    "ministry",
    "armed_service",
    "research_institute",
    "university",
    "shipyard",
    "international_organization",
    "armed_group",
    "media",
}
# Environment variable naming extra gazetteer files, separated like PATH (os.pathsep).
ENV_VAR = "ARMSGRAPH_GAZETTEER"

# Aliases that fold to an ordinary English word only match when written with the alias's own
# capitals ("Turkey", "TURKEY", not "turkey"; "US", not "us"), so prose does not become actors.
COMMON_WORDS = frozenset(
    [
        "a",
        "add",
        "aid",
        "am",
        "an",
        "and",
        "are",
        "as",
        "at",
        "awe",
        "be",
        "bell",
        "by",
        "can",
        "car",
        "chad",
        "chile",
        "china",
        "commit",
        "cubic",
        "do",
        "edge",
        "fab",
        "for",
        "go",
        "guinea",
        "he",
        "hit",
        "i",
        "if",
        "in",
        "is",
        "it",
        "jersey",
        "man",
        "me",
        "mil",
        "mod",
        "mon",
        "my",
        "no",
        "oak",
        "of",
        "ok",
        "on",
        "or",
        "pal",
        "pan",
        "panama",
        "per",
        "plan",
        "polish",
        "ran",
        "reunion",
        "roe",
        "sac",
        "sage",
        "sami",
        "so",
        "sub",
        "the",
        "to",
        "turkey",
        "ultra",
        "up",
        "us",
        "we",
    ]
)
_ACRONYM = re.compile(r"^[A-Z0-9][A-Z0-9.\-&/]*$")
_ID = re.compile(r"^[a-z][a-z_]*:\S+$")
_QID = re.compile(r"^Q[1-9][0-9]*$")
_COUNTRY_CODE = re.compile(r"^[A-Z]{3}$")
_SPACES = re.compile(r"\s+")
_FOLD_TABLE = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2013": "-",
        "\u00a0": " ",
    }
)


def fold(text: str) -> str:
    """Case- and diacritic-insensitive key: 'Türkiye’s' -> "turkiye's"."""
    return _strip_marks(text).lower()


def _strip_marks(text: str) -> str:
    """Diacritics off and curly quotes straightened, case kept: 'Türkiye’s' -> "Turkiye's"."""
    text = text.translate(_FOLD_TABLE)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_case_sensitive(alias: str) -> bool:
    """True when `alias` must match with its own capitals: short acronyms and English words.

    "US" must not match "us", "ADD" not "add", "Turkey" not "turkey", "A 10" not "a 10";
    "NESCOM" and "Aselsan" match in any case.
    """
    letters = sum(c.isalpha() for c in alias)
    if _ACRONYM.match(alias) and letters <= 2:
        return True
    first, _, rest = alias.partition(" ")
    if rest[:1].isdigit() and fold(first) in COMMON_WORDS:
        return True  # "A 10" (the A-10) must not match "a 10-year deal"
    return fold(alias) in COMMON_WORDS


@dataclass
class GazetteerEntry:
    id: str
    type: str
    name: str
    aliases: list[str] = field(default_factory=list)
    country: str | None = None
    category: str | None = None
    wikidata: str | None = None
    parent: str | None = None  # manufacturer id for a system, owner id for a program
    source: str | None = None
    origin: str = ""  # file:line the row came from

    def names(self) -> list[str]:
        """The name and aliases, first spelling of each folded form kept."""
        seen: dict[str, str] = {}
        for n in [self.name, *self.aliases]:
            if n and fold(n) not in seen:
                seen[fold(n)] = n
        return list(seen.values())

    def as_row(self) -> dict[str, str]:
        """The entry as a gazetteer row (CSV columns, aliases "|"-joined)."""
        row = {c: getattr(self, c) or "" for c in COLUMNS if c != "aliases"}
        row["aliases"] = "|".join(self.aliases)
        return row


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
                    keys, index = {_strip_marks(n), _strip_marks(n).upper()}, self.by_exact
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
        exact = _strip_marks(text)
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


# ---------------------------------------------------------------- reading files


def _clean(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _row_to_entry(row: dict[str, Any], where: str) -> GazetteerEntry:
    """One row (CSV dict or YAML mapping) to an entry; raises GazetteerError naming `where`."""
    unknown = sorted(k for k in row if k is not None and k not in COLUMNS)
    if unknown:
        raise GazetteerError(
            f"unknown column(s) {', '.join(map(str, unknown))}",
            where=where,
            hint=f"use the columns {','.join(COLUMNS)}",
        )
    if None in row:  # csv.DictReader puts extra cells under None
        raise GazetteerError(
            "row has more cells than the header",
            where=where,
            hint="quote cells that contain commas",
        )
    rid, rtype, name = _clean(row.get("id")), _clean(row.get("type")), _clean(row.get("name"))
    if not rid or not name:
        raise GazetteerError(
            "row has no id or no name", where=where, hint="fill both the id and name columns"
        )
    if not _ID.match(rid):
        raise GazetteerError(
            f"malformed id {rid!r}",
            where=where,
            hint="write ids as prefix:slug, e.g. org:roketsan or country:TUR",
        )
    if rtype not in ENTITY_TYPES:
        raise GazetteerError(
            f"unknown type {rtype!r}",
            where=where,
            hint=f"use one of {', '.join(sorted(ENTITY_TYPES))}",
        )
    raw_aliases = row.get("aliases")
    if isinstance(raw_aliases, (list, tuple)):
        aliases = [_clean(a) for a in raw_aliases if _clean(a)]
    elif raw_aliases is None or isinstance(raw_aliases, str):
        aliases = [a.strip() for a in (raw_aliases or "").split("|") if a.strip()]
    else:
        raise GazetteerError(
            f"aliases must be text or a list, not {type(raw_aliases).__name__}",
            where=where,
            hint='write aliases as "A|B" or as a YAML list',
        )
    country = _clean(row.get("country")).upper() or None
    if country and not _COUNTRY_CODE.match(country):
        raise GazetteerError(
            f"country {country!r} is not an ISO 3166 alpha-3 code",
            where=where,
            hint="use e.g. TUR, PAK, USA",
        )
    category = _clean(row.get("category")) or None
    if rtype == "organization" and category and category not in ORGANIZATION_CATEGORIES:
        raise GazetteerError(
            f"unknown organization category {category!r}",
            where=where,
            hint=f"use one of {', '.join(sorted(ORGANIZATION_CATEGORIES))}",
        )
    wikidata = _clean(row.get("wikidata")) or None
    if wikidata and not _QID.match(wikidata):
        raise GazetteerError(
            f"wikidata {wikidata!r} is not a Q-id",
            where=where,
            hint="write e.g. Q43, or leave it empty",
        )
    return GazetteerEntry(
        id=rid,
        type=rtype,
        name=name,
        aliases=aliases,
        country=country,
        category=category,
        wikidata=wikidata,
        parent=_clean(row.get("parent")) or None,
        source=_clean(row.get("source")) or None,
        origin=where,
    )


def _read_text(path: Path | str) -> tuple[str, GazetteerError | None]:
    """A user file's text, or the error that names it."""
    try:
        return Path(path).read_text(encoding="utf-8-sig"), None
    except (OSError, UnicodeDecodeError) as exc:
        return "", GazetteerError(
            f"cannot read the file: {exc}", where=str(path), hint="check the path"
        )


def read_csv_rows(
    path: Path | str, text: str | None = None
) -> tuple[list[GazetteerEntry], list[GazetteerError]]:
    """Parse one gazetteer CSV; malformed rows are returned as errors, not raised."""
    entries: list[GazetteerEntry] = []
    errors: list[GazetteerError] = []
    if text is None:
        text, error = _read_text(path)
        if error is not None:
            return [], [error]
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("id", "type", "name") if c not in (reader.fieldnames or [])]
    if missing:
        errors.append(
            GazetteerError(
                f"missing column(s) {', '.join(missing)}",
                where=f"{path}:1",
                hint=f"the header must name the columns {','.join(COLUMNS)}",
            )
        )
        return entries, errors
    for row in reader:
        # line_num is the line the row ends on; multi-line quoted cells are rare in gazetteers
        where = f"{path}:{reader.line_num}"
        if not any(_clean(v) for k, v in row.items() if k is not None):
            continue
        try:
            entries.append(_row_to_entry(row, where))
        except GazetteerError as exc:
            errors.append(exc)
    return entries, errors


def read_yaml_rows(
    path: Path | str, text: str | None = None
) -> tuple[list[GazetteerEntry], list[GazetteerError]]:
    """Parse one gazetteer YAML file: a list of mappings with the CSV columns as keys."""
    import yaml  # only user files are YAML; keep it off the start-up path

    if text is None:
        text, error = _read_text(path)
        if error is not None:
            return [], [error]
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        return [], [
            GazetteerError(f"not valid YAML: {problem}", where=where, hint="fix the YAML syntax")
        ]
    if root is None:
        return [], []
    if not isinstance(root, yaml.SequenceNode):
        return [], [
            GazetteerError(
                "the file is not a YAML list",
                where=f"{path}:{root.start_mark.line + 1}",
                hint="write one '- id: ...' mapping per entity",
            )
        ]
    entries: list[GazetteerEntry] = []
    errors: list[GazetteerError] = []
    constructor = yaml.constructor.SafeConstructor()
    for node in root.value:
        where = f"{path}:{node.start_mark.line + 1}"
        if not isinstance(node, yaml.MappingNode):
            errors.append(
                GazetteerError(
                    "item is not a mapping", where=where, hint="write 'id: ...', 'type: ...' keys"
                )
            )
            continue
        try:
            row = constructor.construct_mapping(node, deep=True)
            entries.append(_row_to_entry({str(k): v for k, v in row.items()}, where))
        except GazetteerError as exc:
            errors.append(exc)
        except yaml.YAMLError as exc:
            errors.append(
                GazetteerError(f"bad YAML value: {exc}", where=where, hint="fix the YAML syntax")
            )
    return entries, errors


def read_rows(path: Path | str) -> tuple[list[GazetteerEntry], list[GazetteerError]]:
    """Read a user gazetteer file, CSV or YAML by its suffix."""
    suffix = Path(path).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return read_yaml_rows(path)
    if suffix in (".csv", ".txt", ""):
        return read_csv_rows(path)
    return [], [
        GazetteerError(
            f"unknown gazetteer file type {suffix!r}",
            where=str(path),
            hint="use a .csv, .yaml or .yml file",
        )
    ]


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
