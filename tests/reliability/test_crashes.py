"""Faults during ingest, on SQLite and PostgreSQL, as a user meets them: kill -9 at random
points, two ingests starting on a new database at once, Ctrl-C."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# (seed of the kill point, --workers): three trials, in one process and with two workers.
KILL_TRIALS = [(1, 1), (2, 2), (3, 2)]


@pytest.fixture(scope="module")
def clean_run(corpus300: Path, tmp_path_factory: pytest.TempPathFactory, kit) -> dict:
    """What one uninterrupted ingest of the corpus stores (SQLite)."""
    db = str(tmp_path_factory.mktemp("clean") / "clean.db")
    done = subprocess.run(
        kit.armsgraph_cmd("ingest", str(corpus300), "--db", db),
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return kit.snapshot(db)


def _wait_for(db: str, n: int, proc: subprocess.Popen, kit) -> None:
    """Until `db` holds `n` documents or the process ended."""
    while proc.poll() is None and kit.count_documents(db) < n:
        time.sleep(0.01)


@pytest.mark.parametrize("seed,workers", KILL_TRIALS)
def test_kill_9_at_a_random_point_leaves_whole_documents_and_the_rerun_equals_a_clean_run(
    seed, workers, db_url, corpus300, clean_run, kit
):
    kill_at = random.Random(seed).randint(10, 280)
    cmd = kit.armsgraph_cmd("ingest", str(corpus300), "--db", db_url, "--workers", str(workers))
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(db_url, kill_at, proc, kit)
        assert proc.poll() is None, "the ingest ended before it could be killed"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    stored = kit.check_whole_documents(db_url)
    assert kill_at <= stored < 300
    rerun = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)
    assert rerun.returncode == 0, rerun.stderr
    assert re.search(rf"unchanged \(already stored\)\s*\S\s*{stored}\b", rerun.stdout), rerun.stdout
    assert kit.check_whole_documents(db_url) == 300
    # The same events, sources, statuses and ids as an ingest that was never killed.
    assert kit.snapshot(db_url) == clean_run


def test_two_ingests_starting_on_a_new_database_at_once_both_succeed(db_url, tmp_path, kit):
    """The first opening creates the schema under the write lock: the other process waits
    for it like any writer (it failed after 2 s with "database is locked"); then the two
    write reports of the same events, each document whole (on PostgreSQL an event's count
    of sources once came out one short)."""
    # The same deals in both: their reports merge into the same events at the same time.
    a = kit.write_jsonl(tmp_path / "a.jsonl", kit.reports(30, prefix="a", seed=1))
    b = kit.write_jsonl(tmp_path / "b.jsonl", kit.reports(30, prefix="b", seed=2))
    procs = [
        subprocess.Popen(
            kit.armsgraph_cmd("ingest", str(path), "--db", db_url),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in (a, b)
    ]
    results = [(*p.communicate(), p.returncode) for p in procs]
    for _out, err, code in results:
        assert code == 0, err
    assert kit.check_whole_documents(db_url) == 60  # n_sources right: no update lost


RACE = """
import os, sys, time
from armsgraph.model import Document, Extraction
from armsgraph.store.store import Store
db, go, ready = sys.argv[1:4]
open(ready, "w").close()
while not os.path.exists(go):
    time.sleep(0.001)
with Store(db) as store:
    print(store.add(Extraction(Document(text="Report of " + ready + "."), [], [])).status)
"""


def test_four_processes_opening_a_new_database_at_the_same_instant_all_write(db_url, tmp_path):
    """Four processes, started and released at once, open (and so create) the same new
    database and each store a document."""
    go = tmp_path / "go"
    readies = [tmp_path / f"ready{i}" for i in range(4)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, db_url, str(go), str(ready)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for ready in readies
    ]
    while not all(r.exists() for r in readies) and all(p.poll() is None for p in procs):
        time.sleep(0.005)
    go.touch()
    for p in procs:
        out, err = p.communicate()
        assert (p.returncode, out.strip()) == (0, "new"), err


def test_ctrl_c_stops_after_a_whole_document_and_says_what_was_stored(
    db_url, corpus300, tmp_path, kit
):
    # Output to files, not pipes: a pipe nobody reads until the end could fill and stall it.
    with (tmp_path / "out").open("w+") as out_f, (tmp_path / "err").open("w+") as err_f:
        proc = subprocess.Popen(
            kit.armsgraph_cmd("ingest", str(corpus300), "--db", db_url, "--workers", "2"),
            cwd=ROOT, stdout=out_f, stderr=err_f, text=True,
        )  # fmt: skip
        _wait_for(db_url, 20, proc, kit)
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        proc.wait()
        out_f.seek(0)
        err_f.seek(0)
        out, err = out_f.read(), err_f.read()
    assert proc.returncode == 130, err
    m = re.search(r"^interrupted: (\d+) document\(s\) stored in this run", err, re.MULTILINE)
    assert m, err
    assert "re-run the same command" in err
    assert "Traceback" not in err  # neither the parent nor the workers
    stored = kit.check_whole_documents(db_url)
    assert int(m[1]) == stored and 20 <= stored < 300
    assert "Ingest summary" in out
