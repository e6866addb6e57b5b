"""Event ids a user copied keep working, on SQLite and PostgreSQL: when events merge the
survivor keeps the oldest id and the other id becomes its alias, which `show`, the API and
the web page (301) resolve; ids survive `rebuild` and a document re-read with a corrected
date, which may split the event again."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from armsgraph.cli.app import app
from armsgraph.cli.main import load_commands
from armsgraph.serve.app import create_app
from armsgraph.store.store import Store

load_commands()


def deal(report, sale_spec, doc_id: str, year: int, published: str):
    """A report of Egypt's F-16 purchase whose time is `year`."""
    text = f"Report {doc_id}: Egypt buys F-16 jets from the United States, deliveries in {year}."
    spec = sale_spec("agreed", time=str(year), time_start=str(year))
    return report(text, [spec], published=published, doc_id=doc_id)


def ids_of(store: Store) -> list[str]:
    return sorted(e["id"] for e in store.events(limit=None))


def test_merged_events_keep_the_oldest_id_and_the_other_ids_still_open_the_event(
    db_url, report, sale_spec, kit
):
    with Store(db_url) as store:
        # Two deliveries six years apart are two events; a report between them joins them.
        store.add(deal(report, sale_spec, "m-2018", 2018, "2018-03-01"))
        (first,) = ids_of(store)
        store.add(deal(report, sale_spec, "a-2024", 2024, "2024-03-01"))
        (second,) = set(ids_of(store)) - {first}
        bridge = deal(report, sale_spec, "z-2021", 2021, "2021-03-01")
        store.add(bridge)
        assert ids_of(store) == [first]  # the older id, though "a-2024" sorts first
        ev = store.event(second)
        assert ev["id"] == first and ev["n_sources"] == 3

        # The command line and the JSON API give the event; the page moves for good.
        shown = CliRunner().invoke(app, ["show", second, "--db", str(db_url)])
        assert shown.exit_code == 0, shown.output
        assert f"{second} was merged into {first}: showing {first}" in shown.output
        with kit.served(create_app(store)) as port:
            status, headers, _ = kit.http(port, f"/events/{second}")
            assert status == 301 and headers["location"] == f"/events/{first}"
            status, _, body = kit.http(port, f"/api/events/{second}")
            assert status == 200 and json.loads(body)["id"] == first
            status, _, _ = kit.http(port, "/api/events/ev:0000000000000000")
            assert status == 404

        # rebuild recomputes every event: the same id, the alias still resolves.
        store.rebuild()
        assert ids_of(store) == [first]
        assert store.event(second)["id"] == first

        # The bridging report re-read with a corrected date no longer joins them: the two
        # events come back, each under the id it first had.
        store.add(
            report(
                bridge.document.text,
                [sale_spec("agreed", time="2031", time_start="2031")],
                published="2031-03-01",
                doc_id="z-2021",
            )
        )
        now = {e["id"]: store.event(e["id"]) for e in store.events(limit=None)}
        assert len(now) == 3
        docs = {eid: {s["document_id"] for s in ev["sources"]} for eid, ev in now.items()}
        assert docs[first] == {"m-2018"} and docs[second] == {"a-2024"}
        assert store.stats()["documents"] == 3
