"""Full-text search on SQLite (FTS5) and PostgreSQL (tsvector): the query language, the index
kept in step by every write, built for a database made before it, and `armsgraph search`."""

from __future__ import annotations

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from armsgraph.cli.app import app
from armsgraph.cli.main import load_commands
from armsgraph.store import search
from armsgraph.store.queries import DocumentFilters, count_documents, documents_list
from armsgraph.store.store import Store

load_commands()

TEXTS = [
    # (id, title, published, url, text, events)
    (
        "jets",
        "Egypt receives fighter jets",
        "2024-03-05",
        "https://www.news.example/a",
        "The United States delivered four F-16 fighter jets to Egypt on Monday.",
        True,
    ),
    (
        "drones",
        "Turkey's drone exports",
        "2023-01-10",
        "https://defence.example.org/b",
        "Baykar sold Bayraktar TB2 drones to Poland. Deliveries begin next year.",
        True,
    ),
    (
        "tanks",
        "Tank plant",
        "2019-07-01",
        None,
        "Egypt and the United States resumed co-production of tanks; no jets were mentioned.",
        False,
    ),
]


def fill(store: Store, report, sale_spec) -> None:
    for doc_id, title, published, url, text, with_event in TEXTS:
        events = []
        if doc_id == "jets":
            events = [sale_spec("completed", quantity=4)]
        elif with_event:
            events = [sale_spec("agreed", seller="Turkey", buyer="Poland", system="Bayraktar TB2")]
        ex = report(text, events, published=published, url=url, doc_id=doc_id)
        ex.document.title = title
        store.add(ex)


def doc_ids(store: Store, query: str) -> list[str]:
    with store.connect() as conn:
        return [h["id"] for h in search.search_documents(conn, query)["hits"]]


def event_docs(store: Store, query: str) -> list[str]:
    with store.connect() as conn:
        return [h["document_id"] for h in search.search_events(conn, query)["hits"]]


@pytest.mark.parametrize(
    ("query", "groups"),
    [
        ("f-16 egypt", (("f-16", "egypt"),)),
        ('"fighter jets" Egypt', (("fighter jets", "Egypt"),)),
        ("drones OR tanks", (("drones",), ("tanks",))),
        ('a AND b OR "c d" e', (("a", "b"), ("c d", "e"))),
        ('NEAR( x* ^y "unclosed', (("NEAR", "x", "y", "unclosed"),)),
        ("Türkiye's", (("Türkiye's",),)),
    ],
)
def test_the_query_language(query, groups):
    assert search.parse(query).groups == groups


@pytest.mark.parametrize("query", ["", "   ", "OR", "AND OR", '""', "- * ("])
def test_a_query_without_words_is_refused_with_the_fix(query):
    with pytest.raises(search.SearchError, match="nothing to search for") as err:
        search.parse(query)
    assert "quoted phrases" in err.value.one_line()


def test_words_phrases_and_or_on_both_databases(db_url, report, sale_spec):
    with Store(db_url) as store:
        fill(store, report, sale_spec)
        # Words: all of them (AND), in title or text, stemmed, case ignored.
        assert sorted(doc_ids(store, "egypt jets")) == ["jets", "tanks"]
        assert doc_ids(store, "EGYPT delivered") == ["jets"]
        assert doc_ids(store, "delivery") == ["drones"]  # "Deliveries", stemmed
        assert doc_ids(store, "deliveries") == ["drones"]
        assert doc_ids(store, "deliverance") == []
        assert doc_ids(store, "exports") == ["drones"]  # in the title only
        # A phrase keeps its words together and in order.
        assert doc_ids(store, '"fighter jets"') == ["jets"]
        assert doc_ids(store, '"jets fighter"') == []
        # OR binds looser than AND.
        assert sorted(doc_ids(store, "Poland OR tanks")) == ["drones", "tanks"]
        assert doc_ids(store, "Poland OR tanks Monday") == ["drones"]
        assert sorted(doc_ids(store, "F-16 OR TB2")) == ["drones", "jets"]
        # What would be syntax to the database is a word here.
        assert doc_ids(store, 'NEAR(jets "fighter') == []
        assert doc_ids(store, "jets*") == doc_ids(store, "jets") != []
        # Evidence: the events whose sentence matches, with the document they were read in.
        assert event_docs(store, "TB2") == ["drones"]
        assert event_docs(store, "tanks") == []  # that document gave no event


