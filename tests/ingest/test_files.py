"""Reading files, directories and standard input with iter_documents."""

from __future__ import annotations

import io
import itertools
import json
import shutil
from pathlib import Path

import pytest

from armsgraph.errors import InputError
from armsgraph.ingest import iter_documents, source_kind
from armsgraph.ingest.jsonl import iter_jsonl
from armsgraph.model import content_hash


class Reading:
    """What reading some sources gave: the documents, and the problems (InputErrors) as
    reported through the one channel readers have for them."""

    def __init__(self, sources, **opts):
        found = iter_documents([str(s) for s in sources], **opts)
        self.docs = list(found)
        self.errors = found.problems
        self.problems = [e.one_line() for e in found.problems]


def read(*sources, **opts) -> Reading:
    return Reading(sources, **opts)


def test_text_file_gives_one_english_document_with_dateline(fixtures: Path) -> None:
    path = fixtures / "report.txt"
    (doc,) = read(path).docs
    text = path.read_text(encoding="utf-8")
    assert doc.text == text
    assert doc.id == "doc:" + content_hash(text)
    assert doc.source == str(path)
    assert doc.language == "en"
    assert doc.dateline == "WASHINGTON"
    start, end = doc.meta["dateline_span"]
    assert doc.text[start : start + len("WASHINGTON")] == "WASHINGTON"
    assert doc.text[end:].startswith("The State Department")
    assert doc.published is None


def test_published_default_is_normalized_and_applies_only_where_missing(fixtures: Path) -> None:
    items = read(fixtures / "report.txt", fixtures / "corpus.jsonl", published="Nov 20, 2024")
    by_source = {d.source: d for d in items.docs}
    assert by_source[str(fixtures / "report.txt")].published == "2024-11-20"
    # The corpus's own dates win over the default.
    assert by_source[f"{fixtures}/corpus.jsonl:1"].published == "2024-11-25"
    assert by_source[f"{fixtures}/corpus.jsonl:2"].published == "2024-11-20"
    assert by_source[f"{fixtures}/corpus.jsonl:9"].published == "2024-05-12"


def test_unreadable_published_default_stops_before_anything_is_read(fixtures: Path) -> None:
    """A --published date that cannot be read would leave every input without a date: it is
    an error raised before the first document, naming the option and the value."""
    for bad in ("someday soonish maybe", "2024-13-45", "9999-99-99", "0001-01-01"):
        with pytest.raises(InputError) as err:
            read(fixtures / "report.txt", published=bad)
        assert err.value.one_line().startswith(f"--published: cannot read the date {bad!r}")


def test_jsonl_records_and_bad_lines_named_by_line(fixtures: Path) -> None:
    path = fixtures / "corpus.jsonl"
    items = read(path)
    docs = items.docs
    assert [d.id for d in docs[:1]] == ["dsca-egypt-abrams"]
    first = docs[0]
    assert first.url == "https://www.dsca.mil/press-media/major-arms-sales/egypt-m1a1"
    assert first.title == "Egypt – M1A1 Abrams upgrade"
    assert first.published == "2024-11-25"
    assert first.meta["publisher"] == "DSCA" and first.meta["license"] == "public domain"
    assert first.source == f"{path}:1"
    second = docs[1]
    assert second.id == "doc:" + content_hash(second.text)
    assert second.dateline == "ISLAMABAD"
    german = next(d for d in docs if d.id == "de-1")
    assert german.language == "de"

    errors = items.problems
    raw = path.read_bytes()
    line8_start = sum(len(line) for line in raw.split(b"\n")[:7]) + 7
    bad_offset = line8_start + raw.split(b"\n")[7].index(b"\xfc")
    assert errors == [
        (
            f"{path}:3: not valid JSON (Expecting ',' delimiter at column 53)"
            " (fix or remove the line; each line must be one JSON object)"
        ),
        (
            f'{path}:5: no "text" field'
            ' (each line needs the report in "text": {"text": "...", "id": "..."})'
        ),
        (
            f"{path}:6: line is a JSON list, not an object"
            ' (write one object per line: {"text": "...", "id": "..."})'
        ),
        (
            f"{path}:8: invalid UTF-8 at byte offset {bad_offset}"
            " (convert the file to UTF-8, e.g. `iconv -f latin1 -t utf-8`)"
        ),
    ]
    # Good lines on both sides of the bad ones were read.
    assert [d.source.rsplit(":", 1)[1] for d in docs] == ["1", "2", "7", "9"]


