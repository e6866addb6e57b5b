"""Fixtures for ingest tests: fixture paths, a real HTTP server on 127.0.0.1, WARC writing."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    release: threading.Event


def _handler_for(routes: dict[str, tuple[int, str, bytes]], release: threading.Event):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/slow":
                # Holds the answer until the test ends, far past the client's timeout.
                release.wait(10)
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            status, ctype, body = routes.get(self.path, (404, "text/html", b"<h1>Not found</h1>"))
            body = body.replace(b"{base}", base.encode())
            try:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (the timeout test)

        def log_message(self, *args) -> None:
            pass

    return Handler


@pytest.fixture
def http_server() -> Iterator[str]:
    """Base URL of a server that serves the ingest fixtures and some failing routes."""
    article = (FIXTURES / "article.html").read_bytes()
    linked_feed = (
        (FIXTURES / "feed.rss")
        .read_bytes()
        .replace(
            b"https://defencewire.example/2024/11/turkiye-pakistan-drones", b"{base}/article.html"
        )
        .replace(b"https://defencewire.example/2024/11/egypt-abrams", b"{base}/missing")
    )
    routes = {
        "/article.html": (200, "text/html; charset=utf-8", article),
        "/article": (200, "text/html", article),
        "/feed.rss": (200, "application/rss+xml", (FIXTURES / "feed.rss").read_bytes()),
        "/feed.atom": (200, "application/atom+xml", (FIXTURES / "feed.atom").read_bytes()),
        "/links.rss": (200, "application/rss+xml", linked_feed),
        "/feed-as-octets": (200, "application/octet-stream", (FIXTURES / "feed.rss").read_bytes()),
        "/notes.txt": (200, "text/plain; charset=utf-8", (FIXTURES / "report.txt").read_bytes()),
        "/corpus.jsonl": (200, "application/x-ndjson", (FIXTURES / "corpus.jsonl").read_bytes()),
        "/broken": (500, "text/html", b"<h1>Internal Server Error</h1>"),
        "/boilerplate": (200, "text/html", (FIXTURES / "boilerplate_only.html").read_bytes()),
        "/slow": (200, "text/html", article),
    }
    release = threading.Event()
    server = _Server(("127.0.0.1", 0), _handler_for(routes, release))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        release.set()
        server.shutdown()
        server.server_close()


def write_warc(path: Path, pages: list[tuple[str, str, bytes]], *, gzip: bool = False) -> None:
    """Write a WARC of response records: (url, content type, body) each, dated 2024-11-26."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        for url, ctype, body in pages:
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": "2024-11-26T10:00:00Z"},
            )
            writer.write_record(record)


@pytest.fixture
def make_warc():
    return write_warc
