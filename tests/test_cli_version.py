"""`armsgraph --version` names the installed version, and does nothing else."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version


def test_version_prints_the_installed_version():
    r = subprocess.run(
        [sys.executable, "-m", "armsgraph.cli.main", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"armsgraph {version('armsgraph')}"
