"""Load and validate the event ontology and pattern tables that drive extraction.

Four files in `extract/patterns/`, each checked on load (a bad row or key names its file and
line and what to do):

- `triggers.jsonl`: trigger phrases per event type and how each actor slot maps to a role;
- `status_cues.jsonl`: the words that decide an event's status;
- `ontology.json`: the event types and the domain lexicon (institutions, anaphors, clause
  breaks, fact patterns …), one field of `Lexicon` per key: a key the code does not read is an error;
- `words.jsonl`: the grammar words and phrasings each stage reads (prepositions, modals,
  attribution and denial patterns …), one field of `Words` per named list.

The code that applies them names no English word: every word it compares is one of these.
The records they become are typed in pattern_schema.py (re-exported here).
"""

from __future__ import annotations

import json
import re
from dataclasses import fields
from functools import lru_cache
from importlib import resources
from typing import Any

from armsgraph.errors import PatternError
from armsgraph.extract.pattern_schema import (
    NEEDS,
    PATTERNS,
    SLOTS,
    Lexicon,
    Ontology,
    StatusCue,
    TriggerRule,
    Words,
)
from armsgraph.jsonlines import json_lines
from armsgraph.model import EVENT_TYPES, STATUSES

__all__ = [
    "NEEDS",
    "PATTERNS",
    "SLOTS",
    "Lexicon",
    "Ontology",
    "StatusCue",
    "TriggerRule",
    "Words",
    "load_ontology",
    "read_lexicon",
    "read_words",
]


def _read_jsonl(name: str) -> list[tuple[str, dict]]:
    path = resources.files("armsgraph") / "extract" / "patterns" / name
    rows = []
    for where, _number, row, problem in json_lines(
        path.read_text("utf-8").splitlines(), f"{PATTERNS}/{name}"
    ):
        if problem is not None:
            raise PatternError(problem, where=where, hint="fix the line")
        if not isinstance(row, dict):
            raise PatternError(
                "a row must be a JSON object", where=where, hint="write one {...} per line"
            )
        rows.append((where, row))
    return rows


def _validate_trigger(where: str, row: dict) -> TriggerRule:
    if row.get("type") not in EVENT_TYPES:
        raise PatternError(
            f"unknown event type {row.get('type')!r}",
            where=where,
            hint=f"use one of {', '.join(EVENT_TYPES)}",
        )
    if not row.get("phrases"):
        raise PatternError("no phrases", where=where, hint="list the trigger words under 'phrases'")
    if row.get("implies") is not None and row["implies"] not in EVENT_TYPES:
        raise PatternError(
            f"unknown implied type {row['implies']!r}",
            where=where,
            hint=f"use one of {', '.join(EVENT_TYPES)}",
        )
    bad = set(row.get("roles", {})) - SLOTS
    if bad:
        raise PatternError(
            f"unknown slot(s) {sorted(bad)}", where=where, hint=f"slots are {sorted(SLOTS)}"
        )
    bad = set(row.get("needs", [])) - NEEDS
    if bad:
        raise PatternError(
            f"unknown need(s) {sorted(bad)}", where=where, hint=f"needs are {sorted(NEEDS)}"
        )
    return TriggerRule(
        name=row.get("name", where),
        type=row["type"],
        phrases=row["phrases"],
        roles=row.get("roles", {}),
        needs=row.get("needs", []),
        implied=row.get("implied", {}),
        weak=bool(row.get("weak")),
        country_subject_roles=row.get("country_subject_roles", {}),
        default_status=row.get("default_status"),
        speaker_default=row.get("speaker_default"),
        implies=row.get("implies"),
        source=row.get("source", ""),
    )


# ------------------------------------------------------------------- ontology.json


def _key_lines(text: str) -> dict[str, int]:
    """The line of each top-level key of a JSON object written one key a line (as json.dumps(indent=2))."""
    out: dict[str, int] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        m = re.match(r'^ {2}"([^"]+)"\s*:', line)
        if m and m.group(1) not in out:
            out[m.group(1)] = lineno
    return out