def test_results_count_page_and_mark_the_matches(db_url, report, sale_spec):
    with Store(db_url) as store:
        fill(store, report, sale_spec)
        with store.connect() as conn:
            page1 = search.search_documents(conn, "Egypt", limit=1)
            page2 = search.search_documents(conn, "Egypt", limit=1, offset=1)
            everything = search.search_documents(conn, "Egypt", limit=None)
            events = search.search_events(conn, '"fighter jets"')
        assert page1["total"] == page2["total"] == 2
        assert [h["id"] for h in page1["hits"] + page2["hits"]] == [
            h["id"] for h in everything["hits"]
        ]
        assert {h["id"] for h in everything["hits"]} == {"jets", "tanks"}
        jets = next(h for h in everything["hits"] if h["id"] == "jets")
        assert jets["n_events"] == 1 and jets["title"] == "Egypt receives fighter jets"
        assert [p["text"] for p in jets["snippet"] if p["mark"]] == ["Egypt"]
        assert "delivered four F-16 fighter jets to" in "".join(p["text"] for p in jets["snippet"])
        (hit,) = events["hits"]
        assert hit["type"] == "arms_sale" and hit["status"] == "completed"
        assert search.snippet_text(hit["snippet"]) == (
            "The United States delivered four F-16 [fighter jets] to Egypt on Monday."
        )


def test_the_index_follows_every_write(db_url, report, sale_spec):
    with Store(db_url) as store:
        fill(store, report, sale_spec)
        # The same text again with a corrected date: the document is written anew.
        again = report(TEXTS[0][4], [sale_spec("completed", quantity=4)], doc_id="jets")
        again.document.published = "2024-03-06"
        again.document.title = TEXTS[0][1]
        assert store.add(again).status == "updated"
        assert doc_ids(store, "Monday") == ["jets"]
        assert event_docs(store, "Monday") == ["jets"]
        # A second report of the same deal: one event, found by either report's words.
        store.add(
            report(
                "Egypt took delivery of 4 F-16 aircraft from the United States on Tuesday.",
                [sale_spec("completed", quantity=4)],
                published="2024-03-08",
                doc_id="second",
            )
        )
        with store.connect() as conn:
            hits = search.search_events(conn, "Monday OR Tuesday")["hits"]
        assert len(hits) == 1 and store.event(hits[0]["event_id"])["n_sources"] == 2
        before = (doc_ids(store, "Egypt"), event_docs(store, "F-16"))
        store.rebuild()
        assert (doc_ids(store, "Egypt"), event_docs(store, "F-16")) == before


def test_the_index_is_built_for_a_database_made_before_it(db_url, report, sale_spec):
    from alembic import command
    from alembic.config import Config

    from armsgraph.store.db import MIGRATIONS

    with Store(db_url) as store:
        fill(store, report, sale_spec)
    # Back to the schema before the index (the code of today cannot write an old schema).
    store = Store(db_url, migrate=False)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", store.url.replace("%", "%%"))
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008")
    assert search_objects(store) == set()
    if store.dialect == "sqlite":
        with pytest.raises(Exception, match="documents_fts"):
            doc_ids(store, "Egypt")
    store.close()
    with Store(db_url) as store:  # opening migrates to the head
        assert search_objects(store) == (
            {"documents_fts", "evidence_fts", *search.SQLITE_TRIGGERS}
            if store.dialect == "sqlite"
            else {"ix_documents_search", "ix_event_sources_search"}
        )
        assert sorted(doc_ids(store, "Egypt")) == ["jets", "tanks"]
        assert event_docs(store, "TB2") == ["drones"]


def search_objects(store: Store) -> set[str]:
    """The search index's tables and triggers (SQLite) or indexes (PostgreSQL) in the database."""
    if store.dialect == "sqlite":
        sql = (
            "SELECT name FROM sqlite_master WHERE (type = 'table' AND name IN "
            "('documents_fts', 'evidence_fts')) OR (type = 'trigger' AND name LIKE '%fts%')"
        )
    else:
        sql = (
            "SELECT indexname FROM pg_indexes "
            "WHERE indexname IN ('ix_documents_search', 'ix_event_sources_search')"
        )
    with store.connect() as conn:
        return set(conn.exec_driver_sql(sql).scalars())


def test_sqlite_triggers_exist_at_the_head(tmp_path):
    Store(tmp_path / "x.db").close()
    con = sqlite3.connect(tmp_path / "x.db")
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert set(search.SQLITE_TRIGGERS) <= names and len(search.SQLITE_TRIGGERS) == 6


