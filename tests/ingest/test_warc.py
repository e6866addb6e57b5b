"""WARC archives written with warcio, whole, gzipped, truncated and corrupt."""

from __future__ import annotations

from pathlib import Path

from armsgraph.errors import InputError
from armsgraph.ingest import iter_documents
from armsgraph.model import Document

PAGE = """<html><head><title>{title}</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>{title}</h1><p>{body}</p></article>
<footer>Contact us</footer></body></html>"""

BODIES = [
    (
        "ANKARA: Turkiye delivered the third of four corvettes built for the Pakistan Navy under a"
        " co-production deal, the defence ministry said on Tuesday, adding that the fourth ship"
        " will follow next year."
    ),
    (
        "WASHINGTON — The State Department has approved a possible Foreign Military Sale to Egypt"
        " of M1A1 Abrams tank upgrade kits and related equipment for an estimated cost of $1.2"
        " billion, the agency said."
    ),
    (
        "Turkish Aerospace Industries has signed agreements with Pakistan's National Engineering"
        " and Scientific Commission to jointly produce components for the Anka unmanned aerial"
        " vehicle, officials said."
    ),
]


def pages():
    out = []
    for i, body in enumerate(BODIES):
        html = PAGE.format(title=f"Report {i}", body=body).encode()
        out.append((f"https://news.example/{i}", "text/html; charset=utf-8", html))
    return out


def read(path: Path) -> list[Document | InputError]:
    """The documents and the problems (reported through on_problem), in the order met."""
    met: list[Document | InputError] = []
    for doc in iter_documents([str(path)], on_problem=met.append):
        met.append(doc)
    return met


def test_warc_html_responses_become_documents(tmp_path: Path, make_warc) -> None:
    path = tmp_path / "crawl.warc"
    make_warc(
        path,
        [*pages()[:2], ("https://news.example/logo.png", "image/png", b"\x89PNG\r\n")],
    )
    items = read(path)
    assert all(isinstance(d, Document) for d in items)
    assert [d.url for d in items] == ["https://news.example/0", "https://news.example/1"]
    first = items[0]
    assert first.text.startswith("Report 0\nANKARA: Turkiye delivered")
    assert "Contact us" not in first.text
    assert first.published == "2024-11-26"  # the capture date, for a page without a date
    assert first.dateline == "ANKARA"
    assert first.title == "Report 0"
    assert first.source == "https://news.example/0"
    assert first.meta["warc"] == str(path)
    assert items[1].dateline == "WASHINGTON"


def test_gzipped_warc(tmp_path: Path, make_warc) -> None:
    path = tmp_path / "crawl.warc.gz"
    make_warc(path, pages(), gzip=True)
    assert [d.url for d in read(path)] == [f"https://news.example/{i}" for i in range(3)]


def test_truncated_warc_keeps_records_before_the_cut(tmp_path: Path, make_warc) -> None:
    for gz in (False, True):
        whole = tmp_path / ("whole.warc.gz" if gz else "whole.warc")
        make_warc(whole, pages(), gzip=gz)
        data = whole.read_bytes()
        cut = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
        cut.write_bytes(data[: len(data) - 120])
        items = read(cut)
        assert [d.url for d in items[:2]] == ["https://news.example/0", "https://news.example/1"]
        (err,) = items[2:]
        assert isinstance(err, InputError)
        assert err.where == f"{cut} record 3 (https://news.example/2)"
        assert err.message.startswith("truncated")
        assert "records before it were read" in err.hint


def test_corrupt_record_header_stops_with_error(tmp_path: Path, make_warc) -> None:
    path = tmp_path / "crawl.warc"
    make_warc(path, pages())
    data = path.read_bytes()
    second = data.index(b"WARC/1", 10)
    path.write_bytes(data[:second] + b"garbage that is no WARC header\r\n" + data[second + 8 :])
    items = read(path)
    assert items[0].url == "https://news.example/0"
    (err,) = items[1:]
    assert err.where == f"{path} record 2"
    assert err.message.startswith("truncated or corrupt WARC record (ArchiveLoadFailed")


def test_warc_with_no_html_pages_and_empty_warc(tmp_path: Path, make_warc) -> None:
    path = tmp_path / "images.warc"
    make_warc(path, [("https://news.example/logo.png", "image/png", b"\x89PNG\r\n")])
    empty = tmp_path / "empty.warc"
    empty.write_bytes(b"")
    assert [e.one_line() for e in read(path) + read(empty)] == [
        (
            f"{path}: no HTML response records in the archive"
            " (check that the WARC holds crawled web pages)"
        ),
        f"{empty}: empty file (remove it or give a WARC file)",
    ]
