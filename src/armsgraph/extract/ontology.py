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
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields
from functools import lru_cache
from importlib import resources
from typing import Any

from armsgraph.errors import PatternError
from armsgraph.jsonlines import json_lines
from armsgraph.model import EVENT_TYPES, STATUSES

SLOTS = {
    "subj",
    "subj_pass",
    "obj",
    "poss",
    "adj",
    "to",
    "for",
    "in",
    "with",
    "from",
    "by",
    "between",
    "of",
    "and",
    "at",
    "on",
    "against",
    "through",
}
NEEDS = {
    "system",
    "program",
    "system_or_program",
    "money_or_percent",
    "foreign",
    "statistic",
    "aggregate_recipients",
}
PATTERNS = "armsgraph/extract/patterns"


@dataclass
class TriggerRule:
    name: str
    type: str
    phrases: list[str]
    roles: dict[str, str]
    needs: list[str] = field(default_factory=list)
    implied: dict[str, str] = field(default_factory=dict)
    weak: bool = False  # weak triggers yield when a stronger one is in the same clause
    # Role map used instead when the subject is a country: "Egypt signed a contract with X" buys.
    country_subject_roles: dict[str, str] = field(default_factory=dict)
    default_status: str | None = None  # instead of the type's default ("delivered" is done)
    speaker_default: str | None = None  # role the issuing government takes when none is named
    # Another event the words also tell of, under way: "end the fighting between X and Y" is a
    # ceasefire sought and a clash going on.
    implies: str | None = None
    source: str = ""


@dataclass
class StatusCue:
    status: str
    phrases: list[str]
    strong: bool = False


@dataclass(frozen=True)
class Lexicon:
    """The keys of `ontology.json`, each read by a stage (or by `armsgraph.ontology`)."""

    types: dict[str, dict]  # per event type: roles, min_actors, default_status, origin_role …
    symmetric: tuple[str, ...]  # types whose actors stand together (read by armsgraph.ontology)
    role_sides: dict[str, Any]  # supplier, receiver, symmetric roles (read by armsgraph.ontology)
    conflict_family: frozenset[str]  # clash-like types: parties, places, dateline sides
    group_anaphors: tuple[str, ...]  # "both countries": the last two countries named
    subject_pronouns: frozenset[str]  # "it", "their": the subject of the clause before
    event_anaphors: frozenset[str]  # "the deal", "this sale": an event named before
    determiners: frozenset[str]  # before an event anaphor
    institutions: tuple[str, ...]  # "Pakistan's navy" acts for Pakistan
    government_of: tuple[str, ...]  # "the Government of Morocco" starts at "Government"
    clause_breaks: tuple[str, ...]  # where a sentence splits into clauses
    hedges: tuple[str, ...]  # "reportedly", "is seen as": the claim is hedged
    fact_patterns: tuple[dict, ...]  # attribute, regex with a 'num' group, unit
    exclusions: tuple[str, ...]  # phrases whose words are no trigger ("in order to")
    statistic_verbs: tuple[str, ...]  # an export statistic needs one ("rose", "totaled")
    observer_verbs: tuple[str, ...]  # a subject that "welcomes" a ceasefire is no party
    first_person: frozenset[str]  # "we", "our": the speaker's government
    mediation: tuple[str, ...]  # "brokered by", "mediated": a mediator is no party
    aggregate_recipients: tuple[str, ...]  # "partner nations": many buyers, unnamed
    sale_list_heads: frozenset[str]  # "sales", "cases" before a colon head a list of deals
    list_item_dashes: frozenset[str]  # "Japan – F-35": a country's own item
    non_weapon_categories: frozenset[str]  # a funding channel ("FMF") is no weapon
    origin_words: frozenset[str]  # "U.S.-made": the country that makes it supplies it
    category_families: dict[str, list[str]]  # kinds of weapon that may be one event's
    absorbs: dict[str, list[str]]  # "a sale to support the upgrade": the upgrade is what is sold


@dataclass(frozen=True)
class Words:
    """The named lists and patterns of `words.jsonl`: the grammar words each stage compares."""

    # actors
    prepositions: frozenset[str]
    preposition_aliases: dict[str, str]
    skipped_before_name: frozenset[str]
    coordinators: frozenset[str]
    possessive_markers: frozenset[str]
    compound_dashes: frozenset[str]
    demonym_endings: tuple[str, ...]
    program_nouns: frozenset[str]
    program_anaphors: frozenset[str]
    program_anaphor_determiners: frozenset[str]
    possessive_pronouns: frozenset[str]
    first_person_possessive: frozenset[str]
    group_possessives: frozenset[str]
    group_nouns: frozenset[str]
    not_first_person: frozenset[str]
    mediator_coordinators: frozenset[str]
    verb_endings: tuple[str, ...]
    # candidates
    title_links: frozenset[str]
    list_conjunctions: frozenset[str]
    # roles
    be_forms: frozenset[str]
    participle_endings: tuple[str, ...]
    irregular_participles: frozenset[str]
    adverb_endings: tuple[str, ...]
    tranche_words: frozenset[str]
    tranche_more: frozenset[str]
    not_tranche_after_more: frozenset[str]
    known_group_words: frozenset[str]
    discourse_openers: frozenset[str]
    plural_marks: tuple[str, ...]
    # lists
    list_separators_strong: frozenset[str]
    list_separators: frozenset[str]
    # attributes and status
    ongoing_markers: tuple[str, ...]
    progressive_auxiliaries: frozenset[str]
    gerund_endings: tuple[str, ...]
    status_skipped_adverbs: frozenset[str]
    modals: frozenset[str]
    modal_cues: frozenset[str]
    finite_auxiliaries: frozenset[str]
    month_like_cues: frozenset[str]
    # attribution
    attribution_openers: tuple[str, ...]
    according: re.Pattern[str]
    said_at_end: re.Pattern[str]
    said_mid: re.Pattern[str]
    said_after: re.Pattern[str]
    said_before: re.Pattern[str]
    refusal_cue_words: tuple[str, ...]
    refusals: tuple[str, ...]
    relative_pronouns: tuple[str, ...]
    refusal: re.Pattern[str]
    denial_verbs: tuple[str, ...]
    perfect_auxiliaries: tuple[str, ...]
    denial_acts: tuple[str, ...]
    denial_objects: tuple[str, ...]
    denial_openers: tuple[str, ...]
    denial: re.Pattern[str]
    source_lead_words: tuple[str, ...]
    source_lead: re.Pattern[str]
    # linking
    alias_cues: tuple[str, ...]
    alias_joiners: frozenset[str]
    alias_skipped: frozenset[str]
    joint_leaders: re.Pattern[str]
    embassy: re.Pattern[str]


@dataclass
class Ontology:
    types: dict[str, dict]
    triggers: list[TriggerRule]
    status_cues: list[StatusCue]
    lexicon: Lexicon
    fact_patterns: list[tuple[str, re.Pattern, str]]
    words: Words


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
