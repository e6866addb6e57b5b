"""The README documents every command, and every command's help shows an example."""

from __future__ import annotations

import re
from pathlib import Path

import typer
from typer.main import get_command

from armsgraph.cli.app import app
from armsgraph.cli.main import load_commands

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def commands():
    load_commands()
    root = get_command(app)
    out = []
    for name, cmd in root.commands.items():
        if isinstance(cmd, typer.core.TyperGroup) or hasattr(cmd, "commands"):
            out.extend((f"{name} {sub}", subcmd) for sub, subcmd in cmd.commands.items())
        else:
            out.append((name, cmd))
    return out


def test_every_command_is_in_the_readme():
    missing = [name for name, _ in commands() if f"armsgraph {name}" not in README]
    assert not missing, f"commands not documented in README.md: {missing}"


def test_every_command_help_has_an_example():
    lacking = [
        name for name, cmd in commands() if not re.search(r"example", cmd.help or "", re.IGNORECASE)
    ]
    assert not lacking, f"commands whose help shows no example: {lacking}"


def test_readme_holds_the_two_setup_commands():
    assert ".venv/bin/armsgraph demo" in README
    assert ".venv/bin/python -m pytest" in README
