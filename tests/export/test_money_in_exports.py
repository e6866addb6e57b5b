"""Money in what readers read: the SIPRI register's comments say "$2.5 billion"."""

from __future__ import annotations

import csv

from armsgraph.export import write
from armsgraph.store.queries import EventFilters
from armsgraph.store.store import Store


def test_sipri_comment_gives_the_value_in_words(tmp_path, report, sale_spec):
    with Store(tmp_path / "m.db") as store:
        store.add(
            report(
                "The United States sold F-16 to Egypt for $2.5B.",
                [sale_spec("agreed", value=(2.5e9, "USD", "$2.5B"))],
                published="2024-01-02",
            )
        )
        write(store, "sipri", tmp_path / "r.csv", EventFilters(limit=None))
    with (tmp_path / "r.csv").open(encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    comments = next(v for k, v in row.items() if k.lower().startswith("comment"))
    assert "value: $2.5 billion" in comments and "2500000000" not in comments
