"""Headless Chromium over the home, actor, map and network pages: layout, charts, flows, keys."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.browser

# The blocks of an actor's page, each of which must keep to its own box.
ACTOR_SECTIONS = (
    "actor-trends",
    "actor-network",
    "actor-partners",
    "actor-timeline",
    "actor-facts",
)

BOXES = """ids => ids.map(id => {
  const el = document.getElementById(id);
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return {id, x: r.left, y: r.top + window.scrollY, w: r.width, h: r.height,
          sticksOut: el.scrollWidth - el.clientWidth};
}).filter(b => b)"""


def no_problems(page) -> None:
    assert page.problems == [], "\n".join(page.problems)


def overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["w"] - 0.5
        and b["x"] < a["x"] + a["w"] - 0.5
        and a["y"] < b["y"] + b["h"] - 0.5
        and b["y"] < a["y"] + a["h"] - 0.5
    )


@pytest.mark.parametrize("width", [1024, 1400, 1920])
@pytest.mark.parametrize("actor", ["country:USA", "country:PAK"])
def test_actor_page_sections_never_overlap(server, page, shot, width, actor):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{server.url}/actors/{actor}")
    page.wait_for_selector("#graph[data-ready]")
    boxes = page.evaluate(BOXES, list(ACTOR_SECTIONS))
    names = [b["id"] for b in boxes]
    assert {"actor-trends", "actor-network", "actor-timeline"} <= set(names)
    for i, a in enumerate(boxes):
        assert a["w"] > 0 and a["h"] > 0, a
        assert a["sticksOut"] <= 1, f"{a['id']} is wider than its box at {width}px"
        for b in boxes[i + 1 :]:
            assert not overlap(a, b), f"{a['id']} overlaps {b['id']} at {width}px: {a} {b}"
    # Nothing makes the page itself scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    if width == 1400:
        shot(page, f"actor-{actor.replace(':', '-')}")
    no_problems(page)


def test_home_page_draws_the_trend_charts(server, page, shot):
    page.goto(server.url + "/")
    bars = page.locator("svg.events-chart rect.bar")
    assert bars.count() > 0
    box = page.locator("svg.events-chart").bounding_box()
    assert box["width"] > 300 and box["height"] > 80
    # A bar tells its year, type and count when pointed at.
    assert " event" in bars.first.locator("title").text_content()
    assert page.locator("table.events-by-year tbody tr").count() > 0
    shot(page, "home")
    no_problems(page)


def test_map_draws_flows_and_shades_importers_or_exporters(server, page, shot):
    data = httpx.get(server.url + "/api/map").json()
    by_iso = {c["iso3"]: c for c in data["countries"]}
    page.goto(server.url + "/map")
    page.wait_for_selector("#map[data-ready=true]")
    assert int(page.get_attribute("#map", "data-flows")) >= 1
    arc = page.locator("#map path.flow[data-supplier=USA][data-recipient=EGY]")
    assert arc.count() == 1
    assert arc.locator("title").text_content().startswith("United States → Egypt: ")
    assert page.locator("#map path.flow").first.get_attribute("marker-end") == "url(#arrow)"
    shot(page, "map")

    page.check("input[name=shade][value=importers]")
    assert page.get_attribute("#map", "data-shade") == "importers"
    assert "shade=importers" in page.url  # the view can be shared
    egypt = page.locator("#map path[data-iso3=EGY]")
    assert egypt.get_attribute("data-events") == str(by_iso["EGY"]["n_received"])
    assert "has" in (egypt.get_attribute("class") or "")
    # Every country's shade counts what it received (a supplier only is left blank).
    shown = page.evaluate(
        "[...document.querySelectorAll('#map path[data-iso3]')].map(p => "
        "[p.getAttribute('data-iso3'), p.getAttribute('data-events'), p.getAttribute('class')])"
    )
    for iso3, n, cls in shown:
        want = by_iso[iso3]["n_received"]
        assert (n, "has" in (cls or "")) == ((str(want), True) if want else (None, False)), iso3
    assert any(by_iso[iso3]["n_received"] == 0 for iso3, _, _ in shown)
    page.check("input[name=shade][value=exporters]")
    usa = page.locator("#map path[data-iso3=USA]")
    assert usa.get_attribute("data-events") == str(by_iso["USA"]["n_supplied"])

    page.uncheck("input[name=arcs]")
    assert page.locator("#map g.flows").get_attribute("visibility") == "hidden"
    no_problems(page)


def test_network_rolls_organizations_up_to_countries_and_has_a_key(server, page, shot):
    page.goto(server.url + "/network")
    page.wait_for_selector("#graph[data-ready=true]")
    kinds = set(page.evaluate("window.armsgraphNetwork.nodes().map(n => n.data('kind'))"))
    assert "organization" in kinds
    key = page.locator("ul.node-key").inner_text()
    assert "country" in key and "company, ministry, force" in key
    # Each key colour is the colour the nodes of that kind are drawn in.
    drawn = page.evaluate(
        "window.armsgraphNetwork.nodes('[kind = \"country\"]')[0].style('background-color')"
    )
    swatch = page.evaluate(
        "getComputedStyle(document.querySelector('.dot.nk-country')).backgroundColor"
    )
    assert drawn.replace(" ", "") == swatch.replace(" ", "")

    with page.expect_navigation():
        page.click("#rollup-link")
    assert "rollup=country" in page.url
    page.wait_for_selector("#graph[data-ready=true]")
    ids = set(page.evaluate("window.armsgraphNetwork.nodes().map(n => n.id())"))
    rolled = httpx.get(server.url + "/api/network?rollup=country").json()
    assert ids == {n["id"] for n in rolled["nodes"]}
    # Only an organization of no country (an alliance) stays itself.
    assert all(n["country"] is None for n in rolled["nodes"] if n["type"] != "country")
    # The Egyptian Air Force's purchase is Egypt's.
    assert "country:EGY" in ids and "org:egyptian-air-force" not in ids
    shot(page, "network-countries")
    no_problems(page)


def test_event_page_shows_why_reports_merged_and_what_confidence_means(server, page, shot):
    evs = httpx.get(server.url + "/api/events?actor=Egypt&type=arms_sale&limit=200").json()
    ev = next(e for e in evs["events"] if e["n_sources"] == 2)
    page.goto(f"{server.url}/events/{ev['id']}")
    merged = page.locator("#event-merged")
    assert merged.is_visible()
    assert merged.locator("ol.merged-reports li").count() == 2
    assert merged.locator("ul.merge-reasons li").count() == 3
    help_text = page.locator(".confidence-help")
    assert help_text.is_visible() and help_text.inner_text().startswith("Confidence, from 0 to 1")
    # The sentence sits under its number, not over the next row.
    number = page.locator(".confidence").bounding_box()
    sentence = help_text.bounding_box()
    assert sentence["y"] >= number["y"] + number["height"] - 1
    shot(page, "event-merged")
    no_problems(page)
