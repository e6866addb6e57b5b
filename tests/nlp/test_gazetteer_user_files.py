"""User gazetteer files (CSV and YAML): override, extend, and report malformed rows with file:line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from armsgraph.errors import GazetteerError
from armsgraph.nlp.gazetteer import load_gazetteer, read_csv_rows

HEADER = "id,type,name,aliases,country,category,wikidata,parent,source\n"


@pytest.fixture(autouse=True)
def _no_env_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ARMSGRAPH_GAZETTEER", raising=False)


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_csv_row_extends_and_overrides(tmp_path: Path) -> None:
    f = write(
        tmp_path / "mine.csv",
        HEADER
        + "org:acme-drones,organization,Acme Drones,Acme|ACMD,PAK,company,,,my notes\n"
        + "org:roketsan,organization,Roketsan Inc.,Roketsan|RS Missiles,TUR,company,,,my notes\n",
    )
    gaz = load_gazetteer((f,))
    assert gaz.problems == []
    [acme] = gaz.lookup("acme")
    assert (acme.id, acme.country, acme.origin) == ("org:acme-drones", "PAK", f"{f}:2")
    [rok] = gaz.lookup("RS Missiles")
    assert rok.id == "org:roketsan" and rok.name == "Roketsan Inc." and rok.origin == f"{f}:3"
    # the shipped rows are still there
    assert [e.id for e in gaz.lookup("Aselsan")] == ["org:aselsan"]


def test_yaml_file_with_alias_list(tmp_path: Path) -> None:
    f = write(
        tmp_path / "mine.yaml",
        "# my additions\n"
        "- id: org:acme-drones\n"
        "  type: organization\n"
        "  name: Acme Drones\n"
        "  aliases: [Acme, ACMD]\n"
        "  country: PAK\n"
        "  category: company\n"
        "- id: country:TUR\n"
        "  type: country\n"
        "  name: Türkiye\n"
        "  aliases: Turkey|Turkish|Anatolian Republic\n"
        "  country: TUR\n",
    )
    gaz = load_gazetteer((f,))
    assert gaz.problems == []
    [acme] = gaz.lookup("ACMD")
    assert acme.id == "org:acme-drones" and acme.origin == f"{f}:2"
    [tur] = gaz.explain("Anatolian Republic")
    assert tur.entry.id == "country:TUR" and tur.origin == f"{f}:8"
    # the user row replaced the shipped one, so its aliases are the user's
    assert gaz.lookup("Ankara") == []


def test_malformed_rows_are_reported_with_file_line_and_skipped(tmp_path: Path) -> None:
    f = write(
        tmp_path / "bad.csv",
        HEADER
        + "org:good,organization,Good Co,,PAK,company,,,\n"
        + "org:nocountry,organization,No Country Co,,XYZ,company,,,\n"
        + "org:badtype,organisation,Bad Type Co,,PAK,company,,,\n"
        + ",organization,No Id Co,,PAK,company,,,\n"
        + "org:badcode,organization,Bad Code Co,,Pakistan,company,,,\n"
        + "org:badcat,organization,Bad Category Co,,PAK,firm,,,\n"
        + "org:badqid,organization,Bad Qid Co,,PAK,company,43,,\n"
        + "org:good2,organization,Good Two,,TUR,company,,,\n",
    )
    gaz = load_gazetteer((f,))
    assert "org:good" in gaz and "org:good2" in gaz
    got = {p.where: p.message for p in gaz.problems}
    assert set(got) == {f"{f}:{n}" for n in range(3, 9)}
    assert "'XYZ'" in got[f"{f}:3"]
    assert "unknown type 'organisation'" in got[f"{f}:4"]
    assert "no id" in got[f"{f}:5"]
    assert "alpha-3" in got[f"{f}:6"]
    assert "category 'firm'" in got[f"{f}:7"]
    assert "Q-id" in got[f"{f}:8"]
    # every message says what to do
    assert all(p.hint for p in gaz.problems)
    assert all(e not in gaz for e in ("org:nocountry", "org:badtype", "org:badcode", "org:badcat"))


def test_yaml_problems_name_the_item_line(tmp_path: Path) -> None:
    f = write(
        tmp_path / "bad.yaml",
        "- id: org:ok\n  type: organization\n  name: OK Co\n"
        "- just a string\n"
        "- id: org:nameless\n  type: organization\n"
        "- id: org:extra\n  type: organization\n  name: Extra\n  colour: red\n",
    )
    gaz = load_gazetteer((f,))
    assert "org:ok" in gaz
    assert sorted(p.where for p in gaz.problems) == [f"{f}:4", f"{f}:5", f"{f}:7"]
    assert "colour" in next(p.message for p in gaz.problems if p.where == f"{f}:7")


def test_broken_yaml_and_missing_files_are_problems_not_crashes(tmp_path: Path) -> None:
    broken = write(tmp_path / "broken.yml", "- id: org:a\n  name: [unclosed\n")
    missing = str(tmp_path / "nope.csv")
    odd = write(tmp_path / "names.xlsx", "x")
    gaz = load_gazetteer((broken, missing, odd))
    wheres = [p.where for p in gaz.problems]
    assert any(w.startswith(f"{broken}:") for w in wheres)
    assert missing in wheres and odd in wheres
    assert "org:aselsan" in gaz


def test_csv_without_required_columns(tmp_path: Path) -> None:
    f = write(tmp_path / "cols.csv", "identifier,label\nx,y\n")
    [problem] = load_gazetteer((f,)).problems
    assert problem.where == f"{f}:1" and "missing column" in problem.message


def test_env_var_files_load_before_command_line_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = write(
        tmp_path / "env.csv", HEADER + "org:acme,organization,Acme Env,Acme,PAK,company,,,\n"
    )
    cli_file = write(
        tmp_path / "cli.csv", HEADER + "org:acme,organization,Acme Cli,Acme,TUR,company,,,\n"
    )
    other = write(
        tmp_path / "other.csv", HEADER + "org:zeta,organization,Zeta Works,,IND,company,,,\n"
    )
    monkeypatch.setenv("ARMSGRAPH_GAZETTEER", os.pathsep.join([env_file, other]))
    assert load_gazetteer().get("org:acme").name == "Acme Env"
    gaz = load_gazetteer((cli_file,))
    assert gaz.get("org:acme").name == "Acme Cli"  # the command line wins
    assert "org:zeta" in gaz


def test_an_edited_file_is_read_again(tmp_path: Path) -> None:
    f = tmp_path / "mine.csv"
    write(f, HEADER + "org:acme,organization,Acme One,,PAK,company,,,\n")
    assert load_gazetteer((str(f),)).get("org:acme").name == "Acme One"
    write(f, HEADER + "org:acme,organization,Acme Two (renamed),,PAK,company,,,\n")
    assert load_gazetteer((str(f),)).get("org:acme").name == "Acme Two (renamed)"


def test_duplicate_ids_in_one_user_file_are_reported(tmp_path: Path) -> None:
    f = write(
        tmp_path / "dup.csv",
        HEADER
        + "org:acme,organization,Acme A,,PAK,company,,,\norg:acme,organization,Acme B,,PAK,company,,,\n",
    )
    gaz = load_gazetteer((f,))
    assert gaz.get("org:acme").name == "Acme B"
    [problem] = gaz.problems
    assert problem.where == f"{f}:3" and f"{f}:2" in problem.message


def test_shipped_style_rows_raise_with_file_line() -> None:
    _, errors = read_csv_rows("systems.csv", HEADER + "weapon_system:x,weapon,X,,TUR,,,,\n")
    [err] = errors
    assert isinstance(err, GazetteerError)
    assert err.one_line().startswith("systems.csv:2: unknown type 'weapon'")