def _strings(value: Any, where: str, key: str) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise PatternError(
            f"{key!r} must be a non-empty list of non-empty strings",
            where=where,
            hint='write it as ["word", "other words"]',
        )
    dupes = sorted({v for v in value if value.count(v) > 1})
    if dupes:
        raise PatternError(
            f"{key!r} lists {dupes} more than once", where=where, hint="keep one of each"
        )
    return value


def _convert(kind: str, value: Any, where: str, key: str) -> Any:
    """A JSON value as the annotated field type (frozenset/tuple of strings, or a mapping)."""
    if kind.startswith("frozenset"):
        return frozenset(_strings(value, where, key))
    if kind == "tuple[str, ...]":
        return tuple(_strings(value, where, key))
    if kind.startswith("dict"):
        if not isinstance(value, dict) or not value:
            raise PatternError(
                f"{key!r} must be a non-empty JSON object", where=where, hint="write it as {...}"
            )
        return value
    if kind == "tuple[dict, ...]":
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise PatternError(
                f"{key!r} must be a list of objects", where=where, hint="write it as [{...}]"
            )
        return tuple(value)
    raise AssertionError(f"no conversion for {kind}")  # pragma: no cover - a field declared wrong


def _check_types(types: Any, where: str) -> None:
    if not isinstance(types, dict) or not types:
        raise PatternError(
            "'types' must map each event type to its spec", where=where, hint="see docs/DESIGN.md"
        )
    for name, spec in types.items():
        if (
            not isinstance(spec, dict)
            or not spec.get("roles")
            or not isinstance(spec.get("min_actors"), int)
        ):
            raise PatternError(
                f"type {name!r} needs 'roles' and an integer 'min_actors'",
                where=where,
                hint="see the other types",
            )
        for key in ("default_status",):
            if spec.get(key) is not None and spec[key] not in STATUSES:
                raise PatternError(
                    f"type {name!r}: unknown {key} {spec[key]!r}",
                    where=where,
                    hint=f"use one of {', '.join(STATUSES)}",
                )
        bad = set(spec.get("statuses", [])) - set(STATUSES)
        if bad:
            raise PatternError(
                f"type {name!r}: unknown statuses {sorted(bad)}",
                where=where,
                hint=f"use of {', '.join(STATUSES)}",
            )
        if spec.get("origin_role") is not None and spec["origin_role"] not in spec["roles"]:
            raise PatternError(
                f"type {name!r}: origin_role {spec['origin_role']!r} is none of its roles",
                where=where,
                hint=f"use one of {spec['roles']}",
            )


