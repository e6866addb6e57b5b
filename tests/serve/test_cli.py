"""`armsgraph serve`: refuses non-loopback hosts without --allow-remote, serves the store."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time

import httpx
import pytest

ARMSGRAPH = [sys.executable, "-m", "armsgraph.cli.main"]


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "example.org"])
def test_serve_refuses_a_public_host_without_the_flag(host, tmp_path):
    r = subprocess.run(
        [*ARMSGRAPH, "serve", "--db", str(tmp_path / "a.db"), "--host", host],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2
    assert "--allow-remote" in r.stderr and host in r.stderr
    assert not (tmp_path / "a.db").exists()  # refused before opening anything


def test_serve_refuses_a_short_token(tmp_path):
    env = {**os.environ, "ARMSGRAPH_WRITE_TOKEN": "abc"}
    r = subprocess.run(
        [*ARMSGRAPH, "serve", "--db", str(tmp_path / "a.db")],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert r.returncode == 2 and "--write-token" in r.stderr


def test_serve_runs_the_app_on_loopback(built_db, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(built_db, db)  # this test writes; the shared store stays as built
    env = {**os.environ, "ARMSGRAPH_WRITE_TOKEN": "a-long-enough-token"}
    proc = subprocess.Popen(
        [*ARMSGRAPH, "serve", "--db", str(db), "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        url = None
        deadline = time.monotonic() + 60
        lines = []
        while url is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line and proc.poll() is not None:
                break
            lines.append(line)
            m = re.search(r"running on (http://127\.0\.0\.1:\d+)", line)
            url = m.group(1) if m else None
        assert url, "".join(lines)
        assert any("uploads allowed" in x for x in lines)
        page = httpx.get(url + "/events", timeout=60)
        assert page.status_code == 200 and "Events" in page.text
        r = httpx.post(
            url + "/api/ingest",
            json={"text": "x"},
            headers={"X-Write-Token": "a-long-enough-token"},
            timeout=120,
        )  # the first upload builds the NLP pipeline
        assert r.status_code == 201
    finally:
        proc.terminate()
        proc.wait(20)
        proc.stderr.close()
