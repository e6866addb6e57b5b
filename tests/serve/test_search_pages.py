"""Search and the documents list on the real server: /api/search and /api/documents paging by
next/previous links, and the pages in Chromium (the box in the navigation, marked and
escaped snippets, the documents filters)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest


def walk(url: str) -> tuple[list[dict], list[httpx.Response]]:
    """Every page of a paged API answer, following `next`; the answers, to check their links."""
    items, answers = [], []
    while url:
        r = httpx.get(url)
        assert r.status_code == 200, r.text
        answers.append(r)
        body = r.json()
        items += body.get("hits", body.get("documents", []))
        url = body["next"]
        assert len(answers) < 50
    return items, answers


def test_api_search_pages_by_next_and_previous_links(readonly_server):
    base = readonly_server.url + "/api/search"
    whole = httpx.get(base, params={"q": "Egypt OR Pakistan", "in": "documents", "limit": 200})
    everything = whole.json()
    assert everything["total"] == len(everything["hits"]) >= 4
    assert everything["next"] is None and everything["previous"] is None
    assert "link" not in whole.headers
    items, answers = walk(f"{base}?q=Egypt+OR+Pakistan&in=documents&limit=2")
    assert [h["id"] for h in items] == [h["id"] for h in everything["hits"]]
    first, second = answers[0], answers[1]
    assert first.json()["previous"] is None
    assert first.headers["link"] == f'<{first.json()["next"]}>; rel="next"'
    assert second.json()["previous"] == f"{base}?q=Egypt+OR+Pakistan&in=documents&limit=2"
    assert f'<{second.json()["previous"]}>; rel="prev"' in second.headers["link"]
    # Every hit's snippet marks a word of the query, and only those.
    for hit in items:
        marked = {p["text"].lower() for p in hit["snippet"] if p["mark"]}
        assert marked and marked <= {"egypt", "pakistan"}, hit["snippet"]


def test_api_search_of_events_and_its_refusals(readonly_server):
    r = httpx.get(readonly_server.url + "/api/search", params={"q": '"fighter jets"'})
    body = r.json()
    assert body["in"] == "events" and body["total"] >= 1
    # The delivery has two reports (the article and a feed summary): one hit, its best report.
    reports = {"embassy-egypt-four-f16-delivered", "feed-egypt-f16-summary"}
    (hit,) = [h for h in body["hits"] if h["document_id"] in reports]
    assert hit["type"] == "arms_sale"
    assert [p["text"] for p in hit["snippet"] if p["mark"]] == ["fighter jets"]
    r = httpx.get(readonly_server.url + "/api/search", params={"q": "OR"})
    assert r.status_code == 400 and "nothing to search for" in r.json()["detail"]
    r = httpx.get(readonly_server.url + "/api/search", params={"q": "x", "in": "actors"})
    assert r.status_code == 422


def test_api_documents_filters_and_pages(readonly_server):
    base = readonly_server.url + "/api/documents"
    body = httpx.get(base, params={"limit": 200}).json()
    assert body["total"] == len(body["documents"]) >= 10
    dated = [d["published"] for d in body["documents"] if d["published"]]
    assert dated == sorted(dated, reverse=True)  # latest first
    items, answers = walk(f"{base}?limit=3")
    assert [d["id"] for d in items] == [d["id"] for d in body["documents"]]
    assert len(answers) == -(-body["total"] // 3)
    gov = httpx.get(base, params={"publisher": "state.gov"}).json()["documents"]
    assert gov and all(
        urlsplit(d["url"]).hostname.removeprefix("www.").endswith("state.gov") for d in gov
    )
    old = httpx.get(base, params={"until": "2016"}).json()["documents"]
    assert old and all(d["published"] <= "2016-12-31" for d in old)
    assert httpx.get(base, params={"since": "May 2020"}).status_code == 422


def test_openapi_documents_the_cli_names_of_the_parameters(readonly_server):
    spec = httpx.get(readonly_server.url + "/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/api/documents"]["get"]["parameters"]}
    assert {"publisher", "source", "since", "until", "limit", "offset"} <= set(params)
    assert all(p.get("description") for p in params.values())
    search = {p["name"]: p for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "in", "limit", "offset"} <= set(search)
    assert "quoted phrases" in search["q"]["description"]


@pytest.mark.browser
def test_search_from_the_navigation_box(readonly_server, page, shot, hostile):
    page.goto(readonly_server.url + "/events")
    page.fill("header.top input[name=q]", '"fighter jets" Egypt')
    with page.expect_navigation():
        page.press("header.top input[name=q]", "Enter")
    assert urlsplit(page.url).path == "/search"
    assert parse_qs(urlsplit(page.url).query) == {"q": ['"fighter jets" Egypt']}
    docs = page.locator("section.hits-documents li")
    titles = docs.locator("a.title").all_inner_texts()
    # Both words in each, the phrase's words together: the delivery report and the hostile one.
    assert "United States Delivers Four F-16 Fighter Jets to Egyptian Armed Forces" in titles
    assert hostile["title"] in titles  # its markup shown as text
    assert page.evaluate("typeof window.__pwned") == "undefined"
    marks = page.locator("section.hits-documents li .snippet mark").all_inner_texts()
    assert {m.lower() for m in marks} <= {"fighter jets", "egypt"} and marks
    hostile_row = docs.filter(has_text="Leaked")
    assert "<script>window.__pwned=1</script>" in hostile_row.locator(".snippet").inner_text()
    assert hostile_row.locator(".snippet script").count() == 0
    shot(page, "search")
    # A hit opens its report.
    with page.expect_navigation():
        docs.first.locator("a.title").click()
    assert urlsplit(page.url).path.startswith("/documents/")
    no_problems(page)


@pytest.mark.browser
def test_search_events_page_by_page_and_refusal(readonly_server, page):
    words = "Pakistan OR Egypt OR States OR Turkiye OR Poland OR Israel"
    page.goto(readonly_server.url + "/search?" + urlencode({"q": words}))
    events = page.locator("section.hits-events tbody tr")
    total = int(page.inner_text("section.hits-events h2 .count"))
    assert total > events.count() == 10  # a preview; the rest a click away
    with page.expect_navigation():
        page.click("section.hits-events p.more a")
    assert parse_qs(urlsplit(page.url).query) == {"q": [words], "in": ["events"]}
    page.goto(page.url + "&limit=4")  # four a page, to page through them
    seen = set(page.locator("section.hits-events tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.eventId)"))  # fmt: skip
    assert page.locator("section.hits-documents").count() == 0
    while page.locator("nav.pager a[rel=next]").count():
        with page.expect_navigation():
            page.click("nav.pager a[rel=next]")
        more = page.locator("section.hits-events tbody tr").evaluate_all(
            "rows => rows.map(r => r.dataset.eventId)"
        )
        assert not seen & set(more)
        seen |= set(more)
    assert len(seen) == total
    assert parse_qs(urlsplit(page.url).query)["limit"] == ["4"]
    # Every hit's evidence marks a word asked for and links to its event.
    marks = page.locator("section.hits-events td.snippet mark").all_inner_texts()
    stems = ("pakistan", "egypt", "state", "turkiye", "poland", "israel")  # "State" is stemmed too
    assert marks and all(m.lower().startswith(stems) for m in marks), marks
    first = page.locator("section.hits-events tbody tr").first
    event = httpx.get(readonly_server.url + "/api/events/" + first.get_attribute("data-event-id"))
    actors = [
        p["name"] for p in event.json()["participants"] if p["role"] not in ("system", "program")
    ]
    assert first.locator("td:nth-child(3) a.actor").all_inner_texts() == actors
    with page.expect_navigation():
        first.locator("td.snippet a").click()
    assert urlsplit(page.url).path.startswith("/events/ev:")
    no_problems(page)
    answer = page.goto(readonly_server.url + "/search?q=%22%22")
    assert answer.status == 400 and "nothing to search for" in page.inner_text("p.problem")


@pytest.mark.browser
def test_documents_page_filters_and_links_to_events(readonly_server, page, shot):
    page.goto(readonly_server.url + "/events")
    with page.expect_navigation():
        page.click("header.top nav >> text=Documents")
    rows = page.locator("table.documents tbody tr")
    total = int(page.inner_text("h1 .count"))
    assert total >= 10 and rows.count() == min(total, 25)
    page.fill("input[name=publisher]", "state.gov")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert parse_qs(urlsplit(page.url).query) == {"publisher": ["state.gov"]}
    publishers = page.locator("table.documents tbody td:nth-child(3)").all_inner_texts()
    assert publishers and all(p.endswith("state.gov") for p in publishers)
    shot(page, "documents")
    page.goto(readonly_server.url + "/documents?since=2015-01&until=2015-12-31")
    dates = page.locator("table.documents tbody td:first-child").all_inner_texts()
    # The F-16 delivery report, its feed summary, and the M1A1 co-production release.
    assert dates == ["2015-10-30", "2015-10-29", "2015-10-25"]
    # The events count opens the report at its events, and there are that many.
    row = page.locator("table.documents tbody tr").first
    n = int(row.locator("td.n-events").inner_text())
    with page.expect_navigation():
        row.locator("td.n-events a").click()
    assert urlsplit(page.url).fragment == "events"
    assert page.locator("#events .count").inner_text() == str(n)
    no_problems(page)


def no_problems(page) -> None:
    assert page.problems == [], "\n".join(page.problems)


@pytest.mark.parametrize(
    "path", ["/search", "/search?q=F-16", "/search?q=tanks&in=documents", "/documents"]
)
def test_pages_carry_the_headers_and_no_inline_script(readonly_server, path):
    r = httpx.get(readonly_server.url + path)
    assert r.status_code == 200
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "<script>" not in r.text and "style=" not in r.text and "<style" not in r.text


@pytest.mark.postgres
def test_search_documents_and_paging_over_postgresql(pg_readonly_server):
    """The same answers from a PostgreSQL store served over HTTP (tsvector, not FTS5)."""
    srv = pg_readonly_server
    items, answers = walk(f"{srv.url}/api/search?q=Egypt+OR+Pakistan&in=documents&limit=2")
    assert len(items) == answers[0].json()["total"] >= 4 and len(answers) >= 2
    assert answers[1].links["prev"]["url"] == answers[1].json()["previous"]
    for hit in items:
        marked = {p["text"].lower() for p in hit["snippet"] if p["mark"]}
        assert marked and marked <= {"egypt", "pakistan"}, hit["snippet"]
    events = httpx.get(f"{srv.url}/api/search", params={"q": '"fighter jets"'}).json()
    assert any(h["type"] == "arms_sale" for h in events["hits"])
    assert httpx.get(f"{srv.url}/api/search", params={"q": "AND"}).status_code == 400
    docs, _ = walk(f"{srv.url}/api/documents?publisher=state.gov&limit=1")
    assert docs and all(d["publisher"].endswith("state.gov") for d in docs)
    body = httpx.get(f"{srv.url}/api/events", params={"limit": 4, "offset": 4}).json()
    assert body["previous"].endswith("limit=4") and body["next"].endswith("offset=8")
    r = httpx.get(f"{srv.url}/download/events.csv", params={"actor": "Egypt"})
    assert r.status_code == 200 and "Egypt" in r.text
