"""Fixtures for the web app: a real SQLite store from the shipped sample reports, the real
app served by uvicorn on 127.0.0.1, and Debian's headless Chromium driven by Playwright.

The store gets what the extractor finds in src/armsgraph/data/samples/reports.jsonl, plus
hand-built Extraction records for three of those reports (evidence spans cut from their
real text), so the pages have arms sales, co-production and upgrades whatever the
extractor's current recall.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from armsgraph.model import (
    Document,
    Entity,
    Event,
    Extraction,
    Money,
    Participant,
    Quantity,
    Span,
    TimeExpr,
)
from armsgraph.store.ingest import ingest
from armsgraph.store.store import Store

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "src/armsgraph/data/samples/reports.jsonl"
ARTIFACTS = ROOT / "test-artifacts" / "serve"
CHROMIUM = "/usr/bin/chromium"
TOKEN = "test-write-token-4f9a"
SCRIPT_TITLE = "Leaked <script>window.__pwned=1</script> memo"
SCRIPT_TEXT = (
    "The United States delivered four F-16 fighter jets to Egypt, officials said. "
    "<script>window.__pwned=1</script> The aircraft joined the Egyptian Air Force fleet."
)


def sample_reports() -> dict[str, dict]:
    with SAMPLES.open(encoding="utf-8") as fh:
        return {d["id"]: d for d in map(json.loads, fh)}


def span(text: str, words: str) -> Span:
    """The span of `words` in `text` (they must occur: evidence is never invented)."""
    at = text.index(words)
    return Span(at, at + len(words), words)


class _Builder:
    """Collects entities (with their mentions) and events for one real document."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.entities: dict[str, Entity] = {}
        self.events: list[Event] = []

    def ent(self, eid: str, etype: str, name: str, country: str | None, *mention_texts: str) -> str:
        if eid not in self.entities:
            mentions = [
                span(self.doc.text, m) for m in (mention_texts or (name,)) if m in self.doc.text
            ]
            self.entities[eid] = Entity(eid, etype, name, country=country, mentions=mentions)
        return eid

    def event(
        self, etype: str, status: str, roles: list[tuple[str, str]], evidence: str, **kw
    ) -> None:
        self.events.append(
            Event(
                id=f"h{len(self.events)}",
                type=etype,
                status=status,
                participants=[Participant(r, e) for r, e in roles],
                evidence=[span(self.doc.text, evidence)],
                confidence=kw.pop("confidence", 0.9),
                **kw,
            )
        )

    def extraction(self) -> Extraction:
        return Extraction(self.doc, list(self.entities.values()), self.events)


def _doc(d: dict, **override) -> Document:
    return Document(
        text=override.get("text", d["text"]),
        id=override.get("id", d["id"]),
        url=d.get("url"),
        title=override.get("title", d.get("title")),
        published=override.get("published", d.get("published")),
        source=f"{SAMPLES.name}:{d['id']}",
    )


def handmade_extractions() -> list[Extraction]:
    """Extractions of real sample reports, built by hand with spans from their text."""
    reports = sample_reports()
    out = []

    # The seed report: drones assembled in Pakistan, co-production, upgrades, a clash.
    seed = _Builder(_doc(reports["seed-turkiye-pakistan-drones"]))
    tur = seed.ent("country:TUR", "country", "Türkiye", "TUR", "Turkiye")
    pak = seed.ent("country:PAK", "country", "Pakistan", "PAK")
    ind = seed.ent("country:IND", "country", "India", "IND")
    afg = seed.ent("country:AFG", "country", "Afghanistan", "AFG")
    tai = seed.ent("org:tusas", "organization", "Turkish Aerospace Industries", "TUR")
    nescom = seed.ent(
        "org:nescom", "organization", "National Engineering and Scientific Commission", "PAK"
    )
    anka = seed.ent("system:anka", "weapon_system", "Anka", "TUR", "Anka UAV")
    f16 = seed.ent("system:f-16", "weapon_system", "F-16", "USA", "F-16s")
    kaan = seed.ent("program:kaan", "program", "Kaan", "TUR")
    seed.event(
        "local_production",
        "proposed",
        [("provider", tur), ("host", pak)],
        "Turkiye is planning to establish a facility in Pakistan to assemble combat drones",
        attribution=None,
    )
    seed.event(
        "co_production",
        "agreed",
        [("partner", tai), ("partner", nescom), ("system", anka)],
        "Turkish Aerospace Industries (TAI) has signed agreements with Pakistan’s National "
        "Engineering and Scientific Commission (NESCOM) to jointly produce components for the Anka UAV",
    )
    seed.event(
        "upgrade",
        "completed",
        [("provider", tur), ("customer", pak), ("system", f16)],
        "it has upgraded dozens of Pakistan’s F-16s",
        quantity=Quantity("dozens", None, approximate=True, low=24),
    )
    seed.event(
        "program_participation",
        "proposed",
        [("owner", tur), ("participant", pak), ("program", kaan)],
        "Turkiye is also seeking Pakistan’s involvement in its Kaan fifth-generation fighter program",
    )
    seed.event(
        "export_statistic",
        "completed",
        [("exporter", tur)],
        "Turkiye’s defense exports, which grew by 30% this year to a record $7.5 billion",
        value=Money(7.5e9, "USD", "$7.5 billion"),
    )
    seed.event(
        "armed_clash",
        "completed",
        [("party", ind), ("party", pak)],
        "a military clash in May",
        time=TimeExpr("in May"),
    )
    seed.event(
        "armed_clash",
        "in_progress",
        [("party", pak), ("party", afg)],
        "ongoing clashes between Pakistan and Afghanistan over militant groups",
    )
    out.append(seed.extraction())

    # Four F-16s delivered to Egypt, and the same delivery in a feed summary (a second source).
    full = reports["embassy-egypt-four-f16-delivered"]
    for doc in (
        _doc(full, published="2015-10-29"),
        _doc(
            full,
            id="feed-egypt-f16-summary",
            text=full["text"].split("\n")[0],
            published="2015-10-30",
            title="Four F-16s arrive at Cairo West",
        ),
    ):
        b = _Builder(doc)
        usa = b.ent("country:USA", "country", "United States", "USA")
        egy = b.ent("country:EGY", "country", "Egypt", "EGY")
        eaf = b.ent("org:egyptian-air-force", "organization", "Egyptian Air Force", "EGY")
        f16 = b.ent("system:f-16", "weapon_system", "F-16", "USA")
        b.event(
            "arms_sale",
            "completed",
            [("seller", usa), ("buyer", egy), ("buyer", eaf), ("system", f16)],
            "four F-16 “Fighting Falcon” fighter jets delivered by the United States to the Egyptian Air Force",
            quantity=Quantity("four", 4.0),
            time=TimeExpr("On October 29", "2015-10-29"),
        )
        out.append(b.extraction())

    # M1A1 Abrams co-production in Egypt.
    m1 = _Builder(_doc(reports["embassy-egypt-m1a1-coproduction-resumes"]))
    usa = m1.ent("country:USA", "country", "United States", "USA")
    egy = m1.ent("country:EGY", "country", "Egypt", "EGY")
    abrams = m1.ent("system:m1a1-abrams", "weapon_system", "M1A1 Abrams", "USA", "M1A1 Abrams")
    m1.event(
        "co_production",
        "in_progress",
        [("partner", egy), ("partner", usa), ("system", abrams)],
        "Egypt and the United States celebrated the resumption of co-production of M1A1 Abrams Tanks",
        time=TimeExpr("On October 25", "2015-10-25", "2015-10-25"),
    )
    out.append(m1.extraction())

    # A hostile report: markup in its title and text must show as text, never run.
    hostile = _Builder(
        Document(
            text=SCRIPT_TEXT,
            id="hostile-script-report",
            title=SCRIPT_TITLE,
            url="javascript:window.__pwned=2",
            published="2016-01-05",
        )
    )
    usa = hostile.ent("country:USA", "country", "United States", "USA")
    egy = hostile.ent("country:EGY", "country", "Egypt", "EGY")
    hostile.event(
        "arms_sale",
        "completed",
        [("seller", usa), ("buyer", egy)],
        "<script>window.__pwned=1</script> The aircraft joined the Egyptian Air Force fleet.",
    )
    out.append(hostile.extraction())
    return out


