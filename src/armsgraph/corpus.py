"""The annotated corpus: reports and gold events under corpus/, checked, and split by publisher."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from armsgraph.errors import ArmsgraphError
from armsgraph.jsonlines import json_lines
from armsgraph.model import EVENT_TYPES, STATUSES, Document
from armsgraph.ontology import role_sides, side_of

ROLES = tuple(role_sides())  # the roles a gold participant may take: those with a side
GENRES = ("news", "release", "document")
REPORT_FIELDS = ("id", "url", "title", "publisher", "publisher_key", "publisher_country")
REPORT_FIELDS += ("genre", "license", "text")
SPLITS = ("train", "dev", "test")


class CorpusError(ArmsgraphError):
    """A corpus report or gold record is malformed, or quotes words its report lacks."""


@dataclass
class Report:
    """One corpus report with its gold record (the raw dicts, as annotated)."""

    record: dict[str, Any]
    gold: dict[str, Any]
    path: Path  # the report file
    line: int  # its line there; the gold record stands on the same line of the gold file

    @property
    def id(self) -> str:
        return self.record["id"]

    @property
    def publisher_key(self) -> str:
        return self.record["publisher_key"]

    def document(self) -> Document:
        """The report as `armsgraph ingest` reads its JSON Lines record: text, id, url, title,
        published, and the other fields (publisher, genre ...) in `meta`."""
        from armsgraph.ingest.jsonl import record_document

        return record_document(self.record, f"{self.path}:{self.line}")


@dataclass
class Corpus:
    reports: list[Report] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line each: file:line: what

    def by_id(self) -> dict[str, Report]:
        return {r.id: r for r in self.reports}


def default_root() -> Path:
    """The corpus folder of a source checkout (the repository's corpus/)."""
    return Path(__file__).resolve().parents[2] / "corpus"


def gold_path_for(report_path: Path) -> Path:
    return report_path.with_name(report_path.name.removesuffix(".jsonl") + ".gold.jsonl")


def _read_jsonl(path: Path, problems: list[str]) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for where, lineno, value, problem in json_lines(fh, str(path)):
            if problem is not None:
                problems.append(f"{where}: {problem}")
            elif not isinstance(value, dict):
                problems.append(f"{where}: a line must be one JSON object")
            else:
                rows.append((lineno, value))
    return rows


def _check_report(record: dict[str, Any], where: str) -> list[str]:
    out = []
    for name in REPORT_FIELDS:
        if not isinstance(record.get(name), str) or not record[name].strip():
            out.append(f'{where}: report needs a non-empty string "{name}"')
    if record.get("genre") not in GENRES:
        out.append(f"{where}: genre {record.get('genre')!r} is not one of {', '.join(GENRES)}")
    return out


def _values(value: Any) -> list[Any]:
    if value is None:
        return []
    return (
        [value] if isinstance(value, str) else list(value) if isinstance(value, list) else [value]
    )


def check_event(event: dict[str, Any], text: str, where: str) -> list[str]:
    """What is wrong with one gold event of a report whose text is `text` (empty: nothing)."""
    out: list[str] = []
    types = _values(event.get("type"))
    if not types or any(t not in EVENT_TYPES for t in types):
        out.append(f"{where}: type {event.get('type')!r} is not an event type")
    if any(s not in STATUSES for s in _values(event.get("status"))):
        out.append(f"{where}: status {event.get('status')!r} is not a status")
    countries = _values(event.get("countries"))
    if any(not isinstance(c, str) or len(c) != 3 or not c.isupper() for c in countries):
        out.append(f"{where}: countries must be ISO alpha-3 codes in capitals: {countries}")
    evidence = _values(event.get("evidence"))
    out += _check_evidence(event, evidence, types, text, where)
    participants = event.get("participants")
    if not isinstance(participants, list):
        out.append(f'{where}: "participants" must be a list')
        participants = []
    seen_countries: set[str] = set()
    for part in participants:
        out += _check_participant(part, evidence, where, seen_countries)
    missing = sorted(seen_countries - set(countries))
    if missing:
        out.append(f"{where}: participant countries {missing} are not in countries {countries}")
    return out


def _check_evidence(
    event: dict[str, Any], evidence: list[Any], types: list[Any], text: str, where: str
) -> list[str]:
    """The evidence quotes stand in the report, and the trigger in the evidence."""
    out: list[str] = []
    if not evidence:
        out.append(f'{where}: event ({"/".join(map(str, types))}) has no "evidence"')
    for quote in evidence:
        if not isinstance(quote, str) or quote not in text:
            out.append(f"{where}: evidence not in the report's text: {str(quote)[:80]!r}")
    joined = "\n".join(q for q in evidence if isinstance(q, str))
    trigger = event.get("trigger")
    if not isinstance(trigger, str) or not trigger.strip():
        out.append(f'{where}: event ({"/".join(map(str, types))}) has no "trigger"')
    elif trigger not in joined:
        out.append(f"{where}: trigger {trigger!r} is not in the event's evidence")
    return out


def _check_participant(
    part: Any, evidence: list[Any], where: str, seen_countries: set[str]
) -> list[str]:
    """A participant's role, its mention in the evidence, and its country (added to
    `seen_countries`)."""
    if not isinstance(part, dict):
        return [f"{where}: a participant must be an object"]
    out: list[str] = []
    first = evidence[0] if evidence and isinstance(evidence[0], str) else ""
    joined = "\n".join(q for q in evidence if isinstance(q, str))
    mention, role = part.get("mention"), part.get("role")
    if role not in ROLES:
        out.append(f"{where}: role {role!r} of {mention!r} is not one of {', '.join(ROLES)}")
    if not isinstance(mention, str) or mention not in joined:
        out.append(f"{where}: participant {mention!r} is not in the event's evidence")
    else:
        occurrence = part.get("occurrence", 1)
        home = first if mention in first else joined
        if not isinstance(occurrence, int) or not 1 <= occurrence <= home.count(mention):
            out.append(f"{where}: {mention!r} has no occurrence {occurrence} in its evidence")
    country = part.get("country")
    if country is not None:
        if not isinstance(country, str) or len(country) != 3 or not country.isupper():
            out.append(f"{where}: country {country!r} of {mention!r} is not an alpha-3 code")
        else:
            seen_countries.add(country)
    return out


def load(root: str | Path | None = None, *, strict: bool = True) -> Corpus:
    """Every report of `root/reports/*.jsonl` with its gold record, checked.

    With strict (the default) any problem raises CorpusError listing the first ones with
    file:line; otherwise the problems are collected on the result and bad records skipped.
    """
    folder = Path(root) if root is not None else default_root()
    corpus = Corpus()
    seen: dict[str, str] = {}
    for path in sorted((folder / "reports").glob("*.jsonl")):
        if path.name.endswith(".gold.jsonl"):
            continue
        corpus.reports.extend(_load_file(path, corpus.problems, seen))
    if strict and corpus.problems:
        shown = "\n".join(corpus.problems[:20])
        more = len(corpus.problems) - 20
        raise CorpusError(
            f"{len(corpus.problems)} problem(s) in the corpus:\n{shown}"
            + (f"\n… and {more} more" if more > 0 else ""),
            hint="quote the words exactly as the report has them (docs/ANNOTATION.md)",
        )
    return corpus


def _load_file(path: Path, problems: list[str], seen: dict[str, str]) -> list[Report]:
    gold_file = gold_path_for(path)
    if not gold_file.exists():
        problems.append(f"{path}: no gold file {gold_file.name} beside it")
        return []
    golds = {}
    for lineno, gold in _read_jsonl(gold_file, problems):
        if not isinstance(gold.get("id"), str) or not isinstance(gold.get("events"), list):
            problems.append(f'{gold_file}:{lineno}: gold needs a string "id" and an "events" list')
            continue
        golds[gold["id"]] = (lineno, gold)
    out = []
    for lineno, record in _read_jsonl(path, problems):
        where = f"{path}:{lineno}"
        bad = _check_report(record, where)
        if bad:
            problems.extend(bad)
            continue
        if record["id"] in seen:
            problems.append(f"{where}: id {record['id']!r} also stands at {seen[record['id']]}")
            continue
        seen[record["id"]] = where
        if record["id"] not in golds:
            problems.append(f"{where}: report {record['id']!r} has no gold record in {gold_file}")
            continue
        gold_line, gold = golds.pop(record["id"])
        gold_where = f"{gold_file}:{gold_line}"
        bad = []
        for index, event in enumerate(gold["events"], start=1):
            if not isinstance(event, dict):
                bad.append(f"{gold_where}: event {index} is not an object")
                continue
            bad.extend(check_event(event, record["text"], f"{gold_where} event {index}"))
        if bad:
            problems.extend(bad)
            continue
        out.append(Report(record=record, gold=gold, path=path, line=lineno))
    for gold_id, (gold_line, _) in golds.items():
        problems.append(f"{gold_file}:{gold_line}: gold for {gold_id!r} has no report in {path}")
    return out


def read_splits(root: str | Path | None = None) -> dict[str, list[str]]:
    """Publisher keys per split from `splits.json`; a publisher in two splits is an error."""
    path = (Path(root) if root is not None else default_root()) / "splits.json"
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise CorpusError(
            "no split file", where=str(path), hint="the corpus has no splits yet"
        ) from None
    except json.JSONDecodeError as exc:
        raise CorpusError(
            f"not valid JSON ({exc.msg})", where=str(path), hint="fix the file"
        ) from None
    splits = {name: list(data["splits"][name]["publishers"]) for name in SPLITS}
    owner: dict[str, str] = {}
    for name, keys in splits.items():
        for key in keys:
            if key in owner:
                raise CorpusError(
                    f"publisher {key!r} is in both {owner[key]} and {name}",
                    where=str(path),
                    hint="a publisher belongs to one split only",
                )
            owner[key] = name
    return splits


def split_reports(corpus: Corpus, split: str, *, root: str | Path | None = None) -> list[Report]:
    """The reports of one split, in corpus order; a publisher with no split is an error."""
    if split not in SPLITS:
        raise CorpusError(f"unknown split {split!r}", hint=f"use one of: {', '.join(SPLITS)}")
    splits = read_splits(root)
    assigned = {key for keys in splits.values() for key in keys}
    unassigned = sorted({r.publisher_key for r in corpus.reports} - assigned)
    if unassigned:
        raise CorpusError(
            f"publishers without a split: {', '.join(unassigned)}",
            where=str((Path(root) if root is not None else default_root()) / "splits.json"),
            hint="add each to the publishers of one split",
        )
    keys = set(splits[split])
    return [r for r in corpus.reports if r.publisher_key in keys]


def statistics(reports: list[Report]) -> dict[str, Any]:
    """Counts a corpus README prints: reports, publishers, genres, types, supplier countries."""
    publishers = Counter(r.publisher_key for r in reports)
    genres = Counter(r.record["genre"] for r in reports)
    types: Counter[str] = Counter()
    suppliers: Counter[str] = Counter()
    for r in reports:
        for event in r.gold["events"]:
            types[_values(event.get("type"))[0]] += 1
            for part in event.get("participants") or []:
                if side_of(part.get("role") or "") == "supplier" and part.get("country"):
                    suppliers[part["country"]] += 1
    return {
        "reports": len(reports),
        "events": sum(types.values()),
        "publishers": dict(publishers.most_common()),
        "publisher_countries": dict(Counter(r.record["publisher_country"] for r in reports)),
        "genres": dict(genres),
        "types": dict(types.most_common()),
        "supplier_countries": dict(suppliers.most_common()),
    }


def sources_markdown(corpus: Corpus) -> str:
    """The corpus's SOURCES.md: one row per report with its source, publisher and license."""

    def cell(value: Any) -> str:
        return str(value or "").replace("|", "\\|").replace("\n", " ")

    lines = [
        "# Corpus sources",
        "",
        "Every report of `reports/`, with where it was found, who published it and under what",
        "license the project ships it. Texts are stored as found; the last column says what was",
        "dropped (navigation, captions, the rest of a long page). Written by `armsgraph corpus sources`.",
        "",
        "| id | title | source URL | publisher | key | genre | license | trimmed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in sorted(corpus.reports, key=lambda r: (r.publisher_key, r.id)):
        rec = r.record
        lines.append(
            "| "
            + " | ".join(
                cell(rec.get(k))
                for k in (
                    "id",
                    "title",
                    "url",
                    "publisher",
                    "publisher_key",
                    "genre",
                    "license",
                    "trimmed",
                )
            )
            + " |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """`python -m armsgraph.corpus [FOLDER]`: check the corpus and print its statistics."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    corpus = load(args[0] if args else None, strict=False)
    for problem in corpus.problems:
        print(problem)
    print(json.dumps(statistics(corpus.reports), indent=1))
    return 1 if corpus.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
