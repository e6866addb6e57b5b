"""Hostile strings and requests, on SQLite and PostgreSQL: terminal escapes in names, URLs and
titles reach the terminal as visible escapes; LIKE wildcards in filters are plain text; the
web app answers only the host names it serves (DNS rebinding), also on [::1]."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from armsgraph.serve.app import create_app
from armsgraph.store.store import Store

ROOT = Path(__file__).resolve().parents[2]
# An OSC 8 hyperlink (ESC ] 8 ;; URL BEL), a screen clear (CSI 2J), a window-title change
# (OSC 0) and a newline that would forge a second output line.
OSC8 = "\x1b]8;;https://evil.example/\x07click here\x1b]8;;\x07"
CLEAR = "\x1b[2J"
TITLE = "\x1b]0;pwned\x07"
FORGED = "\nskipped: nothing to see"
DEAL = "Egypt signed a contract for 12 F-16 fighter jets with the United States in May."


def _warc(path: Path, url: str, body: bytes) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=False)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=http
        )
        writer.write_record(record)
    return path


def _no_raw_controls(text: str) -> None:
    """No escape sequence or bell from the inputs reached the output; the forged line did not
    become a line of its own."""
    assert "\x1b]" not in text and CLEAR not in text and "\x07" not in text
    assert not any(line.startswith("skipped: nothing to see") for line in text.splitlines())


def test_control_characters_in_names_urls_and_titles_reach_the_terminal_escaped(
    db_url, tmp_path, kit
):
    folder = tmp_path / "in"
    folder.mkdir()
    osc8_name = "\x1b]8;;http:evil.example\x07click here\x1b]8;;\x07"  # no "/" in a name
    evil_name = f"report {osc8_name}{CLEAR}{FORGED}.txt"
    (folder / evil_name).write_bytes(b"\x00\x01binary\x00" * 100)
    _warc(
        folder / "crawl.warc",
        f"https://news.example/{OSC8}",
        b"<html><body><nav>Home | News</nav></body></html>",
    )
    records = [
        {"id": "evil-title", "title": f"{TITLE}{CLEAR}Deal{FORGED}", "url": f"https://x.example/{OSC8}",
         "published": "2024-05-02", "text": DEAL},
        {"id": "evil-date", "published": f"{OSC8}", "text": "Poland ordered K2 tanks."},
    ]  # fmt: skip
    kit.write_jsonl(folder / "c.jsonl", records)
    done = subprocess.run(
        kit.armsgraph_cmd("ingest", str(folder), "--db", db_url),
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 1, done.stderr
    out = done.stdout + done.stderr
    _no_raw_controls(out)
    assert "\x1b" not in out  # piped: not even a color of our own
    skipped = [line for line in out.splitlines() if line.startswith("skipped: ")]
    # Each bad input on one line, its name's controls shown as escapes.
    (name_line,) = [line for line in skipped if "report " in line]
    assert "report \\x1b]8;;http:evil.example\\x07click here" in name_line
    assert "\\x1b[2J\\nskipped: nothing to see.txt: binary file, not text" in name_line
    (warc_line,) = [line for line in skipped if "crawl.warc" in line]
    assert "(https://news.example/\\x1b]8;;https://evil.example/\\x07click" in warc_line
    (date_line,) = [line for line in skipped if "c.jsonl:2" in line]
    assert "cannot read the date" in date_line and "\\x1b]8;;" in date_line
    with Store(db_url) as store:
        (ev,) = store.events(limit=None)
        stored = store.document("evil-title")
    assert stored["title"] == f"{TITLE}{CLEAR}Deal{FORGED}"  # stored as given, shown inert
    shown = subprocess.run(  # as on a terminal: Rich writes its own colors, only those
        kit.armsgraph_cmd("show", ev["id"], "--db", db_url),
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "FORCE_COLOR": "1"},
    )
    assert shown.returncode == 0, shown.stderr
    _no_raw_controls(shown.stdout)
    assert "\\x1b]0;pwned\\x07\\x1b[2JDeal\\nskipped: nothing to see" in shown.stdout
    assert "https://x.example/\\x1b]8;;https://evil.example/\\x07click here" in shown.stdout
    table = subprocess.run(
        kit.armsgraph_cmd("extract", str(folder / "c.jsonl")),
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "FORCE_COLOR": "1"},
    )
    assert table.returncode == 1  # the bad date's line
    _no_raw_controls(table.stdout + table.stderr)
    assert "\\x1b]0;pwned" in table.stdout  # the title heads the report's table
    as_json = subprocess.run(
        kit.armsgraph_cmd("show", ev["id"], "--db", db_url, "--format", "json"),
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    _no_raw_controls(as_json.stdout)
    assert json.loads(as_json.stdout)["sources"][0]["title"] == stored["title"]  # exact data


def test_like_wildcards_in_filters_are_plain_text(db_url, report, sale_spec, kit):
    """`q=_` matched every event: % and _ (and the escape character) now stand for
    themselves in the text, system, actor and actor-name filters."""
    texts = [
        "Egypt ordered F-16 jets from the United States.",
        "Poland will pay 100% of the cost of F-16 jets from the United States.",
        "Turkey sold Bayraktar TB2 to Pakistan under plan_b.",
    ]
    specs = [
        sale_spec("agreed"),
        sale_spec("agreed", buyer="Poland"),
        sale_spec("agreed", seller="Turkey", buyer="Pakistan", system="Bayraktar TB2"),
    ]
    with Store(db_url) as store:
        for i, (text, spec) in enumerate(zip(texts, specs, strict=True)):
            store.add(report(text, [spec], published=f"2024-0{i + 1}-01"))
        assert len(store.events(limit=None)) == 3

        def texts_of(**f) -> list[str]:
            return sorted(
                store.event(e["id"])["sources"][0]["text"] for e in store.events(limit=None, **f)
            )

        assert texts_of(text="_") == [texts[2]]
        assert texts_of(text="%") == [texts[1]]
        assert texts_of(text="0%") == [texts[1]]
        assert texts_of(text="\\") == []
        assert texts_of(text="F_16") == []
        assert texts_of(system="_") == [] and texts_of(system="%") == []
        assert texts_of(actor="%") == [] and texts_of(actor="_") == []
        assert store.actors(q="%") == [] and store.actors(q="_") == []
        with kit.served(create_app(store)) as port:
            for q, n in (("_", 1), ("%", 1), ("%25", 0), ("__", 0), ("plan_b", 1)):
                status, _, body = kit.http(port, "/api/events?" + f"q={q.replace('%', '%25')}")
                assert status == 200 and json.loads(body)["total"] == n, (q, body)


def test_the_app_answers_only_requests_addressed_to_the_host_it_serves(db_url, kit):
    """A page of another site whose name was rebound to 127.0.0.1 sends its own name as
    Host: it gets 400, not the store."""
    with Store(db_url) as store:
        app = create_app(store, host="127.0.0.1", allowed_hosts=("arms.example.org",))
        with kit.served(app) as port:
            for host in (f"127.0.0.1:{port}", f"localhost:{port}", "LOCALHOST", f"[::1]:{port}",
                         "arms.example.org", f"arms.example.org.:{port}"):  # fmt: skip
                status, _, body = kit.http(port, "/api/stats", host=host)
                assert status == 200, (host, body)
            for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example",
                         "localhost.evil.example", "::1", "[::1]x", "", "127.0.0.1:port"):  # fmt: skip
                for path in ("/api/stats", "/events", "/static/app.css", "/openapi.json"):
                    status, headers, body = kit.http(port, path, host=host)
                    assert status == 400, (host, path, status)
                    assert "the Host header names another site" in body
                    assert headers["x-frame-options"] == "DENY"


def test_serve_on_ipv6_loopback_works_and_checks_the_host(db_url, kit):
    db = str(db_url)
    Store(db).close()
    port = kit.free_port("::1")
    proc = subprocess.Popen(
        kit.armsgraph_cmd("serve", "--db", db, "--host", "[::1]", "--port", str(port)),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        while proc.poll() is None:
            try:
                socket.create_connection(("::1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        status, _, body = kit.http(port, "/api/stats", address="::1")
        assert status == 200 and json.loads(body)["events"] == 0
        status, _, _ = kit.http(port, "/api/stats", address="::1", host=f"evil.example:{port}")
        assert status == 400
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
