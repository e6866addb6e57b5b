"""Full-text search over documents (title, text) and event evidence: SQLite FTS5, PostgreSQL tsvector.

A query is words, "quoted phrases", AND (implied between terms) and OR (binding looser
than AND): `drones OR "fighter jets" Pakistan` is `drones OR ("fighter jets" AND Pakistan)`.
Words are stemmed (Porter in both databases), case and accents ignored.

SQLite: two FTS5 tables over the rows they index, `documents_fts` (title, text of
`documents`) and `evidence_fts` (text of `event_sources`, an event's evidence sentence
in one report), kept in step by triggers on those tables, so every write path (Store.add,
rebuild, the Spark load) updates them; `install` makes them (migration 0009) and `reindex`
fills them again from their tables (Store.rebuild calls it: a VACUUM may renumber the
rowids they point to). A migration that copies `documents` or `event_sources` (a batch
ALTER) drops their triggers: it must call `install` again (tests/store/test_search.py
checks that they exist at head).

PostgreSQL: GIN indexes over the tsvector of the same columns (expressions, no column
to keep in step); a query uses the very expression of its index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, text

from armsgraph.errors import ArmsgraphError
from armsgraph.store.queries.events import participants_of

# PostgreSQL: what is indexed, the title weighing more than the text. The text is cut at
# 300,000 characters: a tsvector holds at most 1 MB, and a longer text must not fail its insert.
DOC_TSV = (
    "(setweight(to_tsvector('english', coalesce(documents.title, '')), 'A') || "
    "setweight(to_tsvector('english', left(documents.text, 300000)), 'B'))"
)
EVIDENCE_TSV = "to_tsvector('english', coalesce(event_sources.text, ''))"

_SQLITE_INSTALL = (
    # porter: stems, as PostgreSQL's english configuration does; remove_diacritics: Türkiye = Turkiye.
    "CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(title, text, "
    "content='documents', content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS evidence_fts USING fts5(text, "
    "content='event_sources', content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS documents_fts_insert AFTER INSERT ON documents BEGIN "
    "INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS documents_fts_delete AFTER DELETE ON documents BEGIN "
    "INSERT INTO documents_fts(documents_fts, rowid, title, text) "
    "VALUES ('delete', old.rowid, old.title, old.text); END",
    "CREATE TRIGGER IF NOT EXISTS documents_fts_update AFTER UPDATE OF title, text ON documents BEGIN "
    "INSERT INTO documents_fts(documents_fts, rowid, title, text) "
    "VALUES ('delete', old.rowid, old.title, old.text); "
    "INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS evidence_fts_insert AFTER INSERT ON event_sources BEGIN "
    "INSERT INTO evidence_fts(rowid, text) VALUES (new.rowid, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS evidence_fts_delete AFTER DELETE ON event_sources BEGIN "
    "INSERT INTO evidence_fts(evidence_fts, rowid, text) VALUES ('delete', old.rowid, old.text); END",
    "CREATE TRIGGER IF NOT EXISTS evidence_fts_update AFTER UPDATE OF text ON event_sources BEGIN "
    "INSERT INTO evidence_fts(evidence_fts, rowid, text) VALUES ('delete', old.rowid, old.text); "
    "INSERT INTO evidence_fts(rowid, text) VALUES (new.rowid, new.text); END",
)
SQLITE_TRIGGERS = tuple(
    re.search(r"TRIGGER IF NOT EXISTS (\w+)", s)[1] for s in _SQLITE_INSTALL if "TRIGGER" in s
)
_PG_INSTALL = (
    f"CREATE INDEX IF NOT EXISTS ix_documents_search ON documents USING gin ({DOC_TSV})",
    f"CREATE INDEX IF NOT EXISTS ix_event_sources_search ON event_sources USING gin ({EVIDENCE_TSV})",
)
_SQLITE_UNINSTALL = (
    *(f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS),
    "DROP TABLE IF EXISTS documents_fts",
    "DROP TABLE IF EXISTS evidence_fts",
)
_PG_UNINSTALL = (
    "DROP INDEX IF EXISTS ix_documents_search",
    "DROP INDEX IF EXISTS ix_event_sources_search",
)


def include_name(name: str | None, type_: str, _parents: Any = None) -> bool:
    """False for the search index's own tables and indexes, which schema.py does not
    describe (FTS5 tables, expression indexes): Alembic's comparisons leave them alone."""
    if type_ == "table" and name and name.startswith(("documents_fts", "evidence_fts")):
        return False
    return not (type_ == "index" and name in ("ix_documents_search", "ix_event_sources_search"))