def test_documents_list_filters(db_url, report, sale_spec):
    with Store(db_url) as store:
        fill(store, report, sale_spec)
        with store.connect() as conn:

            def ids(**kw):
                f = DocumentFilters(**kw)
                found = [d["id"] for d in documents_list(conn, f)]
                assert count_documents(conn, f) == len(found)
                return found

            assert ids() == ["jets", "drones", "tanks"]  # latest first
            assert ids(publisher="news.example") == ["jets"]  # www. is the same site
            assert ids(publisher="example.org") == ["drones"]  # a subdomain of it
            assert ids(publisher="news") == []  # a host, not part of one
            assert ids(publisher="news.example%") == []
            assert ids(since="2023") == ["jets", "drones"]
            assert ids(until="2023-01") == ["drones", "tanks"]
            assert ids(since="2020", until="2023-12-31") == ["drones"]
            rows = documents_list(conn, DocumentFilters(source="news"))
        assert rows == []  # built in memory: no file or URL read
        with store.connect() as conn:
            rows = documents_list(conn)
        assert [(r["publisher"], r["n_events"]) for r in rows] == [
            ("news.example", 1),
            ("defence.example.org", 1),
            (None, 0),
        ]


def test_search_and_documents_commands(tmp_path, report, sale_spec):
    db = str(tmp_path / "cli.db")
    with Store(db) as store:
        fill(store, report, sale_spec)
    runner = CliRunner()
    out = runner.invoke(app, ["search", '"fighter jets" OR TB2', "--db", db, "-f", "json"])
    assert out.exit_code == 0, out.output
    hits = [json.loads(line) for line in out.stdout.splitlines()]
    # Events first, then documents; each kind best first.
    assert [h["kind"] for h in hits] == ["event", "event", "document", "document"]
    assert {h["document_id"] for h in hits[:2]} == {h["id"] for h in hits[2:]} == {"drones", "jets"}
    out = runner.invoke(app, ["search", "jets", "--db", db, "--in", "documents", "--limit", "1"])
    assert out.exit_code == 0 and "[jets]" in out.stdout and "document" in out.stdout
    assert out.stdout.count("document ") + out.stdout.count("document│") <= 2
    out = runner.invoke(app, ["search", "OR", "--db", db])
    assert out.exit_code == 2 and "nothing to search for" in out.stderr
    out = runner.invoke(app, ["documents", "--db", db, "--publisher", "example.org", "-f", "csv"])
    assert out.exit_code == 0
    assert out.stdout.splitlines() == [
        "id,published,publisher,title,n_events",
        "drones,2023-01-10,defence.example.org,Turkey's drone exports,1",
    ]


def test_search_and_documents_from_python(db_url, report, sale_spec):
    import armsgraph
    from armsgraph.errors import ArmsgraphError

    with armsgraph.open(db_url) as db:
        fill(db.store, report, sale_spec)
        found = db.search('"fighter jets" OR TB2')
        assert found["total"] == 2
        assert {h["document_id"] for h in found["hits"]} == {"jets", "drones"}
        docs = db.search("Egypt", kind="documents", limit=1, offset=1)
        assert docs["total"] == 2 and len(docs["hits"]) == 1
        assert [d["id"] for d in db.documents(since="2020")] == ["jets", "drones"]
        with pytest.raises(ArmsgraphError, match="unknown kind"):
            db.search("x", kind="actors")


def test_a_hidden_event_leaves_the_search_unless_asked_for(db_url, report, sale_spec):
    with Store(db_url) as store:
        fill(store, report, sale_spec)
        with store.connect() as conn:
            (hit,) = search.search_events(conn, "TB2")["hits"]
        store.correct(hit["event_id"], by="analyst", hidden=True, note="not a sale")
        with store.connect() as conn:
            assert search.search_events(conn, "TB2") == {"total": 0, "hits": []}
            shown = search.search_events(conn, "TB2 OR jets", include_hidden=True)
            assert shown["total"] == 2 and hit["event_id"] in {h["event_id"] for h in shown["hits"]}
            assert search.search_events(conn, "TB2 OR jets")["total"] == 1
            assert doc_ids(store, "TB2") == ["drones"]  # the document stays found
        out = CliRunner().invoke(app, ["search", "TB2", "--in", "events", "-f", "json", "--db", db_url, "--include-hidden"])  # fmt: skip
        assert [json.loads(x)["event_id"] for x in out.stdout.splitlines()] == [hit["event_id"]]
