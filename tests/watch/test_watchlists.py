"""Watchlists over a real store (SQLite file and PostgreSQL): what counts as new or changed,
what a notice says, and that matching again, or in two processes at once, tells nothing twice."""

from __future__ import annotations

import threading

import pytest

from armsgraph.errors import ArmsgraphError
from armsgraph.model import Document
from armsgraph.store.store import Store
from armsgraph.watch.clock import parse_duration
from armsgraph.watch.poll import Stopped, backoff, entry_key, wait_for_host
from armsgraph.watch.watchlists import match_all, notices, save_watchlist


def _summaries(made: list[dict]) -> list[str]:
    return [n["summary"] for n in made]


def test_new_events_status_sources_quantity_and_value_each_make_one_notice(
    db_url, report, sale_spec
):
    with Store(db_url) as store:
        assert save_watchlist(store, "egypt", {"actor": "Egypt"})["matching"] == 0
        store.add(report("Egypt plans to buy 12 F-16.", [sale_spec("proposed", quantity=12)],
                         published="2024-03-05", url="https://a.example/1"))  # fmt: skip
        (new,) = match_all(store)
        assert new["kind"] == "new" and new["summary"].endswith("new event (proposed)")
        assert new["evidence"][0]["text"] == "Egypt plans to buy 12 F-16."
        assert new["evidence"][0]["url"] == "https://a.example/1"
        assert match_all(store) == []  # nothing changed: nothing to tell

        store.add(report("Egypt will buy 24 F-16 for $2 billion.",
                         [sale_spec("proposed", quantity=24, value=(2e9, "USD", "$2 billion"))],
                         published="2024-04-01", url="https://b.example/2"))  # fmt: skip
        (more,) = match_all(store)
        whats = [c["what"] for c in more["changes"]]
        assert whats == ["source", "quantity", "value"]
        assert "quantity 12 → 24" in more["summary"]
        assert "value none → $2 billion" in more["summary"]
        assert "new source: https://b.example/2" in more["summary"]
        assert more["evidence"][0]["url"] == "https://b.example/2"

        store.add(report("Egypt signed for 24 F-16.", [sale_spec("agreed", quantity=24,
                         value=(2e9, "USD", "$2 billion"))], published="2024-06-20",
                         url="https://c.example/3"))  # fmt: skip
        (signed,) = match_all(store)
        assert {"what": "status", "from": "proposed", "to": "agreed"} in signed["changes"]
        assert signed["evidence"][0]["text"] == "Egypt signed for 24 F-16."
        assert [n["id"] for n in notices(store, "egypt")] == [signed["id"], more["id"], new["id"]]


def test_a_watchlist_knows_what_matched_when_it_was_saved_and_tells_what_comes_to_match(
    db_url, report, sale_spec
):
    with Store(db_url) as store:
        store.add(
            report("Egypt plans to buy F-16.", [sale_spec("proposed")], published="2024-03-05")
        )
        store.add(report("Turkey sells TB2 to Poland.", [sale_spec("agreed", seller="Turkey",
                         buyer="Poland", system="Bayraktar TB2")], published="2024-03-06"))  # fmt: skip
        assert save_watchlist(store, "signed", {"status": "agreed"})["matching"] == 1
        assert match_all(store) == []
        # The Egyptian plan becomes a contract: new to this watchlist, and it says from what.
        store.add(report("Egypt signed for F-16.", [sale_spec("agreed")], published="2024-06-20"))
        (n,) = match_all(store)
        assert n["kind"] == "new"
        assert "new event (agreed); status proposed → agreed" in n["summary"]


