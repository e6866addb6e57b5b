"""Benchmark: articles/s of extraction, of the bare spaCy tokenizer, of HTML reading and of ingest.

Builds a corpus of news-like reports (bench/corpus.py, default 2,000 of ~600 words) and,
in one run, times:
  (a) spaCy's blank English tokenizer alone (cache raised), nlp.pipe over the texts;
  (b) armsgraph extract on the texts: the library (iter_documents + Extractor.pipe) and
      the `armsgraph extract` command once, as a subprocess, on the JSON Lines file;
  (c) trafilatura alone (default settings) on the same reports as HTML pages;
  (d) armsgraph on those pages: ingest/html.py's reader, then extraction;
  (e) `armsgraph ingest` into a fresh SQLite file with --workers 1 and --workers 2.
Prints one line per figure and ends with the summary line. Figures, not assertions:
compare them inside one run (other processes on the machine move them).

    python bench/throughput.py              # 2,000 reports
    python bench/throughput.py --n 500      # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # bench/corpus.py, next to this file

ARMSGRAPH = [sys.executable, "-m", "armsgraph.cli.main"]


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("inf")


class Clock:
    """Wall-clock and CPU seconds of this process since start (CPU time is what one core
    gives when other processes share the machine)."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def lap(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def line(label: str, n: int, seconds: float, cpu: float | None = None) -> float:
    """Print a figure; returns articles per CPU second when known, else per wall second."""
    r = rate(n, seconds)
    extra = f", {rate(n, cpu):.1f} per CPU-second" if cpu else ""
    print(f"{label:<66} {r:9.1f} articles/s  ({n} in {seconds:.1f} s{extra})", flush=True)
    return rate(n, cpu) if cpu else r


def bench_tokenizer(texts: list[str]) -> float:
    import spacy

    nlp = spacy.blank("en")
    nlp.tokenizer.max_cache_size = 1_000_000  # spaCy 3.8 caches only 10,000 chunks by default
    clock = Clock()
    for _ in nlp.pipe(texts, batch_size=256):
        pass
    return line("(a) spaCy blank('en') tokenizer, nlp.pipe", len(texts), *clock.lap())


def bench_extract(jsonl: Path, n: int) -> tuple[float, int]:
    from armsgraph.extract import Extractor
    from armsgraph.ingest import iter_documents

    t = time.perf_counter()
    extractor = Extractor()
    print(f"    (Extractor built in {time.perf_counter() - t:.1f} s, not counted)")
    clock = Clock()
    docs = iter_documents([str(jsonl)])  # documents only; a bad line would be in docs.problems
    events = 0
    done = 0
    for x in extractor.pipe(docs):
        events += len(x.events)
        done += 1
    r = line("(b) armsgraph extract, library (read JSONL + Extractor.pipe)", done, *clock.lap())
    return r, events


def bench_extract_cli(jsonl: Path, n: int) -> float:
    t = time.perf_counter()
    subprocess.run(
        [*ARMSGRAPH, "extract", str(jsonl), "--format", "json"],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    return line(
        "(b) `armsgraph extract FILE.jsonl` (subprocess, with start-up)", n, time.perf_counter() - t
    )


def bench_trafilatura(pages: list[str]) -> float:
    import trafilatura

    trafilatura.extract(pages[0])  # imports and first-use set-up, not counted
    clock = Clock()
    words = 0
    for page in pages:
        words += len((trafilatura.extract(page) or "").split())
    r = line("(c) trafilatura.extract alone (default settings)", len(pages), *clock.lap())
    print(f"    ({words / len(pages):.0f} words of text recovered per page)")
    return r


def bench_html(pages: list[str]) -> tuple[float, float]:
    from armsgraph.extract import Extractor
    from armsgraph.ingest.html import html_document

    extractor = Extractor()
    html_document(pages[0], "warm-up.html")  # loads the language model once, not counted
    clock = Clock()
    docs = [html_document(p, f"page-{i}.html") for i, p in enumerate(pages)]  # each has text
    read_wall, read_cpu = clock.lap()
    reader = line(
        "(d1) armsgraph HTML reader alone (ingest/html.py)", len(pages), read_wall, read_cpu
    )
    for _ in extractor.pipe(docs):
        pass
    both = line("(d) armsgraph on HTML pages (ingest/html.py + extract)", len(pages), *clock.lap())
    return both, reader


def bench_ingest(jsonl: Path, n: int, workers: int, tmp: Path) -> float:
    db = tmp / f"ingest-w{workers}.db"
    t = time.perf_counter()
    proc = subprocess.run(
        [*ARMSGRAPH, "ingest", str(jsonl), "--db", str(db), "--workers", str(workers)],
        check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"armsgraph ingest failed: {proc.stderr.strip()[-500:]}")
    return line(f"(e) `armsgraph ingest --workers {workers}` into SQLite (subprocess)", n, seconds)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="number of reports (default 2,000)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"{os.cpu_count()} cores, load average {load:.1f} at start, Python {sys.version.split()[0]}"
    )
    with tempfile.TemporaryDirectory(prefix="armsgraph-bench-") as tmp_name:
        tmp = Path(tmp_name)
        jsonl = tmp / "reports.jsonl"
        words = corpus.write_jsonl(jsonl, args.n, args.seed)
        reports = [json.loads(x) for x in jsonl.read_text(encoding="utf-8").splitlines()]
        texts = [r["text"] for r in reports]
        pages = [corpus.html_page(r, args.seed) for r in reports]
        page_kb = sum(len(p.encode()) for p in pages) / len(pages) / 1000
        print(
            f"corpus: {args.n} reports, {words / args.n:.0f} words each; pages {page_kb:.1f} KB each"
        )

        tok = bench_tokenizer(texts)
        ext, events = bench_extract(jsonl, args.n)
        print(f"    ({events} events, {events / args.n:.2f} per report)")
        bench_extract_cli(jsonl, args.n)
        traf = bench_trafilatura(pages)
        html_both, html_reader = bench_html(pages)
        print(f"    (HTML reader alone vs trafilatura alone: {html_reader / traf:.2f})")
        ingest1 = bench_ingest(jsonl, args.n, 1, tmp)
        ingest2 = bench_ingest(jsonl, args.n, 2, tmp)
        print(f"    (--workers 2 vs 1: {ingest2 / ingest1:.2f}x)")
    ingest = max(ingest1, ingest2)
    print(
        "(a)-(d) in the summary are per CPU-second of this process (one core); ingest is wall-clock, best of --workers 1 and 2"
    )
    print(
        f"extract articles/s: {ext:.1f}  tokenizer articles/s: {tok:.1f}  ratio: {ext / tok:.2f}  "
        f"html ratio vs trafilatura: {html_both / traf:.2f}  ingest articles/s: {ingest:.1f}"
    )


if __name__ == "__main__":
    main()
