"""Benchmark: peak memory of `armsgraph ingest` at 1,000 and at 20,000 reports (should stay flat).

Each size runs `armsgraph ingest` on a bench/corpus.py JSON Lines file into a fresh SQLite
file, in a fresh process started by a fresh watcher process, so that the watcher's
getrusage(RUSAGE_CHILDREN).ru_maxrss is the peak resident memory of that one ingest.

    python bench/memory.py                   # 1,000 then 20,000 (20,000 takes minutes)
    python bench/memory.py --sizes 500 5000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # bench/corpus.py, next to this file


def watch(jsonl: str, db: str) -> None:
    """Run one ingest as a child and print its peak RSS (KB on Linux) and seconds as JSON."""
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "armsgraph.cli.main", "ingest", jsonl, "--db", db],
        check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"rc": proc.returncode, "peak_kb": peak, "seconds": seconds,
                      "stderr": proc.stderr[-400:]}))  # fmt: skip


def measure(n: int, tmp: Path, seed: int) -> dict:
    jsonl = tmp / f"reports-{n}.jsonl"
    corpus.write_jsonl(jsonl, n, seed)
    out = subprocess.run(
        [sys.executable, __file__, "--watch", str(jsonl), str(tmp / f"ingest-{n}.db")],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    got = json.loads(out.stdout.strip().splitlines()[-1])
    if got["rc"] not in (0, 1):
        raise SystemExit(f"armsgraph ingest failed on {n} reports: {got['stderr']}")
    jsonl.unlink()
    return got


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--watch", nargs=2, metavar=("JSONL", "DB"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.watch:
        watch(*args.watch)
        return
    peaks = []
    with tempfile.TemporaryDirectory(prefix="armsgraph-mem-") as tmp:
        for n in args.sizes:
            got = measure(n, Path(tmp), args.seed)
            mb = got["peak_kb"] / 1024
            peaks.append(mb)
            print(
                f"ingest {n:>7,} reports: peak RSS {mb:7.1f} MB  "
                f"({got['seconds']:.0f} s, {n / got['seconds']:.1f} articles/s)",
                flush=True,
            )
    if len(peaks) > 1:
        print(f"peak RSS ratio, largest vs smallest corpus: {peaks[-1] / peaks[0]:.2f}")


if __name__ == "__main__":
    main()
