"""Bad input, as a careless user or a broken source gives it, on SQLite and PostgreSQL: dates
that cannot be read stop before anything is stored, a corrected date is applied, JSON Lines
fields of the wrong type are refused by line, and every bad file gives one line while the
rest is stored."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from typer.testing import CliRunner

from armsgraph.cli.app import app
from armsgraph.cli.main import load_commands
from armsgraph.serve.app import create_app
from armsgraph.store.store import Store

load_commands()
BAD_DATES = ["2024-13-45", "9999-99-99", "zzzz-not-a-date"]
DEAL = "Egypt signed a contract for 12 F-16 fighter jets with the United States in May, the ministry said.\n"
TOKEN = "reliability-token-7d1e"


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def only_event(db: str) -> dict:
    with Store(db) as store:
        (ev,) = store.events(limit=None)
        return store.event(ev["id"])


@pytest.mark.parametrize("bad", BAD_DATES)
def test_a_bad_published_date_stops_ingest_before_anything_is_stored(bad, db_url, tmp_path, kit):
    report = tmp_path / "deal.txt"
    report.write_text(DEAL, encoding="utf-8")
    for verb in ("ingest", "extract"):
        args = [verb, str(report), "--published", bad]
        result = run(*args, "--db", db_url) if verb == "ingest" else run(*args)
        assert result.exit_code == 2, result.output
        assert f"--published: cannot read the date {bad!r}" in result.output
        assert "2024-11-25" in result.output  # the form that works
    assert kit.count_documents(db_url) == 0


def test_a_corrected_published_date_updates_the_document_and_its_events(db_url, tmp_path):
    """A report stored without a date (or with a wrong one) takes the date given on a later
    run: the document, the time its events were resolved to ("in May"), their first and
    last seen; the event keeps its id. The same date again changes nothing."""
    report = tmp_path / "deal.txt"
    report.write_text(DEAL, encoding="utf-8")
    assert run("ingest", str(report), "--db", db_url).exit_code == 0
    first = only_event(db_url)
    assert first["first_seen"] is None and first["time"]["start"] is None
    seen = []
    for date, month in (("2023-11-02", "2023-05"), ("Nov 2, 2024", "2024-05")):
        result = run("ingest", str(report), "--db", db_url, "--published", date)
        assert result.exit_code == 0, result.output
        assert re.search(r"updated \(new publication date\)\s*\S\s*1\b", result.output)
        ev = only_event(db_url)
        assert ev["id"] == first["id"]
        assert ev["time"]["start"].startswith(month)
        assert ev["first_seen"] == ev["last_seen"] == ev["sources"][0]["published"]
        seen.append(ev["first_seen"])
    assert seen == ["2023-11-02", "2024-11-02"]
    again = run("ingest", str(report), "--db", db_url, "--published", "2024-11-02")
    assert re.search(r"unchanged \(already stored\)\s*\S\s*1\b", again.output)
    with Store(db_url) as store:
        assert store.stats()["documents"] == 1


def test_the_api_and_the_form_refuse_a_bad_date_with_422_naming_the_field(db_url, kit):
    with Store(db_url) as store, kit.served(create_app(store, write_token=TOKEN)) as port:
        for bad in BAD_DATES:
            status, _, body = kit.http(
                port,
                "/api/ingest",
                method="POST",
                body={"text": DEAL, "published": bad},
                headers={"X-Write-Token": TOKEN},
            )
            assert status == 422, body
            (problem,) = json.loads(body)["detail"]
            assert problem["loc"] == ["body", "published"]
            assert repr(bad) in problem["msg"]
            form = urlencode({"token": TOKEN, "text": DEAL, "published": bad})
            status, _, page = kit.http(
                port,
                "/upload",
                method="POST",
                body=form,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            assert status == 422 and "published: cannot read the date" in page
        # The token is checked first: a wrong one gets 403 whatever the body.
        status, _, _ = kit.http(
            port,
            "/api/ingest",
            method="POST",
            body={"text": DEAL, "published": "zzzz"},
            headers={"X-Write-Token": "wrong-token-123"},
        )
        assert status == 403
        assert kit.count_documents(str(db_url)) == 0
        status, _, body = kit.http(
            port,
            "/api/ingest",
            method="POST",
            body={"text": DEAL, "published": "25 November 2024"},
            headers={"X-Write-Token": TOKEN},
        )
        assert status == 201, body
        doc = store.document(json.loads(body)["document_id"])
        assert doc["published"] == "2024-11-25"
        # The schema says what the server wants: exactly one of text and url.
        status, _, body = kit.http(port, "/openapi.json")
        schema = json.loads(body)["components"]["schemas"]["IngestRequest"]
        assert schema["oneOf"] == [{"required": ["text"]}, {"required": ["url"]}]


def test_json_lines_fields_of_the_wrong_type_skip_their_line(db_url, tmp_path):
    lines = [
        {"id": "ok-1", "title": "A title", "text": "Poland ordered 96 Apache helicopters."},
        {"id": "list-title", "title": ["t"], "text": "Egypt ordered F-16 jets."},
        {"id": "number-url", "url": 7, "text": "Egypt ordered more F-16 jets."},
        {"id": "number-date", "published": 20240101, "text": "Egypt ordered tanks."},
        {"id": "bad-date", "published": "not a date at all", "text": "Egypt ordered ships."},
        {"id": True, "text": "Egypt ordered drones."},
        {"id": "ok-2", "published": "2024-02-03", "text": "Romania ordered Bayraktar TB2 drones."},
    ]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    result = run("ingest", str(corpus), "--db", db_url)
    assert result.exit_code == 1, result.output
    skipped = [line for line in result.output.splitlines() if line.startswith("skipped: ")]
    assert skipped == [
        f'skipped: {corpus}:2: "title" must be a string, not a list (write "title" as a string or leave it out)',
        f'skipped: {corpus}:3: "url" must be a string, not a number (write "url" as a string or leave it out)',
        f'skipped: {corpus}:4: "published" must be a string, not a number (write "published" as a string or leave it out)',
        (
            f"skipped: {corpus}:5: cannot read the date in \"published\" ('not a date at all') "
            "(give a date such as 2024-11-25 or 25 November 2024, or leave it out)"
        ),
        f'skipped: {corpus}:6: "id" must be a string, not a boolean (give each document a string id or leave it out for a content hash)',
    ]
    assert re.search(r"skipped\s*\S\s*5\b", result.output)
    with Store(db_url) as store:
        docs = {d: store.document(d) for d in ("ok-1", "ok-2")}
        assert store.stats()["documents"] == 2
    assert docs["ok-1"]["title"] == "A title" and docs["ok-2"]["published"] == "2024-02-03"


def _warc(path: Path, pages: list[tuple[str, bytes]]) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=False)
        for url, body in pages:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(body),
                    http_headers=http,
                    warc_headers_dict={"WARC-Date": "2024-11-26T10:00:00Z"},
                )
            )
    return path


ARTICLE = (
    "<html><head><title>{title}</title></head><body><nav>Home News</nav><article><p>"
    "The United States delivered four F-16 fighter jets to Egypt on Monday, officials said in a "
    "statement, adding that eight more aircraft will follow next year under the contract signed "
    "in 2022 with the Egyptian Air Force.</p></article></body></html>"
)


def nested(depth: int) -> bytes:
    article = ARTICLE.split("<body>")[1].split("</body>")[0].replace("four", f"{depth} or so")
    body = "<div>" * depth + article + "</div>" * depth
    return f"<html><head><title>Deep {depth}</title></head><body>{body}</body></html>".encode()


def test_each_bad_input_gives_one_line_and_the_rest_is_stored(db_url, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    good = {
        "good.txt": "Poland signed a contract for 96 Apache helicopters with the United States.",
        "deep300.html": nested(300),  # deeper than lxml reads by default: read in full
    }
    for name, data in good.items():
        (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())
    (d / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    (d / "latin1.txt").write_bytes(
        "Ceasefire in Gaza, said the ministry \xe9\xe9.".encode("latin-1")
    )
    with (d / "huge.txt").open("wb") as fh:  # 200 MB, sparse: costs no disk
        fh.truncate(200_000_000)
    (d / "deep3000.html").write_bytes(nested(3000))
    (d / "boilerplate.html").write_bytes(
        b"<html><body><nav>Home | News | About</nav></body></html>"
    )
    whole = _warc(
        tmp_path / "whole.warc",
        [(f"https://news.example/{i}", ARTICLE.format(title=f"P{i}").encode()) for i in range(2)],
    )
    (d / "cut.warc").write_bytes(whole.read_bytes()[:-150])
    bomb = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    (d / "bomb.xml").write_text(
        f'<?xml version="1.0"?><!DOCTYPE r [{bomb}]><rss version="2.0"><channel><title>&l9;</title>'
        "<item><title>t</title><description>&l9;</description></item></channel></rss>"
    )
    os.symlink("loop-b.txt", d / "loop-a.txt")
    os.symlink("loop-a.txt", d / "loop-b.txt")
    inputs = [
        str(d),
        str(d / "loop-a.txt"),
        "http://127.0.0.1:9/unreachable",
        str(tmp_path / "missing.txt"),
    ]
    result = run("ingest", *inputs, "--db", db_url)
    assert result.exit_code == 1, result.output
    skipped = [line for line in result.output.splitlines() if line.startswith("skipped: ")]
    expected = {
        f"{d}/image.txt": "binary file, not text",
        f"{d}/latin1.txt": "invalid UTF-8 at byte offset",
        f"{d}/huge.txt": "file is 200.0 MB, larger than the limit of 50.0 MB (split it into smaller files or JSON Lines, or raise the limit with --max-size)",
        f"{d}/deep3000.html": "the page's markup is nested more than 2,047 levels deep",
        f"{d}/boilerplate.html": "no main text found in the page",
        f"{d}/cut.warc record 2 (https://news.example/1)": "truncated",
        f"{d}/loop-a.txt": "cannot read: Too many levels of symbolic links",
        f"{d}/loop-b.txt": "cannot read: Too many levels of symbolic links",
        "http://127.0.0.1:9/unreachable": "could not fetch",
        f"{tmp_path}/missing.txt": "no such file or directory",
    }
    for where, reason in expected.items():
        lines = [line for line in skipped if line.startswith(f"skipped: {where}: ")]
        assert len(lines) >= 1 and reason in lines[0], (where, skipped)
    # One line each (the loop is named twice: inside the folder and on the command line).
    assert len(skipped) == len(expected) + 1, skipped
    with Store(db_url) as store:
        docs = store.stats()["documents"]
        texts = [store.document(r["id"])["text"] for r in _documents(store)]
    # good.txt, the 300-deep page, the WARC record before the cut, the feed's entry.
    assert docs == 4, texts
    assert any(t.startswith("Poland signed") for t in texts)
    assert sum("delivered four F-16" in t for t in texts) == 1  # the record before the cut
    assert sum("delivered 300 or so F-16" in t for t in texts) == 1
    assert not any("lollol" in t for t in texts)  # entities are not expanded


def _documents(store: Store) -> list[dict]:
    from armsgraph.store.queries import documents_list

    with store.connect() as conn:
        return documents_list(conn, limit=None)


def test_max_size_raises_or_lowers_the_limit_of_one_document(db_url, tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("The weather was mild and the markets were calm all week. " * 10_000)  # 570 KB
    low = run("ingest", str(big), "--db", db_url, "--max-size", "500k")
    assert low.exit_code == 1
    assert "larger than the limit of 500.0 KB" in low.output
    assert run("ingest", str(big), "--db", db_url, "--max-size", "0.8 MB").exit_code == 0
    wrong = run("ingest", str(big), "--db", db_url, "--max-size", "lots")
    assert wrong.exit_code == 2 and "--max-size: cannot read the size 'lots'" in wrong.output