def test_two_matches_at_once_tell_each_change_once(db_url, report, sale_spec):
    with Store(db_url) as store:
        save_watchlist(store, "all", {})
        for i, status in enumerate(["proposed", "agreed"]):
            store.add(
                report(
                    f"Report {i}: Egypt and F-16.",
                    [sale_spec(status)],
                    published=f"2024-0{i + 3}-01",
                )
            )
    made: list[dict] = []
    lock = threading.Lock()

    errors: list[BaseException] = []

    def match() -> None:
        try:
            with Store(db_url) as other:
                got = match_all(other)
        except BaseException as err:  # noqa: BLE001 - reported by the test below
            errors.append(err)
            return
        with lock:
            made.extend(got)

    threads = [threading.Thread(target=match) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == [] and len(made) == 1
    with Store(db_url) as store:
        assert len(notices(store, "all")) == 1


@pytest.mark.parametrize(
    "kwargs,where",
    [
        ({"filters": {"type": "arms_sales"}}, "--type"),
        ({"filters": {"status": "signed"}}, "--status"),
        ({"filters": {"since": "last week"}}, "--since"),
        ({"filters": {"since": "2024", "dates": "published"}}, "--dates"),
        ({"filters": {}, "webhook": "ftp://x"}, "--webhook"),
        ({"filters": {}, "webhook": "https://hooks.example.org/a"}, "--secret"),
        ({"filters": {}, "email": ["not an address"]}, "--email"),
        ({"filters": {}, "name": "bad/name"}, "NAME"),
    ],
)
def test_a_watchlist_that_cannot_work_is_refused_naming_the_option(sqlite_path, kwargs, where):
    kwargs = dict(kwargs)
    name = kwargs.pop("name", "w")
    with Store(sqlite_path) as store, pytest.raises(ArmsgraphError) as err:
        save_watchlist(store, name, kwargs.pop("filters"), **kwargs)
    assert err.value.where == where and err.value.hint


def test_an_entry_is_new_again_when_its_text_is_corrected():
    a = Document(text="Egypt plans to buy F-16.", url="https://a.example/1", meta={"guid": "g1"})
    b = Document(text="Egypt signed for F-16.", url="https://a.example/1", meta={"guid": "g1"})
    assert entry_key(a) == entry_key(Document(text=a.text, url=a.url, meta={"guid": "g1"}))
    assert entry_key(a) != entry_key(b)


def test_durations_and_backoff():
    assert [parse_duration(v) for v in ("30m", "2h", "1d", "45s", "90")] == [
        1800,
        7200,
        86400,
        45,
        90,
    ]
    with pytest.raises(ArmsgraphError):
        parse_duration("soon")
    # A failing source waits its interval, then twice as long at each failure, up to the cap.
    assert [backoff(600, n, cap=3600) for n in (1, 2, 3, 4, 5)] == [600, 1200, 2400, 3600, 3600]


def test_requests_to_one_host_keep_the_minimum_interval_across_stores(sqlite_path):
    """The second request to a host within the interval must wait (here: it is stopped
    while waiting), whichever process asks; another host is free."""
    stop = threading.Event()
    stop.set()
    with Store(sqlite_path) as one, Store(sqlite_path) as two:
        wait_for_host(one, "news.example:80", 3600, stop)
        with pytest.raises(Stopped):
            wait_for_host(two, "news.example:80", 3600, stop)
        wait_for_host(two, "other.example", 3600, stop)


def test_a_watchlist_compares_since_with_the_event_date_or_the_report_date(
    sqlite_path, report, sale_spec
):
    with Store(sqlite_path) as store:
        by_event = save_watchlist(store, "by-event", {"actor": "Egypt", "since": "2024"})
        by_report = save_watchlist(
            store, "by-report", {"actor": "Egypt", "since": "2024", "dates": "report"}
        )
        assert "dates" not in by_event["filters"] and by_report["filters"]["dates"] == "report"
        # Reported in 2024, of a sale made in 2019: new to the report-date watchlist only.
        spec = sale_spec(
            "completed", time="in 2019", time_start="2019-01-01", time_end="2019-12-31"
        )
        store.add(report("Egypt received 12 F-16 in 2019.", [spec], published="2024-03-05"))
        made = match_all(store)
        assert {n["watchlist"] for n in made} == {"by-report"}


def test_watch_add_takes_dates_and_refuses_an_unknown_one(sqlite_path):
    import subprocess
    import sys

    from armsgraph.watch.watchlists import get_watchlist

    def watch_add(*args):
        cmd = [
            sys.executable,
            "-m",
            "armsgraph.cli.main",
            "watch",
            "add",
            *args,
            "--db",
            sqlite_path,
        ]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    made = watch_add("late", "--since", "2024", "--dates", "report")
    assert made.returncode == 0, made.stderr
    refused = watch_add("odd", "--since", "2024", "--dates", "published")
    assert refused.returncode == 2 and "--dates" in refused.stderr
    with Store(sqlite_path) as store:
        assert get_watchlist(store, "late")["filters"] == {"since": "2024", "dates": "report"}
        assert get_watchlist(store, "odd") is None