def test_bad_files_each_give_one_error_and_the_rest_is_read(fixtures: Path) -> None:
    items = read(
        fixtures / "binary.txt",
        fixtures / "empty.txt",
        fixtures / "blank.txt",
        fixtures / "latin1.txt",
        fixtures / "report.txt",
        fixtures / "no-such-file.txt",
    )
    assert items.problems == [
        (
            f"{fixtures}/binary.txt: binary file, not text (give .txt, .html, .jsonl, feed or WARC"
            " files; convert PDFs or Word files to text first)"
        ),
        f"{fixtures}/empty.txt: empty file (remove it or add the report text)",
        f"{fixtures}/blank.txt: empty file (remove it or add the report text)",
        (
            f"{fixtures}/latin1.txt: invalid UTF-8 at byte offset 45"
            " (convert the file to UTF-8, e.g. `iconv -f latin1 -t utf-8`)"
        ),
        f"{fixtures}/no-such-file.txt: no such file or directory (check the path)",
    ]
    assert [d.source for d in items.docs] == [str(fixtures / "report.txt")]


def test_file_larger_than_limit_is_refused(fixtures: Path) -> None:
    found = read(fixtures / "report.txt", max_bytes=100)
    (err,) = found.errors
    assert found.docs == []
    assert "larger than the limit of 100 bytes" in err.one_line()
    assert err.where == str(fixtures / "report.txt")


