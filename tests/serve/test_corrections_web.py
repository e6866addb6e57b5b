"""Correcting an event on its web page, through headless Chromium and plain HTTP: with the
write token the form records the correction; without it (a read-only server, a wrong
token) nothing is stored; the page shows who corrected what, when and why."""

from __future__ import annotations

import httpx
import pytest

from armsgraph.store.store import Store

pytestmark = pytest.mark.browser
TOKEN = "corrections-token-7c1e"


@pytest.fixture(scope="module")
def rw(serve_copy):
    """A writable server over its own copy of the sample store (corrections stay there)."""
    return serve_copy(TOKEN)


def _one_correction(db) -> None:
    with Store(db) as store:
        ev = store.events(type="arms_sale", actor="Egypt")[0]
        store.correct(ev["id"], by="desk", status="agreed", note="contract, not delivery")


@pytest.fixture(scope="module")
def ro(serve_copy):
    """A read-only server over a copy of the sample store with one correction made by the library."""
    return serve_copy(None, _one_correction)


def an_arms_sale(server) -> dict:
    found = httpx.get(f"{server.url}/api/events", params={"type": "arms_sale", "limit": 50})
    return next(e for e in found.json()["events"] if not e["corrected"])


def event_count(page, url: str) -> int:
    page.goto(url)
    return int(page.inner_text("h1 .count").split()[0])


def fill_correction(page, **fields: str) -> None:
    if page.get_attribute("details.correct", "open") is None:
        page.click("details.correct summary")
    for name in ("status", "role", "visibility"):
        if name in fields:
            page.select_option(f"form.correct select[name={name}]", fields[name])
    for name in ("entities", "by", "token"):
        if name in fields:
            page.fill(f"form.correct input[name={name}]", fields[name])
    if "note" in fields:
        page.fill("form.correct textarea[name=note]", fields["note"])


def test_correct_an_event_on_its_page(rw, page, shot):
    ev = an_arms_sale(rw)
    url = f"{rw.url}/events/{ev['id']}"
    before = event_count(page, rw.url + "/events")
    page.goto(url)
    assert page.locator("ul.corrected-list").count() == 0
    fill_correction(
        page,
        status="cancelled",
        role="seller",
        entities="country:FRA",
        note="<b>seller</b> misread",
        by="ana",
        token=rw.token,
    )
    shot(page, "correct-form")
    with page.expect_navigation():
        page.click("form.correct button[type=submit]")
    assert page.url.startswith(url + "?corrected=1")
    assert "Correction saved" in page.inner_text("p.notice")
    items = page.locator("ul.corrected-list li").all_inner_texts()
    assert len(items) == 2
    assert all(
        " · ana · " in i and "“<b>seller</b> misread”" in i for i in items
    )  # text, not markup
    assert "status: " in items[0] and items[0].split(" · ")[2].endswith("→ cancelled")
    assert "→ France (country:FRA)" in items[1]
    assert page.locator("ul.corrected-list b.by").count() == 2  # ours; the note made none
    assert "France" in page.inner_text("section.facts-grid")
    assert "cancelled" in page.inner_text("dl.kv")
    shot(page, "corrected")

    # Hidden: gone from the events table, back with "hidden too"; the page says so.
    fill_correction(page, visibility="hide", note="duplicate", by="ana", token=rw.token)
    with page.expect_navigation():
        page.click("form.correct button[type=submit]")
    assert "Hidden by an analyst" in page.inner_text("p.hidden-event")
    # Its report still lists it, marked.
    page.goto(rw.url + page.get_attribute("article.source h3 a", "href"))
    assert "hidden by an analyst" in page.inner_text("ul.doc-events")
    assert event_count(page, rw.url + "/events") == before - 1
    assert ev["id"] not in page.content()
    assert event_count(page, rw.url + "/events?include_hidden=1") == before
    row = page.locator("table.events tr", has=page.locator(f"a[href='/events/{ev['id']}']"))
    assert "corrected" in row.inner_text()
    assert page.is_checked("form.filters input[name=include_hidden]")
    assert page.problems == [], page.problems


