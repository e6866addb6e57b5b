"""`armsgraph extract` and `armsgraph evaluate` as a user runs them: real files, real subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "corpus" / "dev"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "armsgraph.cli.main", *args],
        input=stdin,
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_extract_json_contract_from_files_and_stdin(tmp_path):
    report = tmp_path / "report.txt"
    report.write_text(
        "ANKARA: Poland signed a contract to buy 32 F-35 fighters from the United States in May.\n",
        encoding="utf-8",
    )
    res = run(
        "extract",
        str(report),
        "-",
        "--format",
        "json",
        "--published",
        "2025-11-25",
        stdin="Russia delivered the S-400 air defence system to Turkey.",
    )
    assert res.returncode == 0, res.stderr
    lines = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(lines) == 2
    first = lines[0]
    assert set(first) >= {"document", "entities", "events", "facts"}
    assert first["document"]["dateline"] == "ANKARA"
    (event,) = first["events"]
    assert event["type"] == "arms_sale" and event["status"] == "agreed"
    ids = {e["id"]: e for e in first["entities"]}
    roles = {(p["role"], ids[p["entity"]]["name"]) for p in event["participants"]}
    assert ("buyer", "Poland") in roles and ("seller", "United States") in roles
    assert event["quantity"]["amount"] == 32
    assert event["time"]["start"] == "2025-05-01"
    text = report.read_text(encoding="utf-8")
    for ev in first["events"]:
        for sp in ev["evidence"]:
            assert text[sp["start"] : sp["end"]] == sp["text"]
    assert all(
        p["entity"] != "country:TUR" for p in event["participants"]
    )  # the dateline is a place


def test_bad_inputs_are_named_and_the_rest_goes_on(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(
        json.dumps({"id": "g1", "text": "Egypt ordered 12 F-16 fighters from the United States."})
        + "\n"
        + "{not json\n"
        + json.dumps({"id": "g2", "title": "no text"})
        + "\n",
        encoding="utf-8",
    )
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    res = run("extract", str(good), str(binary), "--format", "json")
    assert res.returncode == 1
    assert f"{good}:2" in res.stderr and f"{good}:3" in res.stderr and "image.txt" in res.stderr
    docs = [json.loads(line) for line in res.stdout.splitlines()]
    assert [d["document"]["id"] for d in docs] == ["g1"]
    assert docs[0]["events"][0]["type"] == "arms_sale"


def test_non_english_report_is_named_not_guessed(tmp_path):
    de = tmp_path / "bericht.txt"
    de.write_text(
        "Die Türkei plant den Bau einer Fabrik in Pakistan, um Kampfdrohnen zu montieren. "
        "Die Gespräche sind seit Oktober weit fortgeschritten.",
        encoding="utf-8",
    )
    res = run("extract", str(de), "--format", "json")
    out = json.loads(res.stdout)
    assert out["events"] == [] and "de" in out.get("skipped", "")
    assert "de" in res.stderr


def test_missing_model_is_a_clear_error(tmp_path):
    report = tmp_path / "r.txt"
    report.write_text("Egypt ordered 12 F-16 fighters.", encoding="utf-8")
    res = run("extract", str(report), "--model", "en_core_web_nonexistent")
    assert res.returncode == 2
    assert "en_core_web_nonexistent" in res.stderr and "pip install" in res.stderr


def test_evaluate_prints_scores_and_misses(seed_dir):
    res = run(
        "evaluate", "--gold", str(DEV / "dev.gold.jsonl"), str(DEV / "dev.jsonl"), "--verbose"
    )
    assert res.returncode == 0, res.stderr
    assert "lenient  P=1.000 R=1.000 F1=1.000" in res.stdout
    assert "strict" in res.stdout
    assert "roles    P=1.000 R=1.000 F1=1.000" in res.stdout


def test_decide_switches_the_learned_decisions_on_and_rejects_unknown_modes():
    text = "Poland signed a contract to buy 32 F-35 fighters from the United States."
    rules = run("extract", "-", "--format", "json", stdin=text)
    both = run("extract", "-", "--format", "json", "--decide", "both", stdin=text)
    assert rules.returncode == 0 and both.returncode == 0, both.stderr
    assert json.loads(both.stdout)["events"][0]["type"] == "arms_sale"
    bad = run("extract", "-", "--decide", "oracle", stdin=text)
    assert bad.returncode == 2 and "not one of: rules, model, both" in bad.stderr
