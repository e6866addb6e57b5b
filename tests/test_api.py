"""The Python API: armsgraph.open(db), .add/.ingest, .events() dataclasses, .events_frame()."""

from __future__ import annotations

import json

import pytest

import armsgraph
from armsgraph.api import EventRecord


def test_open_add_and_query_returns_dataclasses(db_url, story):
    with armsgraph.open(db_url) as db:
        for r in story:
            db.add(r)
        (ev,) = db.events(actor="Egypt")
        assert isinstance(ev, EventRecord)
        assert (ev.type, ev.status, ev.n_sources) == ("arms_sale", "completed", 3)
        assert ev.actors("seller") == ["United States"] and ev.actors("buyer") == ["Egypt"]
        full = db.event(ev.id)
        assert [s.status for s in full.sources] == ["proposed", "agreed", "completed"]
        assert db.events(actor="Poland") == []
        with pytest.raises(TypeError, match="unknown event filter"):
            db.events(country="EGY")


def test_events_frame_is_a_pandas_dataframe(tmp_path, story):
    pytest.importorskip("pandas")
    with armsgraph.open(tmp_path / "frame.db") as db:
        for r in story:
            db.add(r)
        frame = db.events_frame(type="arms_sale")
        assert list(frame["status"]) == ["completed"]
        assert frame["quantity"].iloc[0] == 12.0 and frame["n_sources"].iloc[0] == 3


def test_ingest_from_python_counts_documents(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        "".join(
            json.dumps({"id": f"d{i}", "text": f"Report {i} about defense."}) + "\n"
            for i in range(3)
        ),
        encoding="utf-8",
    )
    with armsgraph.open(tmp_path / "i.db") as db:
        summary = db.ingest(corpus)
        assert (summary.new, summary.unchanged, summary.skipped) == (3, 0, [])
        again = db.ingest([corpus])
        assert (again.new, again.unchanged) == (0, 3)


def test_correct_from_python_survives_rebuild(db_url, story):
    with armsgraph.open(db_url) as db:
        for r in story:
            db.add(r)
        (ev,) = db.events()
        assert not ev.corrected
        rows = db.correct(ev.id, by="ana", status="agreed", roles={"seller": ["France"]})
        assert [(r["field"], r["new"]) for r in rows] == [
            ("status", "agreed"),
            ("role:seller", "France (country:FRA)"),
        ]
        db.correct(ev.id, by="ana", hidden=True, note="duplicate of a SIPRI entry")
        assert db.events() == []
        db.rebuild()
        (hidden,) = db.events(include_hidden=True)
        assert (hidden.status, hidden.actors("seller"), hidden.corrected, hidden.hidden) == (
            "agreed",
            ["France"],
            True,
            True,
        )
        assert [c["field"] for c in db.corrections(ev.id)] == ["status", "role:seller", "hidden"]
