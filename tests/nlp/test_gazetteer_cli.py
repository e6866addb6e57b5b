"""`armsgraph gazetteer lookup|stats` as a user runs them: the installed command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HEADER = "id,type,name,aliases,country,category,wikidata,parent,source\n"


def run(*args: str, env_files: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ARMSGRAPH_GAZETTEER"}
    env["COLUMNS"] = "200"  # Rich tables: no wrapping inside cells
    if env_files is not None:
        env["ARMSGRAPH_GAZETTEER"] = env_files
    return subprocess.run(
        [sys.executable, "-m", "armsgraph.cli.main", "gazetteer", *args],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_lookup_prints_entity_alias_and_origin() -> None:
    r = run("lookup", "Pakistan’s navy")
    assert r.returncode == 0, r.stderr
    assert "org:pakistan-navy" in r.stdout
    assert "armed_service" in r.stdout and "PAK" in r.stdout
    assert "Pakistan's Navy" in r.stdout  # the alias that matched
    assert "armsgraph/data/organizations.csv:" in r.stdout


def test_lookup_unknown_name_exits_1_with_a_clear_message() -> None:
    r = run("lookup", "Zorblax Dynamics")
    assert r.returncode == 1
    assert "not found" in r.stderr and "Zorblax Dynamics" in r.stderr
    assert "--gazetteer" in r.stderr


def test_lookup_with_user_yaml_and_a_bad_row(tmp_path: Path) -> None:
    f = tmp_path / "mine.yaml"
    f.write_text(
        "- id: org:zorblax\n  type: organization\n  name: Zorblax Dynamics\n  country: PAK\n"
        "  category: company\n- id: org:broken\n  type: company\n  name: Broken\n",
        encoding="utf-8",
    )
    r = run("lookup", "zorblax dynamics", "--gazetteer", str(f))
    assert r.returncode == 0, r.stderr
    assert "org:zorblax" in r.stdout and f"{f}:1" in r.stdout
    assert f"{f}:6" in r.stderr and "unknown type 'company'" in r.stderr


def test_lookup_reads_files_named_in_env_var(tmp_path: Path) -> None:
    f = tmp_path / "env.csv"
    f.write_text(
        HEADER + "org:zorblax,organization,Zorblax Dynamics,ZBX,PAK,company,,,\n", encoding="utf-8"
    )
    r = run("lookup", "ZBX", env_files=str(f))
    assert r.returncode == 0, r.stderr
    assert "org:zorblax" in r.stdout


def test_stats_counts_by_type() -> None:
    r = run("stats")
    assert r.returncode == 0, r.stderr
    lines = {
        line.split("│")[1].strip(): line for line in r.stdout.splitlines() if line.count("│") >= 3
    }
    assert "country" in lines and "organization" in lines
    country_count = int(lines["country"].split("│")[2].strip())
    assert country_count >= 249
    assert "armed_service" in r.stdout  # organizations by category


@pytest.mark.parametrize("command", ["lookup", "stats"])
def test_every_command_help_has_an_example(command: str) -> None:
    r = run(command, "--help")
    assert r.returncode == 0
    assert "Example: armsgraph gazetteer " + command in r.stdout
