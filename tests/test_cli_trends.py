"""`armsgraph trends` and the Python API's trends() and flows(), over a real SQLite store."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import armsgraph


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "armsgraph.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_trends_command_and_python_api_agree(tmp_path, report, sale_spec):
    path = str(tmp_path / "t.db")
    with armsgraph.open(path) as db:
        for text, spec, published in [
            (
                "The United States sold F-16 to Egypt.",
                sale_spec("agreed", value=(2e9, "USD", "$2 billion")),
                "2021-04-01",
            ),
            (
                "Turkey sold Bayraktar TB2 to Poland.",
                sale_spec("agreed", seller="Turkey", buyer="Poland", system="Bayraktar TB2"),
                "2022-05-01",
            ),
            (
                "Turkey sold Bayraktar TB2 to Pakistan.",
                sale_spec("proposed", seller="Turkey", buyer="Pakistan", system="Bayraktar TB2"),
                None,
            ),
        ]:
            db.add(report(text, [spec], published=published))
        t = db.trends()
        flows = {(f["supplier"], f["recipient"]) for f in db.flows(actor="Turkey")}
    assert t["events"] == {"2021": 1, "2022": 1} and t["undated"] == 1
    assert flows == {("TUR", "POL"), ("TUR", "PAK")}

    r = run("trends", "--db", path, "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [(x["year"], x["events"], x["arms_sale"], x["value_usd"]) for x in rows] == [
        ("2022", "1", "1", "0.0"),
        ("2021", "1", "1", "2000000000.0"),
    ]
    table = run("trends", "--db", path, "--actor", "United States")
    assert table.returncode == 0, table.stderr
    assert "$2 billion" in table.stdout and "2022" not in table.stdout
