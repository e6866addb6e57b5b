"""`armsgraph correct` and `armsgraph corrections` as a user runs them, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json

from typer.testing import CliRunner

from armsgraph.cli.app import app
from armsgraph.cli.main import load_commands
from armsgraph.store.store import Store

load_commands()
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def event_ids(db: str, *extra: str) -> list[str]:
    out = run("events", "--db", db, "--format", "json", *extra)
    assert out.exit_code == 0, out.output
    return [json.loads(line)["id"] for line in out.stdout.splitlines()]


def test_correct_list_show_export_and_rebuild(db_url, tmp_path, story, report, sale_spec):
    with Store(db_url) as store:
        for r in story:
            store.add(r)
        store.add(
            report(
                "Pakistan ordered JF-17 from China.",
                [sale_spec("agreed", seller="China", buyer="Pakistan", system="JF-17")],
                published="2024-01-02",
            )  # fmt: skip
        )
        deal = store.events(actor="Egypt")[0]["id"]
        other = store.events(actor="Pakistan")[0]["id"]

    out = run(
        "correct", deal, "--db", db_url, "--status", "agreed", "--role", "seller=country:FRA",
        "--note", "the contract, not the delivery", "--by", "ana",
    )  # fmt: skip
    assert out.exit_code == 0, out.output
    assert f"{deal}: status: completed → agreed (the contract, not the delivery)" in out.output
    assert "role:seller: United States (country:USA) → France (country:FRA)" in out.output

    listed = run("corrections", "--db", db_url, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(listed.stdout)))
    assert [(r["event"], r["field"], r["old"], r["new"], r["by"]) for r in rows] == [
        (deal, "status", "completed", "agreed", "ana"),
        (deal, "role:seller", "United States (country:USA)", "France (country:FRA)", "ana"),
    ]
    table = run("events", "--db", db_url)
    assert "agreed ✎" in table.stdout and table.stdout.count("✎") == 1
    shown = run("show", deal, "--db", db_url)
    assert "status: agreed" in shown.stdout and "France  (country:FRA)" in shown.stdout
    assert "Corrected" in shown.stdout and "ana  status: completed → agreed" in shown.stdout

    # Hidden: gone from `events` and exports unless asked for; the flag shows in CSV.
    assert run("correct", other, "--db", db_url, "--hide", "--by", "bo").exit_code == 0
    assert event_ids(db_url) == [deal]
    assert sorted(event_ids(db_url, "--include-hidden")) == sorted([deal, other])
    assert run("rebuild", "--db", db_url).exit_code == 0
    assert event_ids(db_url) == [deal]
    again = json.loads(run("show", deal, "--db", db_url, "--format", "json").stdout)
    assert again["status"] == "agreed" and again["corrected"] is True
    only = run("corrections", "--db", db_url, "--event", other, "--format", "json")
    assert [json.loads(x)["new"] for x in only.stdout.splitlines()] == ["hidden"]
    for fmt in ("csv", "sipri"):
        path = tmp_path / f"events.{fmt}.csv"
        for extra, expected in (([], [deal]), (["--include-hidden"], sorted([deal, other]))):
            done = run("export", "--db", db_url, "--format", fmt, "-o", str(path), *extra)
            assert done.exit_code == 0, done.output
            with path.open(encoding="utf-8") as fh:
                rows = list(csv.DictReader(fh))
            key = "id" if fmt == "csv" else "armsgraph event id"
            assert sorted(r[key] for r in rows) == expected
            assert {r["corrected"] for r in rows} == {"yes"}  # hiding is a correction too
    jsonl = tmp_path / "events.jsonl"
    assert run("export", "--db", db_url, "--format", "jsonl", "-o", str(jsonl)).exit_code == 0
    lines = [json.loads(x) for x in jsonl.read_text(encoding="utf-8").splitlines()]
    assert [(e["id"], e["corrected"], e["hidden"]) for e in lines] == [(deal, True, False)]
    import pyarrow.parquet as pq

    parquet = tmp_path / "events.parquet"
    assert run("export", "--db", db_url, "--format", "parquet", "-o", str(parquet)).exit_code == 0
    table = pq.read_table(parquet).to_pylist()
    assert [(r["id"], r["corrected"]) for r in table] == [(deal, "yes")]
    graphml = tmp_path / "events.graphml"
    assert run("export", "--db", db_url, "--format", "graphml", "-o", str(graphml)).exit_code == 0
    import networkx as nx

    g = nx.read_graphml(graphml)
    assert [(a, b, d["corrected"]) for a, b, d in g.edges(data=True)] == [
        ("country:FRA", "country:EGY", True)
    ]
    assert run("correct", other, "--db", db_url, "--unhide", "--by", "bo").exit_code == 0
    assert sorted(event_ids(db_url)) == sorted([deal, other])


def test_correct_refuses_with_the_fix(sqlite_path, story):
    with Store(sqlite_path) as store:
        store.add(story[0])
        (ev,) = store.events()
    cases = [
        (("ev:missing", "--status", "agreed"), "no event 'ev:missing'"),
        ((ev["id"], "--status", "done"), "use one of proposed, agreed"),
        ((ev["id"], "--role", "seller"), "write --role ROLE=ENTITY"),
        ((ev["id"], "--role", "seller=Atlantis"), "no entity 'Atlantis'"),
        ((ev["id"], "--hide", "--unhide"), "give one of them"),
        ((ev["id"],), "nothing to correct"),
    ]
    for args, message in cases:
        out = run("correct", *args, "--db", sqlite_path)
        assert out.exit_code == 2, (args, out.output)
        assert message in out.output, (args, out.output)
    assert run("corrections", "--db", sqlite_path).stdout.strip() == "No corrections match."