def test_a_correction_that_cannot_apply_comes_back_with_the_fix(rw, page):
    ev = an_arms_sale(rw)
    page.goto(f"{rw.url}/events/{ev['id']}")
    fill_correction(page, role="seller", entities="Atlantis", by="ana", token=rw.token)
    with page.expect_response(lambda r: r.request.method == "POST") as info:
        page.click("form.correct button[type=submit]")
    assert info.value.status == 400
    assert "no entity 'Atlantis'" in page.inner_text("details.correct p.notice.error")
    assert page.input_value("form.correct input[name=entities]") == "Atlantis"
    assert page.locator("ul.corrected-list").count() == 0
    # A wrong token: refused, nothing stored.
    fill_correction(page, status="agreed", by="ana", token=rw.token + "x")
    with page.expect_response(lambda r: r.request.method == "POST") as info:
        page.click("form.correct button[type=submit]")
    assert info.value.status == 403
    assert "wrong or missing write token" in page.inner_text("main")
    with Store(rw.db) as store:
        assert store.corrections(ev["id"]) == []
    assert len(page.problems) == 2 and all("400" in p or "403" in p for p in page.problems), (
        page.problems
    )


def test_a_read_only_server_shows_corrections_but_no_form(ro, page):
    with Store(ro.db) as store:
        (c,) = store.corrections()
    page.goto(f"{ro.url}/events/{c['event_id']}")
    assert page.locator("details.correct").count() == 0
    (item,) = page.locator("ul.corrected-list li").all_inner_texts()
    assert " · desk · " in item and "→ agreed" in item and "“contract, not delivery”" in item
    answer = httpx.post(
        f"{ro.url}/events/{c['event_id']}/corrections",
        data={"token": "anything", "by": "x", "status": "cancelled"},
    )
    assert answer.status_code == 403 and "read-only" in answer.text
    api = httpx.get(f"{ro.url}/api/events/{c['event_id']}").json()
    assert api["corrected"] is True
    assert [(x["field"], x["new"], x["by"]) for x in api["corrections"]] == [
        ("status", "agreed", "desk")
    ]
    with Store(ro.db) as store:
        assert len(store.corrections()) == 1
    assert page.problems == [], page.problems


def test_the_json_api_corrects_with_the_token_and_lists(rw):
    ev = an_arms_sale(rw)
    url = f"{rw.url}/api/events/{ev['id']}/corrections"
    body = {"by": "api", "status": "agreed", "roles": {"buyer": ["Poland"]}, "note": "per DSCA"}
    assert httpx.post(url, json=body).status_code == 403
    assert httpx.post(url, json=body, headers={"X-Write-Token": "nope"}).status_code == 403
    bad = httpx.post(
        url, json={"by": "api", "roles": {"sellr": []}}, headers={"X-Write-Token": TOKEN}
    )
    assert bad.status_code == 400 and "no role 'sellr'" in bad.json()["detail"]
    done = httpx.post(url, json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert done.status_code == 201
    assert [(c["field"], c["new"]) for c in done.json()["corrections"]] == [
        ("status", "agreed"),
        ("role:buyer", "Poland (country:POL)"),
    ]
    listed = httpx.get(f"{rw.url}/api/corrections", params={"event": ev["id"]}).json()
    assert [c["by"] for c in listed["corrections"]] == ["api", "api"]
    shown = httpx.get(f"{rw.url}/api/events/{ev['id']}").json()
    assert shown["status"] == "agreed" and shown["corrected"] is True
    assert "country:POL" in {p["entity_id"] for p in shown["participants"] if p["role"] == "buyer"}
    hide = {"by": "api", "hidden": True}
    assert httpx.post(url, json=hide, headers={"X-Write-Token": TOKEN}).status_code == 201
    ids = {
        e["id"] for e in httpx.get(f"{rw.url}/api/events", params={"limit": 200}).json()["events"]
    }
    assert ev["id"] not in ids
    every = httpx.get(f"{rw.url}/api/events", params={"limit": 200, "include_hidden": 1})
    assert ev["id"] in {e["id"] for e in every.json()["events"]}
