"""Rows from records: what one document and its extraction become in the store's tables.

`prepare` computes everything `Store.add` writes for an extraction without the database
(canonical entities, alias, mention and fact rows, the reports its events give to the
merge, the stored JSON), so ingest workers can do it; `document_row`, `fact_row` and
`document_from_row` are the same rows for other writers (the Spark job) and readers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from armsgraph.model import Document, Extraction, Fact, content_hash
from armsgraph.resolve import merge
from armsgraph.resolve.entities import resolve_event_json, resolve_with_ids


@dataclass
class Prepared:
    """One extraction as `Store.add` writes it: everything that needs no database, computed
    beforehand (`prepare`), so that ingest workers do it and the process that writes only
    writes. Rows are those of the tables of the same names; `json` the extractions row."""

    document: Document
    content_hash: str
    json: str
    entities: list[dict[str, Any]]
    aliases: list[dict[str, Any]]
    mentions: list[dict[str, Any]]
    facts: list[dict[str, Any]]
    sources: list[merge.Source]
    skipped: str | None = None

    def renamed(self, document_id: str) -> Prepared:
        """The same under another document id (a new version of a stored page): equal to
        preparing the extraction of the renamed document (tests/store checks it)."""
        raw = json.loads(self.json)
        raw["document"]["id"] = document_id
        return replace(
            self,
            document=replace(self.document, id=document_id),
            json=_dumps(raw),
            mentions=[{**m, "document_id": document_id} for m in self.mentions],
            facts=[
                {
                    **f,
                    "document_id": document_id,
                    "id": fact_id(document_id, f["subject"], f["attribute"], f["start"]),
                }
                for f in self.facts
            ],
            sources=[
                merge.Source(document_id, s.local_event_id, s.published, s.event)
                for s in self.sources
            ],
        )


def _dumps(raw: dict[str, Any]) -> str:
    return json.dumps(raw, ensure_ascii=False, sort_keys=True)


def prepare(extraction: Extraction, raw: dict[str, Any] | None = None) -> Prepared:
    """What `Store.add` writes for `extraction`, computed without the database: canonical
    entities and their rows, mentions, facts, the reports its events give to the merge,
    and the stored JSON (`raw`, its to_json(), may be given)."""
    doc = extraction.document
    if raw is None:
        raw = extraction.to_json()
    resolved, mapping = resolve_with_ids(extraction)
    ent_rows, alias_rows, mention_rows = [], [], []
    for e in resolved.entities:
        ent_rows.append(
            {
                "id": e.id,
                "type": e.type,
                "name": e.name,
                "country": e.country,
                "category": e.category,
                "wikidata": e.wikidata,
            }
        )
        alias_rows += [{"entity_id": e.id, "alias": a[:300]} for a in e.aliases]
        mention_rows += [
            {
                "document_id": doc.id,
                "entity_id": e.id,
                "start": m.start,
                "end": m.end,
                "text": m.text,
            }
            for m in e.mentions
        ]
    sources: list[merge.Source] = []
    local_ids: set[str] = set()
    for i, raw_event in enumerate(raw.get("events", [])):
        ev_json = resolve_event_json(raw_event, mapping)
        local_id = str(ev_json.get("id") or i)
        if local_id in local_ids:  # an extractor bug must not lose an event
            local_id = f"{local_id}#{i}"
        local_ids.add(local_id)
        sources.append(merge.Source(doc.id, local_id, doc.published, ev_json))
    return Prepared(
        document=doc,
        content_hash=content_hash(doc.text, length=40),
        json=_dumps(raw),
        entities=ent_rows,
        aliases=alias_rows,
        mentions=mention_rows,
        facts=[fact_row(doc.id, f) for f in resolved.facts],
        sources=sources,
        skipped=extraction.skipped,
    )


def fact_id(document_id: str, subject: str, attribute: str, start: int) -> str:
    """The id of a fact: its document, subject, attribute and where its evidence starts."""
    return "fact:" + content_hash(document_id, subject, attribute, str(start))


def fact_row(document_id: str, fact: Fact) -> dict:
    """The facts-table row of one fact (the Spark job writes the same columns)."""
    return {
        "id": fact_id(document_id, fact.subject, fact.attribute, fact.evidence.start),
        "subject": fact.subject,
        "attribute": fact.attribute,
        "value": str(fact.value),
        "unit": fact.unit,
        "document_id": document_id,
        "start": fact.evidence.start,
        "end": fact.evidence.end,
        "text": fact.evidence.text,
    }


def document_row(doc: Document, content_hash_: str) -> dict:
    """The documents-table columns of one document (the Spark job writes the same)."""
    return {
        "id": doc.id,
        "url": doc.url,
        "title": doc.title,
        "published": doc.published,
        "dateline": doc.dateline,
        "language": doc.language,
        "source": doc.source,
        "content_hash": content_hash_,
        "text": doc.text,
    }


def document_from_row(row: Any) -> Document:
    """A Document back from a documents row (a table row, a Parquet row: anything with the columns)."""
    return Document(
        text=row.text,
        id=row.id,
        url=row.url,
        title=row.title,
        published=row.published,
        dateline=row.dateline,
        source=row.source,
        language=row.language,
    )
