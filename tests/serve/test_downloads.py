"""Downloads of each filtered view (CSV, SIPRI CSV, GraphML, JSON Lines) through Chromium, their
contents checked against what the view shows; the API's paging links and its parameter
names, which are the CLI's."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest
from typer.main import get_command

from armsgraph.cli.app import app
from armsgraph.cli.main import load_commands
from armsgraph.ontology import sipri_types

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


def api_ids(server, **params) -> list[str]:
    body = httpx.get(server.url + "/api/events", params={"limit": 200, **params}).json()
    assert body["total"] == len(body["events"])
    return [e["id"] for e in body["events"]]


def walk(url: str) -> tuple[list, list[httpx.Response]]:
    items, answers = [], []
    while url:
        r = httpx.get(url)
        assert r.status_code == 200, r.text
        answers.append(r)
        body = r.json()
        if isinstance(body, list):  # /api/actors: the links are in the header only
            items += body
            url = r.links.get("next", {}).get("url")
        else:
            items += body["events"]
            url = body["next"]
        assert len(answers) < 100
    return items, answers


def test_api_events_pages_by_next_and_previous_links(readonly_server):
    base = readonly_server.url + "/api/events"
    everything = api_ids(readonly_server, order="oldest")
    items, answers = walk(f"{base}?order=oldest&limit=7")
    assert [e["id"] for e in items] == everything
    assert len(answers) == -(-len(everything) // 7)
    first, second, last = answers[0].json(), answers[1].json(), answers[-1].json()
    assert first["previous"] is None and first["offset"] == 0 and first["limit"] == 7
    assert second["previous"] == f"{base}?order=oldest&limit=7"
    assert last["next"] is None and last["total"] == len(everything)
    assert answers[1].links["next"]["url"] == second["next"]
    assert answers[1].links["prev"]["url"] == second["previous"]
    assert "next" not in answers[-1].links


def test_api_actors_pages_by_the_link_header(readonly_server):
    base = readonly_server.url + "/api/actors"
    everything = httpx.get(base, params={"limit": 200}).json()
    items, answers = walk(f"{base}?limit=9")
    assert [a["id"] for a in items] == [a["id"] for a in everything]
    assert "prev" not in answers[0].links and "next" not in answers[-1].links
    assert answers[1].links["prev"]["url"] == f"{base}?limit=9"


def test_the_api_takes_the_cli_names_and_documents_them(readonly_server):
    load_commands()
    commands = get_command(app).commands
    spec = httpx.get(readonly_server.url + "/openapi.json").json()["paths"]
    for command, path, own in (
        ("events", "/api/events", {"db", "fmt"}),
        ("actors", "/api/actors", {"db", "fmt"}),
        ("documents", "/api/documents", {"db", "fmt"}),
    ):
        cli = {
            opt.lstrip("-").replace("-", "_")  # --include-hidden: include_hidden
            for p in commands[command].params
            if p.name not in own
            for opt in p.opts
            if opt.startswith("--")
        }
        api = {p["name"]: p for p in spec[path]["get"]["parameters"]}
        assert cli <= set(api), (command, cli - set(api))
        assert all(p.get("description") for p in api.values()), path
    # Every parameter of every read is described.
    for path, ops in spec.items():
        for p in ops.get("get", {}).get("parameters", []):
            assert p.get("description"), (path, p["name"])
    # The CLI's names select what the pages' names select.
    assert api_ids(readonly_server, text="F-16") == api_ids(readonly_server, q="F-16") != []
    by_name = httpx.get(readonly_server.url + "/api/actors", params={"name": "Egypt"}).json()
    assert by_name == httpx.get(readonly_server.url + "/api/actors", params={"q": "Egypt"}).json()
    assert by_name


def download(page, fmt: str) -> bytes:
    """Click the view's download link for `fmt`; the file's bytes."""
    with page.expect_download() as info:
        page.click(f"p.downloads a[data-format={fmt}]")
    return Path(info.value.path()).read_bytes()


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def graph_event_ids(data: bytes) -> set[str]:
    root = ET.fromstring(data)
    return {
        d.text
        for edge in root.iter(f"{GRAPHML}edge")
        for d in edge.iter(f"{GRAPHML}data")
        if d.get("key") == "event_id"
    }


@pytest.mark.browser
def test_the_events_table_downloads_what_it_shows(readonly_server, page):
    page.goto(readonly_server.url + "/events?actor=Egypt&limit=2&order=sources")
    # The table shows 2 a page; the download holds every page of this filter.
    shown = api_ids(readonly_server, actor="Egypt", order="sources")
    assert len(shown) > 2
    assert page.inner_text("p.downloads").startswith(f"Download these {len(shown)} events")
    rows = csv_rows(download(page, "csv"))
    assert [r["id"] for r in rows] == shown  # the view's order
    assert all("Egypt" in json.dumps(r) for r in rows)
    lines = [json.loads(x) for x in download(page, "jsonl").decode().splitlines()]
    assert [e["id"] for e in lines] == shown
    assert all(e["sources"] and e["status_history"] for e in lines)
    api = {e["id"]: e for e in httpx.get(readonly_server.url + "/api/events", params={"actor": "Egypt", "limit": 200}).json()["events"]}  # fmt: skip
    assert all(e["participants"] == api[e["id"]]["participants"] for e in lines)
    register = csv_rows(download(page, "sipri"))
    sipri = [i for i in shown if api[i]["type"] in sipri_types()]
    assert sipri and {r["armsgraph event id"] for r in register} == set(sipri)
    edges = graph_event_ids(download(page, "graphml"))
    assert edges and edges <= set(shown)
    assert page.problems == []


@pytest.mark.browser
def test_network_map_actor_lists_download_what_they_show(readonly_server, page):
    # Network: the events it draws.
    page.goto(readonly_server.url + "/network?type=arms_sale")
    drawn = httpx.get(readonly_server.url + "/api/network", params={"type": "arms_sale"}).json()
    rows = csv_rows(download(page, "csv"))
    assert {e["event_id"] for e in drawn["edges"]} <= {r["id"] for r in rows}
    assert {r["type"] for r in rows} == {"arms_sale"}
    assert {r["id"] for r in rows} == set(api_ids(readonly_server, type="arms_sale"))
    assert graph_event_ids(download(page, "graphml")) == {e["event_id"] for e in drawn["edges"]}
    # Map: the events it counts.
    page.goto(readonly_server.url + "/map?status=completed")
    lines = download(page, "jsonl").decode().splitlines()
    assert sorted(json.loads(x)["id"] for x in lines) == sorted(
        api_ids(readonly_server, status="completed")
    )
    # An actor's page: its events (its own organizations' too, as the events table).
    page.goto(readonly_server.url + "/actors/country:PAK")
    rows = csv_rows(download(page, "csv"))
    assert [r["id"] for r in rows] == api_ids(readonly_server, actor="country:PAK")
    # The actors list and the documents list, every page of them.
    page.goto(readonly_server.url + "/actors?type=country")
    rows = csv_rows(download(page, "csv"))
    listed = httpx.get(readonly_server.url + "/api/actors", params={"type": "country", "limit": 200}).json()  # fmt: skip
    assert [r["id"] for r in rows] == [a["id"] for a in listed]
    assert rows[0]["n_events"] == str(listed[0]["n_events"])
    page.goto(readonly_server.url + "/documents?publisher=state.gov")
    docs = [json.loads(x) for x in download(page, "jsonl").decode().splitlines()]
    shown = page.locator("table.documents tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.documentId)"
    )
    assert [d["id"] for d in docs] == shown and all(
        d["publisher"].endswith("state.gov") for d in docs
    )
    rows = csv_rows(download(page, "csv"))
    assert [r["id"] for r in rows] == shown
    assert page.problems == []


def test_a_limited_view_downloads_its_latest_events(readonly_server):
    """The network draws the latest N events; its link carries limit=N and gets those."""
    url = readonly_server.url + "/download/events.csv"
    r = httpx.get(url, params={"limit": 3})
    assert r.headers["content-disposition"] == 'attachment; filename="armsgraph-events.csv"'
    assert [row["id"] for row in csv_rows(r.content)] == api_ids(readonly_server)[:3]
    assert httpx.get(readonly_server.url + "/download/events.xlsx").status_code == 422
    # The network page links with its limit only when it draws fewer than match.
    html = httpx.get(readonly_server.url + "/network").text
    link = html.split('data-format="csv"')[0].rsplit('href="', 1)[1].split('"')[0]
    assert "limit" not in parse_qs(urlsplit(link.replace("&amp;", "&")).query)


@pytest.mark.browser
def test_a_search_downloads_its_hits(readonly_server, page):
    words = '"fighter jets" OR drones OR Pakistan OR Egypt OR States OR Turkiye'
    page.goto(readonly_server.url + "/search?" + urlencode({"q": words}))
    api = readonly_server.url + "/api/search"
    events = httpx.get(api, params={"q": words, "limit": 200}).json()["hits"]
    docs = httpx.get(api, params={"q": words, "in": "documents", "limit": 200}).json()["hits"]
    assert len(events) > 10  # more than the page shows
    with page.expect_download() as info:
        page.click("p.downloads a[data-kind=events][data-format=csv]")
    rows = csv_rows(Path(info.value.path()).read_bytes())
    assert [r["event_id"] for r in rows] == [h["event_id"] for h in events]
    assert all("[" in r["text"] and r["actors"] for r in rows)
    with page.expect_download() as info:
        page.click("p.downloads a[data-kind=documents][data-format=jsonl]")
    lines = Path(info.value.path()).read_text(encoding="utf-8").splitlines()
    assert [json.loads(x) for x in lines] == docs
    assert page.problems == []
