"""The typed shape of the pattern tables (extract/patterns/): trigger rules, status cues, the
lexicon of ontology.json and the word lists of words.jsonl, one field per key or list. Data,
read and checked by extract/ontology.py."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

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
    "rank",
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
    rank_words: frozenset[str]  # "the world's second biggest arms exporter"
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