def install(conn: Connection) -> None:
    """Make the search index of this database and fill it from the stored rows."""
    sqlite = conn.dialect.name == "sqlite"
    for stmt in _SQLITE_INSTALL if sqlite else _PG_INSTALL:
        conn.exec_driver_sql(stmt)
    reindex(conn)


def uninstall(conn: Connection) -> None:
    for stmt in _SQLITE_UNINSTALL if conn.dialect.name == "sqlite" else _PG_UNINSTALL:
        conn.exec_driver_sql(stmt)


def reindex(conn: Connection) -> None:
    """Fill the SQLite index again from its tables (PostgreSQL's indexes need nothing)."""
    if conn.dialect.name == "sqlite":
        for table in ("documents_fts", "evidence_fts"):
            conn.exec_driver_sql(f"INSERT INTO {table}({table}) VALUES ('rebuild')")


# -- the query language ----------------------------------------------------------------------


class SearchError(ArmsgraphError, ValueError):
    """A query that holds no word to search for."""


@dataclass(frozen=True)
class Query:
    """A parsed query: OR of AND-groups of terms; a term is one word or a phrase (its words)."""

    groups: tuple[tuple[str, ...], ...]

    def fts5(self) -> str:
        """The query in FTS5's syntax, each term a quoted string (so nothing in it is syntax)."""
        return " OR ".join(
            "(" + " AND ".join('"' + t.replace('"', '""') + '"' for t in group) + ")"
            for group in self.groups
        )

    def tsquery(self) -> tuple[str, dict[str, str]]:
        """The query as PostgreSQL SQL building a tsquery, and its bound parameters."""
        params: dict[str, str] = {}
        ors = []
        for group in self.groups:
            ands = []
            for term in group:
                name = f"t{len(params)}"
                params[name] = term
                ands.append(f"phraseto_tsquery('english', :{name})")
            ors.append("(" + " && ".join(ands) + ")")
        return "(" + " || ".join(ors) + ")", params


_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')


def parse(query: str) -> Query:
    """Words, "phrases", AND and OR (upper case) → Query; SearchError when no word is left."""
    groups: list[list[str]] = [[]]
    for m in _TOKEN.finditer(query or ""):
        phrase, word = m[1], m[2]
        if word in ("OR", "|"):
            groups.append([])
            continue
        if word == "AND":
            continue
        words = re.findall(r"\w+(?:[-'’.]\w+)*", phrase if phrase is not None else word)
        if words:
            groups[-1].append(" ".join(words))
    kept = tuple(tuple(g) for g in groups if g)
    if not kept:
        raise SearchError(
            f"nothing to search for in {query!r}",
            hint='give words or "quoted phrases", joined by AND (the default) or OR',
        )
    return Query(kept)


# -- snippets --------------------------------------------------------------------------------

START, STOP = "\x02", "\x03"  # the marks the databases put around a match, never in text


def segments(marked: str | None) -> list[dict[str, Any]]:
    """A snippet with START/STOP marks → [{text, mark}] pieces (marks never in the pieces'
    text, so a template escapes the text and wraps marked pieces itself)."""
    if not marked:
        return []
    # PostgreSQL marks F-16 as F, -16 and a phrase word by word: one mark each.
    marked = marked.replace(STOP + START, "").replace(STOP + " " + START, " ")
    out: list[dict[str, Any]] = []
    for i, part in enumerate(re.split(f"[{START}{STOP}]", marked)):
        if part:
            out.append({"text": part, "mark": i % 2 == 1})
    return out


