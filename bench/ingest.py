"""Benchmark: ingest documents/s and peak memory at 1,000 and 10,000 documents (SQLite).

The corpus recombines sentences of the shipped sample reports, so the text looks like
the reports armsgraph reads. Each size runs in a fresh subprocess; its peak RSS is read
from getrusage(RUSAGE_CHILDREN). Prints figures only.

    python bench/ingest.py                      # 1,000 and 10,000, one process
    python bench/ingest.py 2000                 # other sizes
    python bench/ingest.py 2000 --workers=1,2   # each size with 1 and with 2 workers

`store s` is the time spent in Store.add, which runs in the parent process whatever the
number of workers: with workers it bounds the speed-up (the parent writes while the
workers extract).
"""

from __future__ import annotations

import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "armsgraph" / "data" / "samples"
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")

CHILD = """
import sys, time, resource
from armsgraph.store.store import Store
from armsgraph.pipeline import Options
from armsgraph.store.ingest import ingest

class TimedStore(Store):
    # Time spent writing (Store.add), to tell the store's share from extraction's.
    spent = 0.0

    def add(self, extraction):
        t = time.perf_counter()
        try:
            return super().add(extraction)
        finally:
            TimedStore.spent += time.perf_counter() - t

store = TimedStore(sys.argv[2])
t = time.perf_counter()
s = ingest(store, [sys.argv[1]], Options(workers=int(sys.argv[3])))
dt = time.perf_counter() - t
print(s.new, s.unchanged, len(s.skipped), s.events_added, s.events_merged, dt, TimedStore.spent)
"""


def sentences() -> list[str]:
    out: list[str] = []
    for f in sorted(SAMPLES.glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out += [
                    s.strip()
                    for s in SENTENCE.split(json.loads(line)["text"])
                    if len(s.strip()) > 20
                ]
    if not out:
        sys.exit(f"no sample reports in {SAMPLES}")
    return out


def corpus(n: int, path: Path, pool: list[str]) -> None:
    rnd = random.Random(n)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = " ".join(rnd.sample(pool, min(len(pool), rnd.randint(15, 35))))
            day = f"20{rnd.randint(15, 25)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            fh.write(json.dumps({"id": f"bench-{n}-{i}", "text": text, "published": day}) + "\n")


def main() -> None:
    opts = [a for a in sys.argv[1:] if a.startswith("--")]
    sizes = [int(a) for a in sys.argv[1:] if not a.startswith("--")] or [1000, 10000]
    workers = [1]
    for o in opts:
        if not o.startswith("--workers="):
            sys.exit(f"unknown option {o}; use --workers=1,2")
        workers = [int(w) for w in o.split("=", 1)[1].split(",")]
    pool = sentences()
    print(f"{len(pool)} sample sentences; workers {', '.join(map(str, workers))}")
    print(
        f"{'documents':>10} {'workers':>8} {'seconds':>9} {'docs/s':>8} {'peak RSS MB':>12}"
        f" {'events':>8} {'merged':>8} {'store s':>8} {'store/rest':>10}"
    )
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "corpus.jsonl"
            corpus(n, src, pool)
            for w in workers:
                db = Path(tmp) / f"bench-{w}.db"
                before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                out = subprocess.run(
                    [sys.executable, "-c", CHILD, str(src), str(db), str(w)],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout.split()
                # ru_maxrss of children is the largest child so far (of the parent process:
                # the workers' memory is not in it); sizes run smallest first.
                peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
                new, added, merged = int(out[0]), int(out[3]), int(out[4])
                secs, store_secs = float(out[5]), float(out[6])
                # store/rest: the time Store.add takes over the time of everything else
                # (reading and extraction, or waiting for the workers); 0.2 means the store
                # adds 20% to extraction in one process.
                print(
                    f"{new:>10} {w:>8} {secs:>9.1f} {new / secs:>8.1f} {peak:>12.0f} {added:>8}"
                    f" {merged:>8} {store_secs:>8.1f} {store_secs / (secs - store_secs):>10.2f}"
                )


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - t0:.0f} s")