def test_jsonl_limit_applies_per_line_not_per_corpus(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    short = json.dumps({"id": "a", "text": "Pakistan ordered four corvettes."})
    long = json.dumps({"id": "b", "text": "word " * 100})
    path.write_text("\n".join([short, long, short.replace('"a"', '"c"')]) + "\n")
    items = read(path, max_bytes=len(short) + 10)
    assert [d.id for d in items.docs] == ["a", "c"]
    assert items.problems == [
        (
            f"{path}:2: line is longer than the limit of {len(short) + 10} bytes"
            " (split the document or raise the limit with --max-size)"
        )
    ]


def test_non_english_reports_are_named_by_language(fixtures: Path) -> None:
    german, french, english = read(
        fixtures / "german.txt", fixtures / "french.txt", fixtures / "report.txt"
    ).docs
    assert (german.language, french.language, english.language) == ("de", "fr", "en")
    assert german.dateline == "ANKARA"
    assert french.dateline == "PARIS"


def test_short_english_full_of_foreign_names_stays_english(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_text("Baykar TB2 Bayraktar Akinci Kizilelma deliveries to Pakistan.\n")
    (doc,) = read(path).docs
    assert doc.language == "en"


def test_directory_recurses_in_order_and_skips_hidden(tmp_path: Path, fixtures: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    shutil.copy(fixtures / "report.txt", tmp_path / "b" / "report.txt")
    shutil.copy(fixtures / "article.html", tmp_path / "a.html")
    shutil.copy(fixtures / "report.txt", tmp_path / ".hidden.txt")
    shutil.copy(fixtures / "report.txt", tmp_path / ".git" / "x.txt")
    (tmp_path / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    items = read(tmp_path)
    assert items.problems == []
    assert [d.source for d in items.docs] == [
        str(tmp_path / "a.html"),
        str(tmp_path / "b" / "report.txt"),
    ]


def test_directory_without_readable_files_is_an_error(tmp_path: Path, fixtures: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "scan.pdf").write_bytes(b"%PDF-1.4")
    (junk / ".notes.txt").write_text("hidden")
    items = read(empty, junk, fixtures / "report.txt")
    assert items.problems == [
        (
            f"{empty}: directory has no readable files"
            " (it should hold .txt, .html, .jsonl, .xml/.rss/.atom or .warc files)"
        ),
        (
            f"{junk}: directory has no readable files (1 other files skipped)"
            " (it should hold .txt, .html, .jsonl, .xml/.rss/.atom or .warc files)"
        ),
    ]
    assert len(items.docs) == 1


def test_html_file_main_text_without_boilerplate(fixtures: Path) -> None:
    (doc,) = read(fixtures / "article.html").docs
    assert doc.title == "Turkiye plans drone assembly plant in Pakistan"
    assert doc.published == "2024-11-25"
    assert doc.url == "https://defencewire.example/2024/11/turkiye-pakistan-drones"
    assert "ISLAMABAD: Turkiye is planning to establish a facility in Pakistan" in doc.text
    assert "Kaan fifth-generation fighter program." in doc.text
    for boilerplate in ("cookies", "Subscribe", "Most read", "Great news", "All rights reserved"):
        assert boilerplate not in doc.text
    # The headline comes first in the extracted text; the dateline is found after it.
    assert doc.dateline == "ISLAMABAD"
    start, _ = doc.meta["dateline_span"]
    assert doc.text[start:].startswith("ISLAMABAD: Turkiye")


def test_html_page_with_no_main_text_is_an_error(fixtures: Path) -> None:
    (err,) = read(fixtures / "boilerplate_only.html").errors
    assert err.one_line() == (
        f"{fixtures}/boilerplate_only.html: no main text found in the page (only navigation"
        " or boilerplate) (check that it is an article page; save the article text as .txt"
        " if needed)"
    )


def test_kind_by_extension_and_by_content(tmp_path: Path, fixtures: Path) -> None:
    assert source_kind(str(fixtures / "feed.rss")) == "feed"
    assert source_kind("archive.warc.gz") == "warc"
    assert source_kind("-") == "stdin"
    assert source_kind("https://example.org/x") == "url"
    for name, data, kind in [
        ("page", (fixtures / "article.html").read_bytes(), "html"),
        ("feed", (fixtures / "feed.atom").read_bytes(), "feed"),
        ("lines", (fixtures / "corpus.jsonl").read_bytes(), "jsonl"),
        ("note", b"ANKARA: plain words\n", "text"),
        ("blob", b"\x00\x01\x02binary", "binary"),
    ]:
        (tmp_path / name).write_bytes(data)
        assert source_kind(str(tmp_path / name)) == kind, name
    # A sniffed JSON Lines file is read as such.
    items = read(tmp_path / "lines")
    assert items.docs[0].id == "dsca-egypt-abrams"


def test_stdin_json_lines(fixtures: Path) -> None:
    lines = [
        json.dumps({"id": f"s{i}", "text": f"Report {i}: Pakistan ordered corvettes."})
        for i in range(3)
    ]
    stdin = io.BytesIO(("\n".join(lines) + "\n\n").encode())
    items = list(iter_documents(["-"], stdin=stdin))
    assert [(d.id, d.source) for d in items] == [
        ("s0", "<stdin>:1"),
        ("s1", "<stdin>:2"),
        ("s2", "<stdin>:3"),
    ]


def test_stdin_plain_text_when_any_line_is_not_json() -> None:
    data = '{"id": "x", "text": "looks like JSON"}\nISLAMABAD: but this line is prose.\n'
    (doc,) = list(iter_documents(["-"], stdin=io.BytesIO(data.encode())))
    assert doc.text == data
    assert doc.source == "<stdin>"
    assert doc.id == "doc:" + content_hash(data)


def test_stdin_empty_is_an_error() -> None:
    found = iter_documents(["-"], stdin=io.BytesIO(b"\n  \n"))
    assert list(found) == []
    (err,) = found.problems
    assert err.one_line() == (
        "<stdin>: standard input is empty (pipe a report or JSON Lines into the command)"
    )


class _EndlessCorpus(io.RawIOBase):
    """An unbounded JSON Lines stream that counts how much was read from it."""

    def __init__(self) -> None:
        self.bytes_read = 0
        self.n = 0
        self.buf = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while len(self.buf) < len(b):
            self.n += 1
            line = json.dumps({"id": f"d{self.n}", "text": "Pakistan ordered corvettes. " * 20})
            self.buf += line.encode() + b"\n"
        size = len(b)
        b[:size] = self.buf[:size]
        self.buf = self.buf[size:]
        self.bytes_read += size
        return size


def test_jsonl_streams_without_reading_the_whole_corpus() -> None:
    stream = _EndlessCorpus()
    problems: list[InputError] = []
    lines = iter_jsonl(io.BufferedReader(stream), "big.jsonl", on_problem=problems.append)
    docs = list(itertools.islice(lines, 5))
    assert [d.id for d in docs] == ["d1", "d2", "d3", "d4", "d5"] and problems == []
    # An endless corpus was read only as far as the buffer in front of five lines.
    assert stream.bytes_read < 64 * 1024


def test_single_path_and_pathlike_sources(fixtures: Path) -> None:
    (one,) = list(iter_documents(str(fixtures / "report.txt")))
    (two,) = list(iter_documents([fixtures / "report.txt"]))
    assert one.id == two.id
    assert one.source == two.source == str(fixtures / "report.txt")


def test_jsonl_dates_in_other_forms_and_unreadable_dates(tmp_path: Path) -> None:
    path = tmp_path / "dates.jsonl"
    rows = [
        {"id": "a", "text": "Pakistan ordered corvettes.", "published": "Nov 25, 2024"},
        {"id": "b", "text": "Pakistan ordered corvettes again.", "published": "not a date at all"},
        {"id": 7, "text": "Egypt ordered tanks.", "published": "2024-11-25T23:30:00-05:00"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    found = read(path, published="2024-01-01")
    a, c = found.docs
    (b,) = found.errors
    assert a.published == "2024-11-25"
    # An unreadable date is an error naming the line: the document is not stored undated.
    assert b.one_line() == (
        f"{path}:2: cannot read the date in \"published\" ('not a date at all') "
        "(give a date such as 2024-11-25 or 25 November 2024, or leave it out)"
    )
    assert (c.id, c.published) == ("7", "2024-11-25")  # the date as written, not UTC
