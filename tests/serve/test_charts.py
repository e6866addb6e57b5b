"""The home page, trend charts and tables, actor counts and money, over the real server."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import httpx
import pytest
from lxml import html

from armsgraph.money import format_money
from armsgraph.ontology import registry


def get(server, path: str) -> httpx.Response:
    r = httpx.get(server.url + path, timeout=60)
    assert r.status_code == 200, (path, r.status_code, r.text[:300])
    return r


def all_events(server, query: str = "") -> list[dict]:
    out, offset = [], 0
    while True:
        page = get(server, f"/api/events?limit=200&offset={offset}&{query}").json()
        out += page["events"]
        offset += 200
        if offset >= page["total"]:
            return out


def year(e: dict) -> str | None:
    when = ((e["time"] or {}).get("start") or e["first_seen"] or "")[:4]
    return when if when.isdigit() else None


def table(doc, css_class: str) -> dict[str, dict[str, str]]:
    """A trend table as a reader sees it: {year: {column header: cell text}}."""
    t = doc.xpath(f"//table[contains(@class, '{css_class}')]")[0]
    heads = [th.text_content().strip() for th in t.xpath(".//thead//th")]
    return {
        tr.xpath("./td")[0].text_content().strip(): {
            h: td.text_content().strip() for h, td in zip(heads, tr.xpath("./td"), strict=True)
        }
        for tr in t.xpath(".//tbody/tr")
    }


def test_home_answers_head_and_get(readonly_server):
    head = httpx.head(readonly_server.url + "/")
    assert head.status_code == 200 and head.headers["content-type"].startswith("text/html")
    page = get(readonly_server, "/").text
    assert "Events per year, by type" in page and "Value of deals per year (USD)" in page


def test_home_trend_tables_count_the_events_by_year_and_type(readonly_server):
    evs = all_events(readonly_server)
    want = Counter((year(e), e["type"]) for e in evs if year(e))
    doc = html.fromstring(get(readonly_server, "/").text)
    got = table(doc, "events-by-year")
    assert got, "no rows in the trend table"
    seen = Counter()
    for tr in doc.xpath("//table[contains(@class,'events-by-year')]/tbody/tr"):
        for item in tr.xpath(".//span[@class='type-count']"):
            seen[(tr.get("data-year"), item.get("data-type"))] = int(item.xpath("./b")[0].text)
    for y, cells in got.items():
        assert int(cells["Events"]) == sum(n for (yy, _), n in want.items() if yy == y)
    assert seen == want
    # The Egypt F-16 delivery (two reports) is one arms sale of 2015.
    assert seen[("2015", "arms_sale")] >= 1
    # Undated events are counted apart, and said to be.
    undated = sum(1 for e in evs if not year(e))
    note = html.fromstring(get(readonly_server, "/").text).xpath(
        "//p[contains(@class,'chart-note')]"
    )
    if undated:
        assert f"{undated} undated event" in note[0].text_content()


def test_value_per_year_sums_deals_in_dollars_not_export_totals(readonly_server):
    evs = all_events(readonly_server)
    deals = {t for t, et in registry().items() if et.receiver_roles}
    want: dict[str, float] = defaultdict(float)
    for e in evs:
        v = e["value"] or {}
        if year(e) and e["type"] in deals and v.get("currency") == "USD" and v.get("amount"):
            want[year(e)] += v["amount"]
    doc = html.fromstring(get(readonly_server, "/").text)
    if not want:
        assert "No dated deal gives a value" in doc.text_content()
        return
    got = table(doc, "value-by-year")
    assert {y: c["Value (USD)"] for y, c in got.items()} == {
        y: format_money(v, "USD") for y, v in want.items()
    }
    # Türkiye's yearly exports ($7.5 billion, an export statistic of 2024) are no deal.
    assert "$7.5 billion" not in got.get("2024", {}).get("Value (USD)", "")


def test_api_trends_takes_the_filters(readonly_server):
    t = get(readonly_server, "/api/trends?type=arms_sale").json()
    assert set(t["types"]) <= {"arms_sale"} and t["by_type"]["2015"]["arms_sale"] >= 1
    everything = get(readonly_server, "/api/trends").json()
    assert sum(everything["events"].values()) + everything["undated"] == len(
        all_events(readonly_server)
    )


def test_the_bars_are_the_tables(readonly_server):
    doc = html.fromstring(get(readonly_server, "/").text)
    bars = doc.xpath("//svg[contains(@class,'events-chart')]//rect[@class='bar']")
    per_year = Counter()
    for b in bars:
        n = int(re.match(r"\d{4}: (\d+) ", b.xpath("./title")[0].text).group(1))
        per_year[b.get("data-year")] += n
        assert b.get("fill") == registry()[b.get("data-type")].colour
    rows = table(doc, "events-by-year")
    assert per_year == Counter({y: int(c["Events"]) for y, c in rows.items()})


@pytest.mark.parametrize("actor", ["country:PAK", "country:EGY", "country:USA"])
def test_actor_page_counts_what_the_events_table_lists(readonly_server, actor):
    total = get(readonly_server, f"/api/events?actor={actor}&limit=1").json()["total"]
    doc = html.fromstring(get(readonly_server, f"/actors/{actor}").text)
    shown = doc.xpath("//span[@class='n-events']")[0].text_content()
    assert shown.startswith(f"{total} event")
    assert len(doc.xpath("//li[@class='tl-event']")) == total
    assert get(readonly_server, f"/api/actors/{actor}").json()["n_events"] == total
    listed = {
        a["id"]: a["n_events"] for a in get(readonly_server, "/api/actors?type=country").json()
    }
    assert listed[actor] == total


def test_a_country_page_shows_its_organizations_events(readonly_server):
    """NESCOM (Pakistan's) co-produces the Anka with TAI: an event of Pakistan's."""
    doc = html.fromstring(get(readonly_server, "/actors/country:PAK").text)
    timeline = doc.xpath("//section[@id='actor-timeline']")[0].text_content()
    assert "as partner (National Engineering and Scientific Commission)" in timeline
    partners = doc.xpath("//section[@id='actor-partners']")[0].text_content()
    assert "Turkish Aerospace Industries" in partners
    assert "National Engineering and Scientific Commission" not in partners  # its own


def test_money_reads_as_words(readonly_server):
    evs = all_events(readonly_server, "type=export_statistic")
    ev = next(e for e in evs if (e["value"] or {}).get("amount") == 7.5e9)
    page = html.fromstring(get(readonly_server, f"/events/{ev['id']}").text)
    assert page.xpath("//span[@class='money']")[0].text_content() == "$7.5 billion"
    assert "7500000000" not in get(readonly_server, f"/events/{ev['id']}").text
