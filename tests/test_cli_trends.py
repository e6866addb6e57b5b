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


def test_the_trends_table_keeps_year_and_counts_readable_beside_many_types(capsys):
    """A year with many kinds of event: the types wrap, the year and counts stay whole."""
    from armsgraph.cli.output import Format, emit
    from armsgraph.cli.trends_cmd import trend_rows

    types = ["local_production", "co_production", "joint_development", "program_participation",
             "upgrade", "defense_cooperation", "export_statistic", "armed_clash", "ceasefire",
             "arms_sale", "technology_transfer"]  # fmt: skip
    t = {
        "years": ["2025"],
        "types": types,
        "events": {"2025": 11},
        "by_type": {"2025": dict.fromkeys(types, 1)},
        "value_usd": {"2025": 7.5e9},
        "deals_valued": {"2025": 3},
    }
    emit(trend_rows(t, Format.table), Format.table, title="Events and deal value per year")
    lines = capsys.readouterr().out.splitlines()
    header = next(ln for ln in lines if "by type" in ln)
    assert "year" in header and "events" in header and "deals valued" in header
    first = next(ln for ln in lines if "local production 1" in ln)
    cells = [c.strip() for c in first.strip("│").split("│")]
    assert cells[:2] == ["2025", "11"] and cells[3:] == ["$7.5 billion", "3"]
