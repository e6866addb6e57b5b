"""Rewrite tests/golden/*.json from the current extractor: run after a deliberate change, then read the diff."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "golden"))

from golden_lib import CORPORA, summarize_corpus  # noqa: E402 - found through the sys.path line above

for name, paths in CORPORA.items():
    existing = [p for p in paths if Path(p).exists()]
    if not existing:
        print(f"skipped {name}: {paths} not found")
        continue
    out = ROOT / "tests" / "golden" / f"{name}.json"
    out.write_text(
        json.dumps(summarize_corpus(existing), indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(f"wrote {out}")