def window(
    pieces: list[dict[str, Any]], before: int = 120, after: int = 260
) -> list[dict[str, Any]]:
    """The pieces around the first match: about `before` characters ahead of it and `after`
    from it on, cut at spaces, with "… " where text was left out."""
    first = next((i for i, p in enumerate(pieces) if p["mark"]), None)
    if first is None:
        return pieces
    head = "".join(p["text"] for p in pieces[:first])
    out: list[dict[str, Any]] = []
    if len(head) > before:
        cut = head[-before:]
        cut = cut[cut.find(" ") + 1 :] if " " in cut else cut
        out.append({"text": "… " + cut, "mark": False})
    elif head:
        out.append({"text": head, "mark": False})
    room = after
    for p in pieces[first:]:
        if room <= 0:
            out.append({"text": " …", "mark": False})
            break
        if p["mark"] or len(p["text"]) <= room:
            out.append(p)
        else:
            cut = p["text"][:room]
            cut = cut[: cut.rfind(" ")] if " " in cut else cut
            out.append({"text": cut + " …", "mark": False})
            break
        room -= len(p["text"])
    return out


def snippet_text(pieces: list[dict[str, Any]], left: str = "[", right: str = "]") -> str:
    """Pieces as plain text with the matches bracketed (for a terminal or a CSV cell)."""
    return "".join(f"{left}{p['text']}{right}" if p["mark"] else p["text"] for p in pieces)


# -- the searches ----------------------------------------------------------------------------

_HEADLINE = f'StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'


def search_documents(
    conn: Connection, query: str | Query, *, limit: int | None = 20, offset: int = 0
) -> dict[str, Any]:
    """Documents whose title or text match, best first: {total, hits: [{id, url, title,
    published, source, n_events, snippet: [{text, mark}]}]}."""
    q = query if isinstance(query, Query) else parse(query)
    cols = "documents.id, documents.url, documents.title, documents.published, documents.source"
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        params: dict[str, Any] = {"q": q.fts5()}
        where = "FROM documents_fts JOIN documents ON documents.rowid = documents_fts.rowid WHERE documents_fts MATCH :q"
        sql = f"SELECT documents.rowid AS rid, {cols} {where} ORDER BY bm25(documents_fts, 4.0, 1.0), documents.id"
    else:
        tsq, params = q.tsquery()
        where = f"FROM documents WHERE {DOC_TSV} @@ {tsq}"
        # Ranked first, cut to the page; the snippets are made for the page's rows only.
        ranked = f"SELECT {cols}, ts_rank({DOC_TSV}, {tsq}) AS score {where} ORDER BY score DESC, documents.id"
        sql = (
            f"SELECT p.id, p.url, p.title, p.published, p.source, ts_headline('english', "
            f"left(d.text, 300000), {tsq}, :hl) AS snip FROM ({_page(ranked, limit, offset, 'postgresql')}) p "
            "JOIN documents d ON d.id = p.id ORDER BY p.score DESC, p.id"
        )
        params["hl"] = _HEADLINE
    total = conn.execute(text(f"SELECT count(*) {where}"), params).scalar_one()
    if sqlite:
        rows = [
            dict(r._mapping)
            for r in conn.execute(text(_page(sql, limit, offset, "sqlite")), params)
        ]
        snips = _highlights(conn, "documents_fts", 1, params["q"], [r.pop("rid") for r in rows])
        for r, snip in zip(rows, snips, strict=True):
            r["snip"] = snip
    else:
        rows = [dict(r._mapping) for r in conn.execute(text(sql), params)]
    counts = _event_counts(conn, [r["id"] for r in rows])
    hits = []
    for r in rows:
        r["n_events"] = counts.get(r["id"], 0)
        r["snippet"] = window(segments(r.pop("snip")))
        hits.append(r)
    return {"total": total, "hits": hits}


def _highlights(
    conn: Connection, table: str, column: int, match: str, rowids: list[int]
) -> list[str]:
    """The text of `column` of each FTS5 row with its matches marked, in the order of
    `rowids` (made for one page of hits, not for every match)."""
    if not rowids:
        return []
    stmt = text(
        f"SELECT rowid AS rid, highlight({table}, {column}, '{START}', '{STOP}') AS snip "
        f"FROM {table} WHERE {table} MATCH :q AND rowid IN :ids"
    ).bindparams(bindparam("ids", expanding=True))
    found = {r.rid: r.snip for r in conn.execute(stmt, {"q": match, "ids": rowids})}
    return [found.get(rid) for rid in rowids]


