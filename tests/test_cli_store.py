"""The store CLI as a user runs it: ingest (with bad inputs and kill -9), events, actors, show, export, demo."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from armsgraph.cli.app import app
from armsgraph.cli.main import load_commands
from armsgraph.store.store import Store

load_commands()
runner = CliRunner()

STORY = [
    {
        "id": "plan",
        "published": "2024-03-05",
        "url": "https://news.example/plan",
        "text": "Egypt plans to buy 12 F-16 fighter jets from the United States, officials said.",
    },
    {
        "id": "deal",
        "published": "2024-06-20",
        "url": "https://news.example/deal",
        "text": "Egypt signed a contract for 12 F-16 fighter jets with the United States on Thursday.",
    },
    {
        "id": "delivery",
        "published": "2025-04-02",
        "url": "https://news.example/delivery",
        "text": "The United States delivered the last of 12 F-16 fighter jets to Egypt, the ministry said.",
    },
]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def run(*args: str):
    result = runner.invoke(app, list(args))
    return result


@pytest.fixture
def filled_db(tmp_path, story, report, sale_spec) -> str:
    db = str(tmp_path / "filled.db")
    with Store(db) as store:
        for r in story:
            store.add(r)
        store.add(
            report(
                "Turkey sold Bayraktar TB2 to Poland.",
                [sale_spec("agreed", seller="Turkey", buyer="Poland", system="Bayraktar TB2")],
                published="2023-02-01",
                url="https://news.example/tb2",
            )
        )
    return db


def test_ingest_counts_new_unchanged_and_skipped_inputs(tmp_path):
    db = str(tmp_path / "a.db")
    corpus = write_jsonl(tmp_path / "story.jsonl", STORY)
    bad = tmp_path / "broken.jsonl"
    bad.write_text(
        '{"text": "Poland ordered 96 Apache helicopters."}\n{not json at all\n', encoding="utf-8"
    )
    missing = str(tmp_path / "nowhere.txt")
    result = run("ingest", str(corpus), str(bad), missing, "--db", db)
    assert result.exit_code == 1, result.output
    assert "new documents" in result.output
    assert (
        "Skipped inputs" in result.output
        and "nowhere.txt" in result.output
        and "broken.jsonl:2" in result.output
    )
    with Store(db) as store:
        assert store.stats()["documents"] == 4
    again = run("ingest", str(corpus), "--db", db)
    assert again.exit_code == 0, again.output
    assert "unchanged (already stored)" in again.output
    row = next(line for line in again.output.splitlines() if "unchanged" in line)
    assert "3" in row
    with Store(db) as store:
        assert store.stats()["documents"] == 4


def test_three_report_story_through_the_extractor(tmp_path):
    """End to end with the real extractor: plan, contract and delivery become one event."""
    db = str(tmp_path / "story.db")
    result = run("ingest", str(write_jsonl(tmp_path / "story.jsonl", STORY)), "--db", db)
    assert result.exit_code == 0, result.output
    out = run("events", "--db", db, "--type", "arms_sale", "--format", "json")
    events = [json.loads(line) for line in out.output.splitlines()]
    assert len(events) == 1, out.output
    (ev,) = events
    assert ev["status"] == "completed" and ev["n_sources"] == 3
    shown = run("show", ev["id"], "--db", db, "--format", "json")
    history = json.loads(shown.output)["status_history"]
    assert [(h["date"], h["status"]) for h in history] == [
        ("2024-03-05", "proposed"),
        ("2024-06-20", "agreed"),
        ("2025-04-02", "completed"),
    ]


def test_workers_give_the_same_database_as_one_process(tmp_path):
    corpus = write_jsonl(
        tmp_path / "story.jsonl",
        STORY
        + [
            {
                "id": f"x{i}",
                "published": "2024-01-0" + str(i + 1),
                "text": f"Poland ordered {i + 2} K2 tanks from South Korea.",
            }
            for i in range(5)
        ],
    )
    one, two = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    assert run("ingest", str(corpus), "--db", one).exit_code == 0
    assert run("ingest", str(corpus), "--db", two, "--workers", "2").exit_code == 0

    def dump(db):
        return run("events", "--db", db, "--format", "json", "--limit", "0").output

    with Store(one) as a, Store(two) as b:
        assert a.stats() == b.stats()
    assert dump(one) == dump(two)


def test_kill_9_mid_ingest_then_rerun_stores_every_document_once(tmp_path):
    corpus = write_jsonl(
        tmp_path / "big.jsonl",
        [
            {
                "id": f"r{i:03d}",
                "published": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "text": f"Report {i}. Egypt signed a contract for {i + 1} F-16 fighter jets with the United States. "
                f"Deliveries of batch {i} are due next year, the ministry said.",
            }
            for i in range(500)
        ],
    )
    db = tmp_path / "killed.db"
    cmd = [sys.executable, "-m", "armsgraph.cli.main", "ingest", str(corpus), "--db", str(db)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stored() -> int:
        if not db.exists():
            return 0
        try:
            con = sqlite3.connect(db, timeout=5)
            try:
                return con.execute("SELECT count(*) FROM documents").fetchone()[0]
            finally:
                con.close()
        except sqlite3.OperationalError:  # schema not created yet
            return 0

    deadline = time.monotonic() + 120
    while stored() < 20 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "ingest finished before it could be killed; make the corpus larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = stored()
    assert 20 <= partial < 500
    rerun = subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    con = sqlite3.connect(db)
    assert con.execute(
        "SELECT count(*), count(DISTINCT content_hash) FROM documents"
    ).fetchone() == (500, 500)
    assert con.execute("SELECT count(*) FROM extractions").fetchone()[0] == 500
    # Every document is whole: its extraction row exists and its mentions point into it.
    assert (
        con.execute(
            "SELECT count(*) FROM documents d LEFT JOIN extractions x ON x.document_id = d.id WHERE x.document_id IS NULL"
        ).fetchone()[0]
        == 0
    )
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_events_formats_and_filters(filled_db):
    table = run("events", "--db", filled_db)
    assert table.exit_code == 0 and "Events (2 of 2)" in table.output
    rows = list(
        csv.DictReader(io.StringIO(run("events", "--db", filled_db, "--format", "csv").output))
    )
    assert {r["systems"] for r in rows} == {"F-16", "Bayraktar TB2"}
    assert {r["supplier → recipient"] for r in rows} == {
        "United States → Egypt",
        "Türkiye → Poland",
    }
    assert "supplier → recipient" in table.output
    by_report = run("events", "--db", filled_db, "--since", "2099", "--dates", "report")
    assert by_report.exit_code == 0 and "No events match" in by_report.output
    assert run("events", "--db", filled_db, "--dates", "published").exit_code == 2
    only = [
        json.loads(x)
        for x in run(
            "events", "--db", filled_db, "--actor", "Poland", "-f", "json"
        ).output.splitlines()
    ]
    assert [e["systems"] for e in only] == ["Bayraktar TB2"]
    assert (
        run("events", "--db", filled_db, "--status", "completed", "-f", "csv").output.count("\n")
        == 2
    )
    assert "No events match" in run("events", "--db", filled_db, "--system", "Rafale").output
    bad = run("events", "--db", filled_db, "--order", "random")
    assert bad.exit_code == 2 and "unknown order" in bad.output


def test_env_var_names_the_database(filled_db, monkeypatch):
    monkeypatch.setenv("ARMSGRAPH_DB", filled_db)
    assert "Events (2 of 2)" in run("events").output


def test_actors_and_show(filled_db):
    actors = list(csv.DictReader(io.StringIO(run("actors", "--db", filled_db, "-f", "csv").output)))
    assert {a["id"] for a in actors} >= {"country:EGY", "country:USA", "country:POL", "country:TUR"}
    ev_id = json.loads(run("events", "--db", filled_db, "--system", "F-16", "-f", "json").output)[
        "id"
    ]
    shown = run("show", ev_id, "--db", filled_db)
    assert shown.exit_code == 0
    for text in (
        "Egypt plans to buy 12 F-16",
        "Egypt signed a contract for 12 F-16",
        "delivered the last of 12 F-16",
        "https://news.example/2",
        "Status history",
    ):
        assert text in shown.output
    flow = [ln.split() for ln in shown.output.splitlines() if ln.split()[:1] == ["flow"]]
    assert flow == [["flow", "United", "States", "→", "Egypt"]]  # who supplied whom
    missing = run("show", "ev:nope", "--db", filled_db)
    assert missing.exit_code == 1 and "no event 'ev:nope'" in missing.output


def test_export_command_writes_each_format(filled_db, tmp_path):
    for fmt in ("csv", "jsonl", "graphml", "parquet", "sipri"):
        out = tmp_path / f"out.{fmt}"
        result = run("export", "--format", fmt, "-o", str(out), "--db", filled_db)
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    assert len(list(csv.DictReader((tmp_path / "out.sipri").open()))) == 2


def test_rebuild_command(filled_db):
    result = run("rebuild", "--db", filled_db)
    assert result.exit_code == 0 and "rebuilt from 4 documents: 2 events" in result.output


def test_demo_builds_a_fresh_database_and_says_what_next(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = run("demo")
    assert first.exit_code in (0, 1), first.output
    assert "Next, try" in first.output and "armsgraph events --db armsgraph-demo.db" in first.output
    with Store("armsgraph-demo.db") as store:
        n = store.stats()["documents"]
    assert n > 0
    second = run("demo")  # replaced, not appended to
    assert "Next, try" in second.output
    with Store("armsgraph-demo.db") as store:
        assert store.stats()["documents"] == n
    (tmp_path / "mine.db").write_bytes(b"")
    refused = run("demo", "--db", "mine.db")
    assert refused.exit_code == 2 and "choose a new path" in refused.output


def test_database_errors_exit_2_with_the_fix(tmp_path):
    result = run("events", "--db", str(tmp_path / "missing-dir" / "x.db"))
    assert result.exit_code == 2 and "does not exist" in result.output


@pytest.mark.parametrize(
    "command", ["ingest", "events", "actors", "show", "export", "rebuild", "demo"]
)
def test_every_command_help_has_an_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example: armsgraph " in result.output
    if command not in ("demo",):
        assert "--db" in result.output
