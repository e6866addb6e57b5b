"""JSON Lines export: one event per line, with participants, status history and every source."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def write_jsonl(events: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Write each event (as `queries.event()` gives it) on its own line; returns the count."""
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for ev in events:
            fh.write(json.dumps(ev, ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
    return n
