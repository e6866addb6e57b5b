"""Fixtures for the fault and hostile-input tests: the `armsgraph` command run as a user runs
it (a subprocess), a generated corpus whose reports merge, what a user sees of a store, and
the real web app served on 127.0.0.1 (or ::1)."""

from __future__ import annotations

import json
import random
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from armsgraph.store.store import Store

ROOT = Path(__file__).resolve().parents[2]

# A few deals reported again and again (plans, contracts, deliveries, in three years), so
# that reports merge into known events and some events merge with each other.
DEALS = [
    ("Egypt", "the United States", "F-16 fighter jets"),
    ("Poland", "South Korea", "K2 tanks"),
    ("Pakistan", "China", "J-10C fighters"),
    ("Indonesia", "France", "Rafale fighters"),
    ("Romania", "Turkey", "Bayraktar TB2 drones"),
]
VERBS = [
    "plans to buy",
    "signed a contract for",
    "took delivery of the first",
    "is in talks to buy",
]


def reports(n: int, *, seed: int = 13, prefix: str = "r", deals: list | None = None) -> list[dict]:
    """`n` JSON Lines records of short reports of a few deals (fixed seed)."""
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        buyer, seller, system = rnd.choice(deals or DEALS)
        year = rnd.choice([2019, 2021, 2024])
        text = (
            f"Report {prefix}{i}. {buyer} {rnd.choice(VERBS)} {rnd.randint(2, 40)} {system} "
            f"from {seller} in {year}, officials said on the record number {i}."
        )
        out.append(
            {
                "id": f"{prefix}{i:03d}",
                "published": f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "text": text,
            }
        )
    return out


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def corpus300(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 reports of five deals, as one JSON Lines file."""
    return write_jsonl(tmp_path_factory.mktemp("corpus") / "c300.jsonl", reports(300))


def armsgraph_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "armsgraph.cli.main", *args]


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess]:
    """Run `armsgraph ARGS...` in a new process; returns its exit code, stdout and stderr."""

    def run(*args: str, **kwargs: Any) -> subprocess.CompletedProcess:
        return subprocess.run(
            armsgraph_cmd(*args), capture_output=True, text=True, check=False, cwd=ROOT, **kwargs
        )

    return run


def count_documents(db: str) -> int:
    """Documents stored in `db` (a SQLite path or a PostgreSQL URL), 0 before the schema
    exists; read without the Store, as another program would."""
    if "://" not in db:
        if not Path(db).exists():
            return 0
        try:
            con = sqlite3.connect(db, timeout=5)
            try:
                return con.execute("SELECT count(*) FROM documents").fetchone()[0]
            finally:
                con.close()
        except sqlite3.OperationalError:  # no table yet
            return 0
    import psycopg

    url = db.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as con:
        try:
            return con.execute("SELECT count(*) FROM documents").fetchone()[0]
        except psycopg.errors.UndefinedTable:
            return 0


def snapshot(db: str) -> dict[str, Any]:
    """What a user sees of a store: every event in full (by id), the table counts, and the
    id each issued event id opens."""
    with Store(db) as store:
        events = {e["id"]: store.event(e["id"]) for e in store.events(limit=None)}
        stats = store.stats()
        from sqlalchemy import select

        from armsgraph.store.schema import event_ids

        with store.connect() as conn:
            ids = {r.id: r.event_id for r in conn.execute(select(event_ids))}
    return {"stats": stats, "events": events, "ids": ids}


def check_whole_documents(db: str) -> int:
    """Every stored document is whole: its extraction is stored and each event it gave is
    a source of a stored event; every event has its reports, participants' graph row and
    its id. Returns the number of documents."""
    from sqlalchemy import func, select

    from armsgraph.store.schema import (
        documents,
        event_graph,
        event_ids,
        event_sources,
        events,
        extractions,
    )

    with Store(db) as store, store.connect() as conn:
        docs = set(conn.execute(select(documents.c.id)).scalars())
        extracted = dict(conn.execute(select(extractions.c.document_id, extractions.c.json)).all())
        assert set(extracted) == docs, "a document without its extraction"
        sources = dict(
            conn.execute(
                select(event_sources.c.document_id, func.count()).group_by(
                    event_sources.c.document_id
                )
            ).all()
        )
        for doc_id, raw in extracted.items():
            assert sources.get(doc_id, 0) == len(json.loads(raw).get("events", [])), doc_id
        rows = conn.execute(select(events.c.id, events.c.n_sources)).all()
        n_docs = dict(
            conn.execute(
                select(
                    event_sources.c.event_id, func.count(func.distinct(event_sources.c.document_id))
                ).group_by(event_sources.c.event_id)
            ).all()
        )
        graphs = set(conn.execute(select(event_graph.c.event_id)).scalars())
        registry = dict(conn.execute(select(event_ids.c.id, event_ids.c.event_id)).all())
        for event_id, n_sources in rows:
            assert n_docs.get(event_id) == n_sources, event_id
            assert event_id in graphs, event_id
            assert registry.get(event_id) == event_id, event_id
        if "://" not in db:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    return len(docs)


def free_port(host: str = "127.0.0.1") -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


@contextmanager
def served(app: Any, host: str = "127.0.0.1") -> Iterator[int]:
    """The app served by uvicorn on `host` in a thread; yields the port."""
    import uvicorn

    port = free_port(host)
    server = uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)


def http(
    port: int, path: str, *, host: str | None = None, method: str = "GET", body: Any = None,
    headers: dict[str, str] | None = None, address: str = "127.0.0.1",
) -> tuple[int, dict[str, str], str]:  # fmt: skip
    """One request with exactly the Host header given (None: the address and port);
    returns status, headers and body. http.client sends the Host we say, as a browser
    tricked by DNS rebinding would."""
    import http.client

    con = http.client.HTTPConnection(address, port, timeout=30)
    try:
        data = None
        hdrs = dict(headers or {})
        if body is not None:
            data = json.dumps(body).encode() if not isinstance(body, (bytes, str)) else body
            if isinstance(data, str):
                data = data.encode()
            hdrs.setdefault("Content-Type", "application/json")
        con.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        shown = f"[{address}]" if ":" in address else address
        con.putheader("Host", host if host is not None else f"{shown}:{port}")
        for k, v in hdrs.items():
            con.putheader(k, v)
        if data is not None:
            con.putheader("Content-Length", str(len(data)))
        con.endheaders(data)
        resp = con.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read().decode()
    finally:
        con.close()


@pytest.fixture(scope="session")
def kit() -> Any:
    """The helpers above, for the test modules (conftest is not importable by name)."""
    from types import SimpleNamespace

    return SimpleNamespace(
        reports=reports,
        write_jsonl=write_jsonl,
        armsgraph_cmd=armsgraph_cmd,
        count_documents=count_documents,
        snapshot=snapshot,
        check_whole_documents=check_whole_documents,
        served=served,
        http=http,
        free_port=free_port,
    )
