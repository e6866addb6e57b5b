"""Feeds and URLs read from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from armsgraph.errors import InputError
from armsgraph.ingest import iter_documents
from armsgraph.model import Document


def read(*sources, **opts) -> list[Document | InputError]:
    """The documents and the problems (reported through on_problem), in the order met."""
    met: list[Document | InputError] = []
    for doc in iter_documents([str(s) for s in sources], on_problem=met.append, **opts):
        met.append(doc)
    return met


def test_rss_file_entries_become_documents(fixtures: Path) -> None:
    path = fixtures / "feed.rss"
    first, second, missing = read(path)
    assert first.title == "Turkiye plans drone assembly plant in Pakistan"
    assert first.url == "https://defencewire.example/2024/11/turkiye-pakistan-drones"
    assert first.published == "2024-11-25"
    assert first.text == (
        "ISLAMABAD: Turkiye is planning to establish a facility in Pakistan to assemble combat"
        " drones, according to Turkish officials speaking to Bloomberg.\n"
        "Discussions on the project have advanced significantly since October."
    )
    assert first.dateline == "ISLAMABAD"
    assert first.meta["feed"] == str(path)
    assert first.meta["guid"] == "https://defencewire.example/?p=101"
    assert second.published == "2024-11-26"
    assert second.dateline == "WASHINGTON"
    assert isinstance(missing, InputError)
    assert missing.one_line() == (
        f"{path} entry 3: the entry has no content or summary"
        " (read the linked pages instead (fetch_links, --fetch-links))"
    )


def test_atom_file_prefers_full_content_over_summary(fixtures: Path) -> None:
    frigate, exports = read(fixtures / "feed.atom")
    assert frigate.text.startswith("ANKARA, Nov 27 (Reuters) - Turkiye delivered the third")
    assert "Short teaser" not in frigate.text
    assert frigate.text.endswith("Length: 99 m\nCrew: 93")
    assert frigate.dateline == "ANKARA"
    assert frigate.published == "2024-11-27"
    assert frigate.url == "https://mod.example/news/frigate-delivered"
    assert (
        exports.text == "Turkiye's defense exports grew by 30% this year to a record $7.5 billion."
    )
    assert exports.published == "2024-11-20"  # from <updated> when <published> is absent


def test_file_that_is_not_a_feed(fixtures: Path) -> None:
    (err,) = read(fixtures / "not_a_feed.xml")
    assert err.where == str(fixtures / "not_a_feed.xml")
    assert err.message.startswith("not an RSS or Atom feed")
    assert err.hint == "check that the file or URL is a feed (XML with <rss> or <feed>)"


def test_feed_url_by_content_type(http_server: str) -> None:
    items = read(f"{http_server}/feed.atom")
    assert [d.title for d in items] == [
        "Frigate delivered to the navy",
        "Statement on defence exports",
    ]
    assert items[0].meta["feed"] == f"{http_server}/feed.atom"


def test_feed_url_with_generic_content_type_is_sniffed(http_server: str) -> None:
    items = read(f"{http_server}/feed-as-octets")
    assert [type(d).__name__ for d in items] == ["Document", "Document", "InputError"]


def test_feed_fetch_links_reads_linked_pages(http_server: str) -> None:
    items = read(f"{http_server}/links.rss", fetch_links=True)
    page, missing, no_link_text = items
    assert isinstance(page, Document)
    assert page.url == f"{http_server}/article.html"
    assert page.source == f"{http_server}/article.html"
    # The page's text, not the feed's two-sentence summary.
    assert "Kaan fifth-generation fighter program" in page.text
    assert "cookies" not in page.text
    assert page.meta["feed"] == f"{http_server}/links.rss"
    assert missing.one_line() == (
        f"{http_server}/missing: the server answered 404 Not Found"
        " (the page does not exist; check the URL)"
    )
    # The third entry's link is not served by the test server either.
    assert isinstance(no_link_text, InputError)


def test_html_url(http_server: str) -> None:
    (doc,) = read(f"{http_server}/article")
    assert doc.url == f"{http_server}/article"
    assert doc.source == f"{http_server}/article"
    assert doc.title == "Turkiye plans drone assembly plant in Pakistan"
    assert doc.dateline == "ISLAMABAD"
    assert "Most read" not in doc.text


def test_text_and_jsonl_urls(http_server: str, fixtures: Path) -> None:
    (note,) = read(f"{http_server}/notes.txt")
    assert note.text == (fixtures / "report.txt").read_text(encoding="utf-8")
    assert note.url == f"{http_server}/notes.txt"
    items = read(f"{http_server}/corpus.jsonl")
    assert [d.id for d in items if isinstance(d, Document)][:1] == ["dsca-egypt-abrams"]
    errors = [e.one_line() for e in items if isinstance(e, InputError)]
    assert errors[0].startswith(f"{http_server}/corpus.jsonl:3: not valid JSON")
    assert len(errors) == 4


def test_404_500_timeout_and_empty_page_each_one_error(http_server: str, fixtures: Path) -> None:
    items = read(
        f"{http_server}/nothing-here",
        f"{http_server}/broken",
        f"{http_server}/slow",
        f"{http_server}/boilerplate",
        fixtures / "report.txt",
        timeout=0.5,
    )
    errors = [e.one_line() for e in items if isinstance(e, InputError)]
    assert errors == [
        (
            f"{http_server}/nothing-here: the server answered 404 Not Found"
            " (the page does not exist; check the URL)"
        ),
        (
            f"{http_server}/broken: the server answered 500 Internal Server Error"
            " (the server failed; try again later)"
        ),
        (
            f"{http_server}/slow: timed out after 0.5 s"
            " (the server is slow or unreachable; try again later or allow a longer timeout)"
        ),
        (
            f"{http_server}/boilerplate: no main text found in the page (only navigation or"
            " boilerplate) (check that it is an article page; save the article text as .txt if"
            " needed)"
        ),
    ]
    assert isinstance(items[-1], Document)


def test_response_bigger_than_limit(http_server: str) -> None:
    (err,) = read(f"{http_server}/article.html", max_bytes=1000)
    assert err.where == f"{http_server}/article.html"
    assert "larger than the limit of 1.0 KB" in err.message


def test_unreachable_port_is_an_error() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (err,) = read(f"http://127.0.0.1:{port}/x", timeout=2)
    assert err.where == f"http://127.0.0.1:{port}/x"
    assert err.message.startswith("could not fetch (ConnectError")