def build_store(path: Path) -> Store:
    store = Store(path)
    for ex in handmade_extractions():
        store.add(ex)
    summary = ingest(store, [str(SAMPLES)])  # the other reports, through the real extractor
    assert not summary.skipped, summary.skipped
    return store


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with the sample reports, built once per session (copy it to write)."""
    path = tmp_path_factory.mktemp("serve-db") / "armsgraph.db"
    build_store(path).close()
    return path


@dataclass
class Server:
    url: str
    db: Path
    token: str | None


def _serve(db: Path, token: str | None) -> Iterator[Server]:
    import uvicorn

    from armsgraph.serve.app import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(str(db), write_token=token)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield Server(f"http://127.0.0.1:{port}", db, token)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        app.state.store.close()


@pytest.fixture(scope="session")
def server(built_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app with uploads allowed (token TOKEN), over its own copy of the sample store."""
    db = tmp_path_factory.mktemp("serve-rw") / "armsgraph.db"
    shutil.copy(built_db, db)
    yield from _serve(db, TOKEN)


@pytest.fixture(scope="session")
def readonly_server(built_db: Path) -> Iterator[Server]:
    """The app without a write token, over the session's sample store."""
    yield from _serve(built_db, None)


@pytest.fixture
def pg_readonly_server(pg_url: str) -> Iterator[Server]:
    """The app without a write token over the sample store built in PostgreSQL."""
    build_store(pg_url).close()
    yield from _serve(pg_url, None)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"{CHROMIUM} is absent: install Debian's chromium (apt-get install -y chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh browser page; `page.problems` collects console errors and page errors
    (a CSP violation shows up there), and the test fails if any appear."""
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    pg = context.new_page()
    problems: list[str] = []
    pg.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.problems = problems
    yield pg
    context.close()


def _shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def shot():
    """shot(page, name): a full-page screenshot in test-artifacts/serve/ (CI keeps it)."""
    return _shot


@pytest.fixture
def hostile() -> dict[str, str]:
    """The title and text of the stored report that carries a script tag."""
    return {"title": SCRIPT_TITLE, "text": SCRIPT_TEXT}


@pytest.fixture
def serve_store():
    """serve_store(db): the read-only app over another store, stopped after the test."""
    running = []

    def start(db: Path) -> Server:
        gen = _serve(db, None)
        running.append(gen)
        return next(gen)

    yield start
    for gen in running:
        gen.close()


@pytest.fixture(scope="module")
def serve_copy(built_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """serve_copy(token, prepare=None): the app over a fresh copy of the sample store, for
    tests that write (`prepare(path)` runs on the copy first); stopped after the module."""
    from contextlib import ExitStack, contextmanager

    def start(token: str | None, prepare=None) -> Server:
        db = tmp_path_factory.mktemp("serve-copy") / "armsgraph.db"
        shutil.copy(built_db, db)
        if prepare is not None:
            prepare(db)
        return stack.enter_context(contextmanager(_serve)(db, token))

    with ExitStack() as stack:
        yield start
