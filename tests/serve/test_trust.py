"""Trust shown: hedges, refusals, denials, the confidence sentence and why reports merged,
on the event page (real server) and in `armsgraph show` (the real command)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from lxml import html

from armsgraph.model import (
    Attribution,
    Comment,
    Document,
    Entity,
    Event,
    Extraction,
    Participant,
    Span,
)
from armsgraph.store.queries.trust import CONFIDENCE_HELP
from armsgraph.store.store import Store

TEXT = (
    "Ruritania reportedly sold six attack helicopters to Freedonia, two officials said.\n"
    "Freedonia's defence ministry denied buying the helicopters. "
    "The Ruritanian embassy declined to comment."
)


def span(words: str) -> Span:
    at = TEXT.index(words)
    return Span(at, at + len(words), words)


@pytest.fixture
def trust_db(tmp_path: Path) -> Path:
    doc = Document(
        text=TEXT, id="hedged-report", title="Helicopters, reportedly", published="2025-03-02"
    )
    rur = Entity("country:RUR", "country", "Ruritania", "RUR", mentions=[span("Ruritania")])
    fre = Entity("country:FRE", "country", "Freedonia", "FRE", mentions=[span("Freedonia")])
    ev = Event(
        id="e1",
        type="arms_sale",
        status="agreed",
        participants=[Participant("seller", rur.id), Participant("buyer", fre.id)],
        evidence=[span("Ruritania reportedly sold six attack helicopters to Freedonia")],
        attribution=Attribution(source="two officials", hedge="reportedly"),
        comments=[
            Comment(
                "Freedonia's defence ministry",
                "denied buying",
                span("Freedonia's defence ministry denied buying"),
            ),
            Comment(
                "The Ruritanian embassy",
                "declined to comment",
                span("The Ruritanian embassy declined to comment"),
            ),
        ],
        confidence=0.8,
    )
    path = tmp_path / "trust.db"
    store = Store(path)
    store.add(Extraction(doc, [rur, fre], [ev]))
    store.close()
    return path


def test_event_page_shows_hedge_denial_refusal_and_what_confidence_means(trust_db, serve_store):
    server = serve_store(trust_db)
    ev = httpx.get(server.url + "/api/events").json()["events"][0]
    page = html.fromstring(httpx.get(f"{server.url}/events/{ev['id']}").text)
    trust = page.xpath("//section[@id='event-trust']")[0].text_content()
    assert "Denied: Freedonia's defence ministry denied buying" in " ".join(trust.split())
    assert "No comment: The Ruritanian embassy declined to comment" in " ".join(trust.split())
    assert "“reportedly”" in trust and "Said by: two officials" in trust
    meta = page.xpath("//article[@class='source']//p[@class='meta']")[0].text_content()
    assert "according to two officials" in meta and "hedged: “reportedly”" in meta
    assert (
        page.xpath("//p[contains(@class,'confidence-help')]")[0].text_content() == CONFIDENCE_HELP
    )
    assert not page.xpath("//section[@id='event-merged']")  # one report: nothing merged
    claims = httpx.get(f"{server.url}/api/events/{ev['id']}").json()["sources"][0]["claims"]
    assert [d["source"] for d in claims["denials"]] == ["Freedonia's defence ministry"]
    assert [r["stance"] for r in claims["refusals"]] == ["declined to comment"]


def test_show_tells_who_denies_and_who_hedges(trust_db):
    with Store(trust_db) as store:
        event_id = store.events()[0]["id"]
    r = subprocess.run(
        [sys.executable, "-m", "armsgraph.cli.main", "show", event_id, "--db", str(trust_db)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    out = " ".join(r.stdout.split())
    assert "according to: two officials" in out
    assert "hedged: “reportedly”" in out
    assert "denied: Freedonia's defence ministry denied buying" in out
    assert "no comment: The Ruritanian embassy declined to comment" in out
    assert CONFIDENCE_HELP in out


def test_a_merged_event_says_which_reports_and_why(readonly_server):
    """The Egypt F-16 delivery: the embassy's report and a feed's summary are one event."""
    evs = httpx.get(readonly_server.url + "/api/events?actor=Egypt&type=arms_sale&limit=200").json()
    ev = next(e for e in evs["events"] if e["n_sources"] == 2)
    page = html.fromstring(httpx.get(f"{readonly_server.url}/events/{ev['id']}").text)
    box = page.xpath("//section[@id='event-merged']")[0]
    assert "Merged from 2 reports" in box.text_content()
    reports = [a.get("href") for a in box.xpath(".//ol[@class='merged-reports']//a")]
    assert reports == [
        "/documents/embassy-egypt-four-f16-delivered",
        "/documents/feed-egypt-f16-summary",
    ]
    reasons = [li.text_content() for li in box.xpath(".//ul[@class='merge-reasons']/li")]
    assert reasons[0].startswith("They report the same kind of event (arms sale)")
    assert "seller United States" in reasons[0] and "buyer Egypt, Egyptian Air Force" in reasons[0]
    assert reasons[1].startswith("Their systems agree: F-16")
    assert reasons[2] == "Each dated report is within 3 years of another (2015)."
