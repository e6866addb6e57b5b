"""Measure what loading the gazetteer adds to start-up, against spaCy's own start-up, in one run.

Each figure is taken in a fresh Python process (cold imports, nothing cached), the median of
--repeat runs:
  gazetteer  import armsgraph.nlp.gazetteer + load_gazetteer()
  spacy      import spacy + spacy.blank("en")          (the reference)
  pipeline   armsgraph.nlp.pipeline.build_pipeline()    (when that module has it)

Usage: .venv/bin/python bench/gazetteer_load.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

SNIPPETS = {
    "gazetteer": (
        "import time; t=time.perf_counter()\n"
        "from armsgraph.nlp.gazetteer import load_gazetteer\n"
        "g=load_gazetteer()\n"
        "print(json.dumps({'s': time.perf_counter()-t, 'entries': len(g),"
        " 'aliases': sum(len(e.names()) for e in g.entries.values())}))"
    ),
    "spacy": (
        "import time; t=time.perf_counter()\n"
        "import spacy\n"
        "nlp=spacy.blank('en')\n"
        "print(json.dumps({'s': time.perf_counter()-t}))"
    ),
    "pipeline": (
        "import time; t=time.perf_counter()\n"
        "from armsgraph.nlp import pipeline\n"
        "if not hasattr(pipeline, 'build_pipeline'):\n"
        "    print(json.dumps({'s': None})); raise SystemExit\n"
        "nlp=pipeline.build_pipeline()\n"
        "print(json.dumps({'s': time.perf_counter()-t, 'pipes': nlp.pipe_names}))"
    ),
}


def measure(name: str) -> dict:
    code = "import json, os\nos.environ.pop('ARMSGRAPH_GAZETTEER', None)\n" + SNIPPETS[name]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["?"])[-1]
        return {"s": None, "error": last}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    results: dict[str, list[dict]] = {name: [] for name in SNIPPETS}
    for _ in range(args.repeat):  # interleaved, so machine noise hits every figure alike
        for name in SNIPPETS:
            results[name].append(measure(name))
    medians: dict[str, float | None] = {}
    for name, runs in results.items():
        times = [r["s"] for r in runs if r.get("s") is not None]
        medians[name] = statistics.median(times) if times else None
    spacy_s = medians["spacy"]
    first = results["gazetteer"][0]
    print(f"gazetteer: {first.get('entries')} entries, {first.get('aliases')} names and aliases")
    for name in SNIPPETS:
        s = medians[name]
        if s is None:
            err = next((r.get("error") for r in results[name] if r.get("error")), "not available")
            print(f"{name:10s}  n/a ({err})")
            continue
        ratio = f"  {s / spacy_s:5.2f}x spacy.blank" if spacy_s else ""
        print(f"{name:10s}  {s * 1000:8.1f} ms (median of {args.repeat}){ratio}")
    g = medians["gazetteer"]
    if g is not None:
        print(
            f"budget: the gazetteer must add < 2000 ms to start-up: {'OK' if g < 2.0 else 'OVER'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
