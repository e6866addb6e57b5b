"""End to end: the real app on 127.0.0.1 driven through headless Chromium, as a reader would."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser

# A DSCA-style notification, the kind of report the extractor reads (not in the samples).
UPLOAD_TEXT = (
    "WASHINGTON: The State Department has approved a possible Foreign Military Sale to the "
    "Government of Morocco of 25 F-16 Block 72 aircraft for an estimated cost of $3.787 billion.\n"
    "The Defense Security Cooperation Agency delivered the required certification notifying "
    "Congress of this possible sale today."
)


def rows(page) -> list[dict[str, str]]:
    """The events table as a reader sees it: one dict of column texts per row."""
    out = []
    for tr in page.locator("table.events tbody tr").all():
        cells = [c.inner_text().strip() for c in tr.locator("td").all()]
        out.append(
            {
                "reported": cells[0],
                "type": cells[1],
                "status": cells[2],
                "actors": cells[3],
                "system": cells[4],
                "sources": cells[6],
            }
        )
    return out


def no_problems(page) -> None:
    assert page.problems == [], "\n".join(page.problems)


def test_filter_sort_and_page_the_events_table(server, page, shot):
    page.goto(server.url + "/events")
    all_rows = rows(page)
    assert len(all_rows) >= 10  # the hand-built events at least, whatever the extractor finds
    shot(page, "events")

    page.fill("input[name=actor]", "Egypt")
    page.select_option("select[name=type]", "arms_sale")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"actor": ["Egypt"], "type": ["arms_sale"]}  # the view can be shared
    filtered = rows(page)
    assert filtered and len(filtered) < len(all_rows)
    assert all(r["type"] == "arms sale" and "Egypt" in r["actors"] for r in filtered)
    # The type badge wears the registry's colour (served as /types.css).
    badge = page.locator("table.events tbody tr td .type").first
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(209, 73, 91)"
    # The Cairo West delivery (2015), in two reports; other tests of this session may upload
    # F-16 reports of their own, so the row is found by its date, not by its place.
    f16 = [r for r in filtered if "F-16" in r["system"] and r["reported"].startswith("2015")]
    assert len(f16) == 1 and f16[0]["sources"] == "2"
    # Who supplied whom, in the ontology's direction (seller → buyers).
    assert f16[0]["actors"] == "United States → Egypt, Egyptian Air Force"
    assert page.locator("table.events th", has_text="Supplier → recipient").count() == 1
    shot(page, "events-filtered")

    # A shared link opens the same view; sorting keeps the filters.
    page.goto(server.url + "/events?actor=Egypt&type=arms_sale")
    assert rows(page) == filtered
    with page.expect_navigation():
        page.click("th >> text=Sources")
    assert parse_qs(urlsplit(page.url).query)["order"] == ["sources"]
    assert parse_qs(urlsplit(page.url).query)["actor"] == ["Egypt"]
    counts = [int(r["sources"]) for r in rows(page)]
    assert counts == sorted(counts, reverse=True)

    # Paging: five per page, next page shows different events, the filter stays.
    page.goto(server.url + "/events?limit=5")
    first = rows(page)
    assert len(first) == 5
    assert "page 1 of" in page.inner_text("nav.pager")
    with page.expect_navigation():
        page.click("a[rel=next]")
    assert "page 2 of" in page.inner_text("nav.pager")
    second = rows(page)
    assert len(second) == 5 and second != first

    # Free text and a date range.
    page.goto(server.url + "/events?q=Anka")
    assert [r["type"] for r in rows(page)] == ["co production"]
    # By the event's own dates: the M1A1 ceremony of October 25, 2015 and the F-16 delivery of
    # October 29; the report of 2016 with no date of its event is placed at its report.
    page.goto(server.url + "/events?since=2015-10-01&until=2015-10-31")
    assert {r["type"] for r in rows(page)} >= {"co production", "arms sale"}
    assert all(r["reported"].startswith("2015-10") for r in rows(page))
    page.goto(server.url + "/events?since=2016-01-01&until=2016-12-31&dates=report")
    assert [r["reported"] for r in rows(page)] == ["2016-01-05"]
    assert page.locator("select[name=dates]").input_value() == "report"
    no_problems(page)


def test_event_page_highlights_the_evidence_in_its_paragraph(server, page, shot):
    page.goto(server.url + "/events?system=F-16&type=arms_sale&status=completed")
    page.locator("table.events tbody tr", has_text="Egyptian Air Force").locator(
        "td a"
    ).first.click()
    page.wait_for_load_state()
    assert "/events/ev:" in page.url
    sources = page.locator("article.source")
    assert sources.count() == 2
    marks = page.locator("article.source blockquote.evidence mark")
    assert marks.first.inner_text() == (
        "four F-16 “Fighting Falcon” fighter jets delivered by the United States to the Egyptian Air Force"
    )
    # The highlighted sentence stands inside its paragraph, not alone.
    quote = page.locator("article.source blockquote.evidence").first.inner_text()
    assert quote.startswith("Cairo – On October 29, Ambassador Stephen Beecroft")
    assert page.locator("a.original").first.get_attribute("href") == (
        "https://eg.usembassy.gov/united-states-delivers-four-f-16-fighter-jets-egyptian-armed-forces/"
    )
    roles = page.inner_text("dl.roles")
    assert re.search(r"buyer\s+Egypt", roles, re.IGNORECASE) and re.search(
        r"seller\s+United States", roles, re.IGNORECASE
    )
    assert "completed" in page.inner_text("ol.history")
    kv = page.inner_text("dl.kv")
    assert "four" in kv and "2015-10-29" in kv
    shot(page, "event")
    no_problems(page)


def test_actor_page_timeline_and_network(server, page, shot):
    page.goto(server.url + "/actors")
    with page.expect_navigation():
        page.click("table.actors a:text-is('Pakistan')")
    assert page.url.endswith("/actors/country:PAK")
    assert page.inner_text("h1") == "Pakistan"
    timeline = page.locator("li.tl-event")
    assert timeline.count() >= 5
    assert "2025" in page.inner_text("ol.timeline")
    partners = page.inner_text("table.partners")
    assert "Türkiye" in partners and "India" in partners

    graph = page.locator("#graph[data-ready=true]")
    graph.wait_for()
    assert int(graph.get_attribute("data-nodes")) >= 3
    assert page.locator("#graph canvas").count() >= 1
    names = page.evaluate("window.armsgraphNetwork.nodes().map(n => n.data('label'))")
    assert {"Pakistan", "Türkiye", "India", "Afghanistan"} <= set(names)
    shot(page, "actor")

    # The full network view; clicking a node opens that actor.
    with page.expect_navigation():
        page.click("text=open the full network view")
    page.locator("#graph[data-ready=true]").wait_for()
    shot(page, "network-pakistan")
    page.goto(server.url + "/network")
    page.locator("#graph[data-ready=true]").wait_for()
    edge_colors = set(page.evaluate("window.armsgraphNetwork.edges().map(e => e.data('type'))"))
    assert {"arms_sale", "armed_clash"} <= edge_colors
    shot(page, "network")
    pos = page.evaluate("window.armsgraphNetwork.$id('country:TUR').renderedPosition()")
    box = page.locator("#graph").bounding_box()
    page.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])
    page.wait_for_url("**/actors/country%3ATUR")
    assert page.inner_text("h1") == "Türkiye"
    no_problems(page)


def test_map_shades_countries_of_the_filter(server, page, shot):
    page.goto(server.url + "/map?type=arms_sale")
    page.locator("#map[data-ready=true]").wait_for()
    egypt = page.locator("#map path[data-iso3=EGY]")
    assert egypt.count() == 1
    assert int(egypt.get_attribute("data-events")) >= 2
    assert (
        page.locator("#map path[data-iso3=ERI]").count() == 0
    )  # Eritrea has a clash here, no arms sale
    shot(page, "map")
    egypt.click()
    page.wait_for_load_state()
    assert parse_qs(urlsplit(page.url).query) == {"type": ["arms_sale"], "actor": ["country:EGY"]}
    assert all("Egypt" in r["actors"] for r in rows(page))
    no_problems(page)


def test_upload_with_the_token_adds_its_events(server, page, shot):
    page.goto(server.url + "/events?actor=Morocco")
    # Another test may have stored the same sale from another report: then the upload adds
    # a source to it rather than a new event. Either way the sources of Morocco grow.
    before = sum(int(r["sources"]) for r in rows(page))
    page.goto(server.url + "/upload")
    shot(page, "upload")
    page.fill("input[name=token]", server.token)
    page.fill("textarea[name=text]", UPLOAD_TEXT)
    page.fill("input[name=title]", "Morocco – F-16 Block 72")
    page.fill("input[name=published]", "2019-03-25")
    with page.expect_navigation():
        page.click("form.upload button[type=submit]")
    assert "/documents/" in page.url
    assert "Report stored" in page.inner_text("p.notice")
    assert page.inner_text("h1") == "Morocco – F-16 Block 72"
    assert "Morocco" in page.inner_text("ul.doc-events")
    shot(page, "uploaded")
    page.goto(server.url + "/events?actor=Morocco")
    found = rows(page)
    assert sum(int(r["sources"]) for r in found) == before + 1
    assert "2019-03-25" in {r["reported"] for r in found}
    no_problems(page)


def test_upload_is_refused_without_the_token(server, readonly_server, page, shot):
    # A read-only server says so, and refuses the form.
    page.goto(readonly_server.url + "/upload")
    assert "read-only" in page.inner_text("p.notice")
    page.fill("input[name=token]", "anything-at-all")
    page.fill("textarea[name=text]", UPLOAD_TEXT)
    response = None
    with page.expect_response(lambda r: r.request.method == "POST") as info:
        page.click("form.upload button[type=submit]")
    response = info.value
    assert response.status == 403
    assert "read-only" in page.inner_text("p.notice")

    # A writable server refuses a wrong token and stores nothing.
    page.goto(server.url + "/events")
    before = page.inner_text("h1 .count")
    page.goto(server.url + "/upload")
    page.fill("input[name=token]", server.token + "x")
    page.fill("textarea[name=text]", "Norway has ordered 14 K9 howitzers from South Korea.")
    with page.expect_response(lambda r: r.request.method == "POST") as info:
        page.click("form.upload button[type=submit]")
    assert info.value.status == 403
    assert "wrong or missing write token" in page.inner_text("p.notice")
    page.goto(server.url + "/events")
    assert page.inner_text("h1 .count") == before
    # The two refusals are the only errors the browser saw.
    assert len(page.problems) == 2 and all("403" in p for p in page.problems), page.problems


def test_script_in_a_report_shows_as_text_and_never_runs(server, page, shot, hostile):
    page.goto(server.url + "/documents/hostile-script-report")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.inner_text("h1") == hostile["title"]
    assert "<script>window.__pwned=1</script>" in page.inner_text("section.doc-text")
    assert page.locator("a.original").count() == 0  # a javascript: URL is never a link
    assert page.title().startswith(hostile["title"])
    shot(page, "hostile-document")

    with page.expect_navigation():
        page.click("ul.doc-events a")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    # Other reports of the same sale may be listed too; this one's evidence shows as text.
    marks = page.locator("blockquote.evidence mark").all_inner_texts()
    assert any(m.startswith("<script>window.__pwned=1</script>") for m in marks), marks

    # The same through the upload form.
    page.goto(server.url + "/upload")
    page.fill("input[name=token]", server.token)
    page.fill("textarea[name=text]", hostile["text"].replace("four", "two"))
    page.fill("input[name=title]", "<img src=x onerror=window.__pwned=3>")
    with page.expect_navigation():
        page.click("form.upload button[type=submit]")
    assert "/documents/" in page.url
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.inner_text("h1") == "<img src=x onerror=window.__pwned=3>"
    assert "<script>window.__pwned=1</script>" in page.inner_text("section.doc-text")
    no_problems(page)
