"""Headless Chromium over the home, actor, map and network pages: layout, charts, flows, keys."""

from __future__ import annotations

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