def read_lexicon(text: str, name: str = "ontology.json") -> Lexicon:
    """`ontology.json`'s text as a Lexicon; an unknown, missing or malformed key names its line."""
    path = f"{PATTERNS}/{name}"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PatternError(
            f"not valid JSON ({exc.msg})", where=f"{path}:{exc.lineno}", hint="fix the file"
        ) from exc
    lines = _key_lines(text)
    kinds = {f.name: f.type for f in fields(Lexicon)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key.startswith("_"):
            continue  # notes for readers ("_source", "_doc")
        where = f"{path}:{lines.get(key, 1)}"
        if key not in kinds:
            raise PatternError(
                f"unknown key {key!r}: no stage reads it",
                where=where,
                hint="remove it, or add the field to Lexicon and the code that reads it",
            )
        values[key] = _convert(kinds[key], value, where, key)
    missing = [k for k in kinds if k not in values]
    if missing:
        raise PatternError(
            f"missing key(s) {', '.join(missing)}",
            where=path,
            hint="every stage's table must be there",
        )
    _check_types(values["types"], f"{path}:{lines.get('types', 1)}")
    return Lexicon(**values)


# ------------------------------------------------------------------- words.jsonl

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_FLAGS = {"ignorecase": re.IGNORECASE, "multiline": re.MULTILINE}


def read_words(rows: list[tuple[str, dict]]) -> Words:
    """The rows of `words.jsonl` as Words: each row names a list ("words"), a mapping ("map") or a
    regular expression ("regex", where "{name}" stands for the list of that name, its phrases
    escaped and tried in their order)."""
    kinds = {f.name: f.type for f in fields(Words)}
    found: dict[str, tuple[str, dict]] = {}
    for where, row in rows:
        name = row.get("name")
        if name not in kinds:
            raise PatternError(
                f"unknown word list {name!r}: no stage reads it",
                where=where,
                hint="remove the row, or add the field to Words and the code that reads it",
            )
        if name in found:
            raise PatternError(
                f"{name!r} is defined twice (first at {found[name][0]})",
                where=where,
                hint="keep one row per name",
            )
        found[name] = (where, row)
    missing = [k for k in kinds if k not in found]
    if missing:
        raise PatternError(
            f"missing word list(s) {', '.join(missing)}",
            where=f"{PATTERNS}/words.jsonl",
            hint="every stage's list must be there",
        )
    values: dict[str, Any] = {}
    for name, (where, row) in found.items():
        kind = kinds[name]
        if kind.startswith("re.Pattern"):
            continue
        key = "map" if kind.startswith("dict") else "words"
        if key not in row:
            raise PatternError(
                f"{name!r} needs {key!r}", where=where, hint=f"write the {key} of the list"
            )
        values[name] = _convert(kind, row[key], where, name)
    for name, (where, row) in found.items():
        if not kinds[name].startswith("re.Pattern"):
            continue
        values[name] = _regex(name, where, row, found, kinds)
    return Words(**values)


def _regex(
    name: str, where: str, row: dict, found: dict[str, tuple[str, dict]], kinds: dict[str, str]
) -> re.Pattern:
    pattern = row.get("regex")
    if not isinstance(pattern, str) or not pattern:
        raise PatternError(
            f"{name!r} needs a 'regex'", where=where, hint="write the regular expression"
        )

    def fill(m: re.Match) -> str:
        ref = m.group(1)
        if ref not in found or "words" not in found[ref][1]:
            raise PatternError(
                f"{name!r}: {{{ref}}} names no word list",
                where=where,
                hint="name a row of words.jsonl that has 'words'",
            )
        return "|".join(re.escape(w) for w in found[ref][1]["words"])

    flags = 0
    for flag in row.get("flags", []):
        if flag not in _FLAGS:
            raise PatternError(
                f"{name!r}: unknown flag {flag!r}", where=where, hint=f"use {', '.join(_FLAGS)}"
            )
        flags |= _FLAGS[flag]
    try:
        return re.compile(_PLACEHOLDER.sub(fill, pattern), flags)
    except re.error as exc:
        raise PatternError(
            f"{name!r}: bad regular expression ({exc})", where=where, hint="fix the pattern"
        ) from exc


# ------------------------------------------------------------------- all


@lru_cache(maxsize=1)
def load_ontology() -> Ontology:
    base = resources.files("armsgraph") / "extract" / "patterns"
    lexicon = read_lexicon((base / "ontology.json").read_text("utf-8"))
    triggers = [_validate_trigger(w, r) for w, r in _read_jsonl("triggers.jsonl")]
    cues = []
    for where, row in _read_jsonl("status_cues.jsonl"):
        if row.get("status") not in STATUSES:
            raise PatternError(
                f"unknown status {row.get('status')!r}",
                where=where,
                hint=f"use one of {', '.join(STATUSES)}",
            )
        cues.append(
            StatusCue(status=row["status"], phrases=row["phrases"], strong=bool(row.get("strong")))
        )
    facts = []
    where = f"{PATTERNS}/ontology.json"
    for i, fp in enumerate(lexicon.fact_patterns):
        try:
            facts.append((fp["attribute"], re.compile(fp["regex"], re.IGNORECASE), fp["unit"]))
        except (KeyError, re.error) as exc:
            raise PatternError(
                f"fact pattern {i}: {exc}",
                where=where,
                hint="each fact pattern needs attribute, a valid regex with a 'num' group, and unit",
            ) from exc
    words = read_words(_read_jsonl("words.jsonl"))
    return Ontology(
        types=lexicon.types,
        triggers=triggers,
        status_cues=cues,
        lexicon=lexicon,
        fact_patterns=facts,
        words=words,
    )
