"""Real parts for the watch tests: feeds served over HTTP on 127.0.0.1 whose entries change
between polls, a webhook receiver, a local SMTP server (aiosmtpd), the `armsgraph` command
in its own process and the web app served by `armsgraph serve`."""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = "webhook-secret-7d1c"
WRITE_TOKEN = "watch-write-token-51ab"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- feeds --------------------------------------------------------------------------------------


@dataclass
class Entry:
    guid: str
    title: str
    link: str
    published: str  # YYYY-MM-DD
    text: str


def rss(entries: list[Entry], title: str = "Defense wire") -> bytes:
    items = "".join(
        f"<item><guid>{escape(e.guid)}</guid><title>{escape(e.title)}</title>"
        f"<link>{escape(e.link)}</link>"
        f"<pubDate>{format_datetime(datetime.fromisoformat(e.published).replace(hour=9, tzinfo=UTC))}</pubDate>"
        f"<description>{escape(e.text)}</description></item>"
        for e in entries
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}'
        f"</title><link>http://127.0.0.1/</link><description>news</description>{items}"
        "</channel></rss>"
    ).encode()


def atom(entries: list[Entry], title: str = "Second wire") -> bytes:
    items = "".join(
        f"<entry><id>{escape(e.guid)}</id><title>{escape(e.title)}</title>"
        f'<link href="{escape(e.link)}"/><updated>{e.published}T09:00:00Z</updated>'
        f'<content type="text">{escape(e.text)}</content></entry>'
        for e in entries
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>urn:test:{escape(title)}</id><title>{escape(title)}</title>"
        f"<updated>2025-06-12T09:00:00Z</updated>{items}</feed>"
    ).encode()


class FeedServer:
    """Serves documents set by the test at paths, with ETag and Last-Modified, answering
    304 to a conditional request for what has not changed. A path may fail (its status) or
    be held: the request waits until released (to kill a poller in the middle of it)."""

    def __init__(self) -> None:
        self.docs: dict[str, tuple[bytes, str]] = {}
        self.fail: dict[str, int] = {}
        self.hold: set[str] = set()
        self.held = threading.Event()  # a request to a held path has arrived
        self.release = threading.Event()
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                with server.lock:
                    server.requests.append({"path": path, "headers": dict(self.headers)})
                    doc = server.docs.get(path)
                    status = server.fail.get(path)
                    hold = path in server.hold
                if hold:
                    server.held.set()
                    server.release.wait(60)
                if status:
                    self.send_error(status)
                    return
                if doc is None:
                    self.send_error(404)
                    return
                body, ctype = doc
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", "Wed, 11 Jun 2025 09:00:00 GMT")
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def set(self, path: str, body: bytes, ctype: str) -> None:
        with self.lock:
            self.docs[path] = (body, ctype)

    def hits(self, path: str) -> list[dict[str, Any]]:
        with self.lock:
            return [r for r in self.requests if r["path"] == path]

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()


# -- the webhook receiver -----------------------------------------------------------------------


class WebhookReceiver:
    """Records every POST; answers 500 to the first `fail_first` of them (and to all while
    `down`), 200 to the rest. `acknowledged` holds the bodies it answered 200 to and whose
    signature was right: what the receiver has processed. With `hold_first`, the first POST
    waits until `release` and then fails (the receiver's own crash)."""

    def __init__(self, secret: str = SECRET, fail_first: int = 0) -> None:
        self.secret = secret
        self.fail_first = fail_first
        self.down = False
        self.hold_first = False
        self.held = threading.Event()
        self.release = threading.Event()
        self.posts: list[dict[str, Any]] = []
        self.acknowledged: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        recv = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                expected = (
                    "sha256=" + hmac.new(recv.secret.encode(), body, hashlib.sha256).hexdigest()
                )
                signed = hmac.compare_digest(
                    self.headers.get("X-Armsgraph-Signature", ""), expected
                )
                with recv.lock:
                    n = len(recv.posts)
                    recv.posts.append(
                        {"headers": dict(self.headers), "body": body, "signed": signed}
                    )
                    fail = recv.down or n < recv.fail_first
                    hold = recv.hold_first and n == 0
                if hold:
                    recv.held.set()
                    recv.release.wait(60)
                    fail = True
                if fail or not signed:
                    self.send_response(500 if signed else 401)
                    self.end_headers()
                    return
                with recv.lock:
                    recv.acknowledged.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def ids(self) -> list[str]:
        with self.lock:
            return [b["id"] for b in self.acknowledged]

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def webhook() -> Iterator[WebhookReceiver]:
    recv = WebhookReceiver(fail_first=1)
    yield recv
    recv.close()


# -- SMTP ---------------------------------------------------------------------------------------


class Mailbox:
    """An aiosmtpd server on 127.0.0.1 keeping every message it accepts."""

    def __init__(self, **controller: Any) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[email.message.EmailMessage] = []
        self.logins: list[str] = []
        box = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
                box.messages.append(msg)
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **controller)
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    yield box
    box.close()


# -- the command and the web app ----------------------------------------------------------------


def armsgraph(
    *args: str, env: dict[str, str] | None = None, **kwargs: Any
) -> subprocess.CompletedProcess:
    """Run `armsgraph ARGS...` in its own process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "armsgraph.cli.main", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=300,
        **kwargs,
    )


def wait_while_running(event: threading.Event, proc: subprocess.Popen, what: str) -> None:
    """Until `event` is set (bounded: 240 s); fails with the process's own words if it
    ended first."""
    for _ in range(2400):
        if event.wait(0.1):
            return
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"the process ended before {what}: {out}{err}")
    raise AssertionError(f"{what} did not happen")


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "armsgraph.cli.main", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


# A poll in the tests: every source now, no pause between requests to 127.0.0.1, and a
# failed delivery due again at the next poll.
POLL = ("poll", "--force", "--host-interval", "0", "--retry-after", "0")


def get(url: str) -> tuple[int, str, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.status, resp.read().decode("utf-8"), dict(resp.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8"), dict(err.headers)


@dataclass
class Served:
    url: str
    process: subprocess.Popen
    log: list[str] = field(default_factory=list)


@pytest.fixture
def serve() -> Iterator[Callable[[str], Served]]:
    """Start `armsgraph serve --db DB` on a free port; waits (bounded) until it answers."""
    running: list[subprocess.Popen] = []

    def run(db: str, *extra: str) -> Served:
        port = free_port()
        proc = start("serve", "--db", db, "--port", str(port), *extra)
        running.append(proc)
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                get(url + "/api/stats")
                return Served(url, proc)
            except OSError:
                if proc.poll() is not None:
                    raise AssertionError(f"serve exited: {proc.stderr.read()}") from None
                time.sleep(0.1)
        raise AssertionError("serve did not answer")

    yield run
    for proc in running:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def openssl() -> str:
    found = shutil.which("openssl")
    if not found:
        pytest.skip("openssl is needed to make the SMTP server's certificate")
    return found


@pytest.fixture(scope="session")
def kit() -> Any:
    """The helpers above, for the test modules (conftest is not importable under importlib)."""
    from types import SimpleNamespace

    return SimpleNamespace(
        Entry=Entry,
        rss=rss,
        atom=atom,
        armsgraph=armsgraph,
        start=start,
        POLL=POLL,
        get=get,
        SECRET=SECRET,
        WRITE_TOKEN=WRITE_TOKEN,
        openssl=openssl,
        Mailbox=Mailbox,
        WebhookReceiver=WebhookReceiver,
        free_port=free_port,
        wait_while_running=wait_while_running,
    )
