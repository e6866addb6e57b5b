"""Load the shipped gazetteer (countries, organizations, systems, programs, categories) and user extensions."""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from armsgraph.errors import GazetteerError

# Columns of every gazetteer CSV file, in order. `aliases` is "|"-separated.
COLUMNS = ("id", "type", "name", "aliases", "country", "category", "wikidata", "parent", "source")
SHIPPED_FILES = (
    "countries.csv",
    "organizations.csv",
    "systems.csv",
    "programs.csv",
    "categories.csv",
)
ENTITY_TYPES = {"country", "organization", "person", "weapon_system", "program", "facility", "location"}


def fold(text: str) -> str:
    """Case- and diacritic-insensitive key: 'Türkiye’s' -> "turkiye's"."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u2010", "-").replace("\u2011", "-")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


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
        seen: dict[str, str] = {}
        for n in [self.name, *self.aliases]:
            if n and fold(n) not in seen:
                seen[fold(n)] = n
        return list(seen.values())


class Gazetteer:
    """All known entities by id, and an index from folded alias to entity ids."""

    def __init__(self, entries: list[GazetteerEntry]):
        self.entries: dict[str, GazetteerEntry] = {}
        for e in entries:  # later entries (user files) override earlier ones
            self.entries[e.id] = e
        self.by_alias: dict[str, list[str]] = {}
        for e in self.entries.values():
            for n in e.names():
                ids = self.by_alias.setdefault(fold(n), [])
                if e.id not in ids:
                    ids.append(e.id)

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entity_id: str) -> GazetteerEntry | None:
        return self.entries.get(entity_id)

    def lookup(self, name: str) -> list[GazetteerEntry]:
        key = fold(name.strip())
        ids = self.by_alias.get(key)
        if not ids and key.endswith("'s"):
            ids = self.by_alias.get(key[:-2])
        if not ids and key.endswith("s"):
            ids = self.by_alias.get(key[:-1])
        return [self.entries[i] for i in ids or []]


def read_csv_rows(path: Path | str, text: str | None = None) -> tuple[list[GazetteerEntry], list[GazetteerError]]:
    """Parse one gazetteer CSV; malformed rows are returned as errors, not raised."""
    entries: list[GazetteerEntry] = []
    errors: list[GazetteerError] = []
    if text is None:
        text = Path(path).read_text(encoding="utf-8")
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in ("id", "type", "name") if c not in (reader.fieldnames or [])]
    if missing:
        errors.append(
            GazetteerError(
                f"missing column(s) {', '.join(missing)}",
                where=str(path),
                hint=f"the header must name the columns {','.join(COLUMNS)}",
            )
        )
        return entries, errors
    for lineno, row in enumerate(reader, start=2):
        where = f"{path}:{lineno}"
        rid, rtype, name = (row.get("id") or "").strip(), (row.get("type") or "").strip(), (row.get("name") or "").strip()
        if not rid or not name:
            errors.append(GazetteerError("row has no id or no name", where=where, hint="fill both columns"))
            continue
        if rtype not in ENTITY_TYPES:
            errors.append(
                GazetteerError(
                    f"unknown type {rtype!r}", where=where, hint=f"use one of {', '.join(sorted(ENTITY_TYPES))}"
                )
            )
            continue
        aliases = [a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()]
        entries.append(
            GazetteerEntry(
                id=rid,
                type=rtype,
                name=name,
                aliases=aliases,
                country=(row.get("country") or "").strip() or None,
                category=(row.get("category") or "").strip() or None,
                wikidata=(row.get("wikidata") or "").strip() or None,
                parent=(row.get("parent") or "").strip() or None,
                source=(row.get("source") or "").strip() or None,
                origin=where,
            )
        )
    return entries, errors


def shipped_entries() -> list[GazetteerEntry]:
    entries: list[GazetteerEntry] = []
    data = resources.files("armsgraph") / "data"
    for name in SHIPPED_FILES:
        f = data / name
        if not f.is_file():
            continue
        rows, errors = read_csv_rows(f"armsgraph/data/{name}", f.read_text(encoding="utf-8"))
        if errors:  # a broken shipped file is a bug of ours: fail loudly
            raise errors[0]
        entries.extend(rows)
    return entries


@lru_cache(maxsize=8)
def load_gazetteer(extra_files: tuple[str, ...] = ()) -> Gazetteer:
    """The shipped gazetteer, extended or overridden by the user's files (CSV)."""
    entries = shipped_entries()
    for path in extra_files:
        rows, _errors = read_csv_rows(path)
        entries.extend(rows)
    return Gazetteer(entries)