def _event_counts(conn: Connection, document_ids: list[str]) -> dict[str, int]:
    if not document_ids:
        return {}
    stmt = text(
        "SELECT document_id, count(DISTINCT event_id) AS n FROM event_sources "
        "WHERE document_id IN :ids GROUP BY document_id"
    ).bindparams(bindparam("ids", expanding=True))
    return {r.document_id: r.n for r in conn.execute(stmt, {"ids": document_ids})}


def search_events(
    conn: Connection,
    query: str | Query,
    *,
    limit: int | None = 20,
    offset: int = 0,
    include_hidden: bool = False,
) -> dict[str, Any]:
    """Events whose evidence in some report matches, best first, one hit per event (its best
    report): {total, hits: [{event_id, type, status, document_id, title, published,
    snippet: [{text, mark}], participants: [as events() gives them]}]}. Events an analyst
    hid are left out unless `include_hidden`."""
    q = query if isinstance(query, Query) else parse(query)
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        params: dict[str, Any] = {"q": q.fts5()}
        matches = (
            "SELECT es.event_id, es.document_id, es.local_event_id, es.published, es.rowid AS rid, "
            "bm25(evidence_fts) AS score "
            "FROM evidence_fts JOIN event_sources es ON es.rowid = evidence_fts.rowid "
            "WHERE evidence_fts MATCH :q"
        )
    else:
        tsq, params = q.tsquery()
        tsv = EVIDENCE_TSV.replace("event_sources.", "es.")
        matches = (
            "SELECT es.event_id, es.document_id, es.local_event_id, es.published, 0 AS rid, "
            f"-ts_rank({tsv}, {tsq}) AS score FROM event_sources es WHERE {tsv} @@ {tsq}"
        )
        params["hl"] = _HEADLINE.replace("MaxFragments=2", "HighlightAll=true")
    shown = "" if include_hidden else " WHERE e.hidden = 0"
    joined = f"FROM ({matches}) m JOIN events e ON e.id = m.event_id{shown}"
    total = conn.execute(text(f"SELECT count(DISTINCT m.event_id) {joined}"), params).scalar_one()
    ranked = (
        "SELECT m.*, row_number() OVER (PARTITION BY m.event_id ORDER BY m.score, "
        f"m.published DESC, m.document_id) AS n {joined}"
    )
    order = "ORDER BY r.score, r.published DESC, r.event_id"
    sql = _page(
        "SELECT r.event_id, e.type, e.status, r.document_id, r.local_event_id, d.title, "
        f"r.published, r.rid, r.score FROM ({ranked}) r JOIN events e ON e.id = r.event_id "
        f"JOIN documents d ON d.id = r.document_id WHERE r.n = 1 {order}",
        limit,
        offset,
        conn.dialect.name,
    )
    if sqlite:
        rows = [dict(r._mapping) for r in conn.execute(text(sql), params)]
        snips = _highlights(conn, "evidence_fts", 0, params["q"], [r["rid"] for r in rows])
    else:
        # The snippets of the page's reports only, in the page's order.
        sql = (
            f"SELECT r.*, ts_headline('english', coalesce(es.text, ''), {tsq}, :hl) AS snip "
            f"FROM ({sql}) r JOIN event_sources es ON es.document_id = r.document_id "
            f"AND es.local_event_id = r.local_event_id {order}"
        )
        rows = [dict(r._mapping) for r in conn.execute(text(sql), params)]
        snips = [r.pop("snip") for r in rows]
    parts = participants_of(conn, [r["event_id"] for r in rows])
    hits = []
    for r, snip in zip(rows, snips, strict=True):
        for key in ("rid", "score", "local_event_id"):
            r.pop(key)
        hits.append({**r, "snippet": segments(snip), "participants": parts.get(r["event_id"], [])})
    return {"total": total, "hits": hits}


def _page(sql: str, limit: int | None, offset: int, dialect: str) -> str:
    """`sql` with its LIMIT and OFFSET (integers, made so here, written into the SQL)."""
    if limit is None:
        limit_sql = " LIMIT -1" if dialect == "sqlite" else " LIMIT ALL"
    else:
        limit_sql = f" LIMIT {int(limit)}"
    return sql + limit_sql + (f" OFFSET {int(offset)}" if offset else "")
