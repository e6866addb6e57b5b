"""Gazetteer rows: the entry record and the readers of CSV and YAML files, each bad row an
error naming file:line (raised for a shipped file, listed for a user's)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from armsgraph.errors import GazetteerError
from armsgraph.model import ENTITY_TYPES as MODEL_ENTITY_TYPES
from armsgraph.nlp.folding import fold

# Columns of every gazetteer CSV file, in order. `aliases` is "|"-separated.
COLUMNS = ("id", "type", "name", "aliases", "country", "category", "wikidata", "parent", "source")
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
_ID = re.compile(r"^[a-z][a-z_]*:\S+$")
_QID = re.compile(r"^Q[1-9][0-9]*$")
_COUNTRY_CODE = re.compile(r"^[A-Z]{3}$")


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
