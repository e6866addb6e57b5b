"""Shared fixtures: a real SQLite file per test and a real PostgreSQL database per test.

PostgreSQL comes from ARMSGRAPH_TEST_PG (set by .ci/run); without it a throw-away server
is started from the machine's binaries (/usr/lib/postgresql/*/bin) for the session, and
tests needing it are skipped only when no binaries exist.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
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

PG_ENV = "ARMSGRAPH_TEST_PG"
SEED_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    """The seed report's folder (beside the checkout); skipped locally without it, a failure in CI."""
    if not (SEED_DIR / "dev.jsonl").exists():
        if os.environ.get("CI"):
            pytest.fail(f"the seed report is not at {SEED_DIR}, and CI must score it")
        pytest.skip(f"the seed report is not at {SEED_DIR}")
    return SEED_DIR


def _pg_bindir() -> str | None:
    found = shutil.which("initdb")
    if found:
        return str(Path(found).parent)
    cands = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0,
    )
    return str(Path(cands[-1]).parent) if cands else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a PostgreSQL database the tests may create databases from."""
    url = os.environ.get(PG_ENV)
    if url:
        yield url
        return
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip(
            f"no PostgreSQL: set {PG_ENV} or install PostgreSQL (initdb not found in PATH or /usr/lib/postgresql)"
        )
    root = tempfile.mkdtemp(prefix="armsgraph-test-pg-")
    as_root = os.geteuid() == 0
    prefix: list[str] = []
    if as_root:  # initdb refuses to run as root
        subprocess.run(["id", "postgres"], check=True, capture_output=True)
        shutil.chown(root, user="postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    data = os.path.join(root, "data")
    subprocess.run(
        [*prefix, f"{bindir}/initdb", "-D", data, "-U", "armsgraph", "--auth=trust"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [
            *prefix,
            f"{bindir}/pg_ctl",
            "-D",
            data,
            "-l",
            os.path.join(root, "log"),
            "-w",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off -c full_page_writes=off",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://armsgraph@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test (dropped afterwards)."""
    import sqlalchemy as sa

    name = "armsgraph_t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(pg_server).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def sqlite_path(tmp_path: Path) -> str:
    """A path for a fresh SQLite file."""
    return str(tmp_path / "armsgraph.db")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh database on each backend: a SQLite file path, then a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path / "armsgraph.db")
    return request.getfixturevalue("pg_url")


# Names the report builder knows: name -> (entity id as the extractor gives it, type, country).
KNOWN = {
    "Egypt": ("country:EGY", "country", "EGY"),
    "United States": ("country:USA", "country", "USA"),
    "Poland": ("country:POL", "country", "POL"),
    "Turkey": ("country:TUR", "country", "TUR"),
    "Pakistan": ("country:PAK", "country", "PAK"),
    "China": ("country:CHN", "country", "CHN"),
    # Namespaced ids the gazetteer does not hold, so names stay as written here.
    "F-16": ("test:f-16", "weapon_system", "USA"),
    "Bayraktar TB2": ("test:tb2", "weapon_system", "TUR"),
    "JF-17": ("test:jf-17", "weapon_system", "PAK"),
    "Baykar": ("test:baykar", "organization", "TUR"),
    # A document-local id: the store gives it a canonical id from its type and name.
    "Zorblax Z-1": ("e1", "weapon_system", None),
}


def build_report(
    text: str,
    events: list[dict],
    *,
    published: str | None = None,
    url: str | None = None,
    doc_id: str = "",
) -> Extraction:
    """A real Extraction for `text`: each event is {type, status, roles: {role: [names]}, ...}.

    Entities come from KNOWN, with a mention wherever the name occurs in the text; the
    evidence of each event is the whole text.
    """
    doc = Document(text=text, id=doc_id, published=published, url=url)
    ents: dict[str, Entity] = {}
    out_events = []
    for i, spec in enumerate(events):
        parts = []
        for role, names in spec["roles"].items():
            for name in names:
                eid, etype, country = KNOWN[name]
                if eid not in ents:
                    mentions = []
                    at = text.find(name)
                    if at >= 0:
                        mentions.append(Span(at, at + len(name), name))
                    ents[eid] = Entity(eid, etype, name, country=country, mentions=mentions)
                parts.append(Participant(role, eid))
        q = spec.get("quantity")
        out_events.append(
            Event(
                id=f"e{i}",
                type=spec["type"],
                status=spec["status"],
                participants=parts,
                evidence=[Span(0, len(text), text)],
                time=TimeExpr(spec["time"], spec.get("time_start"), spec.get("time_end"))
                if spec.get("time")
                else None,
                quantity=Quantity(str(q), float(q)) if q is not None else None,
                value=Money(*spec["value"]) if spec.get("value") else None,
                confidence=spec.get("confidence", 0.8),
            )
        )
    return Extraction(document=doc, entities=list(ents.values()), events=out_events)


def sale(
    status: str,
    *,
    seller: str = "United States",
    buyer: str = "Egypt",
    system: str | None = "F-16",
    **extra,
) -> dict:
    """An arms_sale event spec for build_report."""
    roles = {"seller": [seller], "buyer": [buyer]}
    if system:
        roles["system"] = [system]
    return {"type": "arms_sale", "status": status, "roles": roles, **extra}


# The three-report story: plan, contract, delivery of the same 12 aircraft.
STORY = [
    ("Egypt plans to buy 12 F-16 from the United States.", "proposed", "2024-03-05"),
    ("Egypt signed a contract for 12 F-16 with the United States.", "agreed", "2024-06-20"),
    ("The United States delivered the last of 12 F-16 to Egypt.", "completed", "2025-04-02"),
]


def story_reports() -> list[Extraction]:
    return [
        build_report(
            text, [sale(status, quantity=12)], published=published, url=f"https://news.example/{i}"
        )
        for i, (text, status, published) in enumerate(STORY)
    ]


@pytest.fixture
def report():
    """build_report, to make real Extraction records in tests."""
    return build_report


@pytest.fixture
def story():
    """The three reports of one deal (plan, contract, delivery), oldest first."""
    return story_reports()


@pytest.fixture
def sale_spec():
    return sale
