"""Golden files: what the extractor finds in real reports, pinned. A change shows as a diff here;
when it is deliberate, run scripts/update_golden.py and review the golden diff in the commit."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from armsgraph.model import EVENT_TYPES, STATUSES

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))  # golden_lib is shared with scripts/update_golden.py

from golden_lib import CORPORA, summarize_corpus  # noqa: E402 - found through the sys.path line above


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_extraction_matches_golden_file(name):
    paths = [p for p in CORPORA[name] if Path(p).exists()]
    if not paths:
        if os.environ.get("CI"):
            pytest.fail(f"{CORPORA[name]} not found, and CI must check it")
        pytest.skip(f"{CORPORA[name]} not found")
    golden = json.loads((HERE / f"{name}.json").read_text("utf-8"))
    current = json.loads(json.dumps(summarize_corpus(paths)))
    changed = {
        k: (golden.get(k), current.get(k))
        for k in set(golden) | set(current)
        if golden.get(k) != current.get(k)
    }
    assert not changed, (
        "extraction changed for: "
        + ", ".join(sorted(changed))
        + "\n(run scripts/update_golden.py if the change is intended)\n"
        + "\n".join(
            f"{k}:\n  golden  {g}\n  current {c}" for k, (g, c) in sorted(changed.items())[:5]
        )
    )


def test_golden_files_cover_every_event_type_and_status():
    rows = [
        row
        for name in CORPORA
        for rows in json.loads((HERE / f"{name}.json").read_text("utf-8")).values()
        for row in rows
    ]
    assert {r[0] for r in rows} == set(EVENT_TYPES)
    assert {r[1] for r in rows} == set(STATUSES)
