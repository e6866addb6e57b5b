"""Benchmark corpus: news-like reports of about 600 words recombined from real report sentences.

The sentences come from the shipped samples and corpus/reports/us-government-eval.jsonl, so the text has
the names, numbers and verbs armsgraph reads; a fixed seed makes every run build the
same corpus. Reports are written as JSON Lines and as HTML pages with the boilerplate
of a news site (navigation, cookie banner, sidebar, comments, footer).

    python bench/corpus.py --n 2000 --out /tmp/corpus      # reports.jsonl + pages/
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = (
    ROOT / "src" / "armsgraph" / "data" / "samples" / "reports.jsonl",
    ROOT / "corpus" / "reports" / "us-government-eval.jsonl",
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘(])")
_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{2,40}(?:\s*[:—–-]\s+|\s*\(\w+\)\s*[:—–-]?\s*)")
WORDS = 600
SITES = ("Defence Wire", "Arms Monitor", "Strategic Review", "The Procurement Desk")


def sentences() -> list[str]:
    """Every sentence of the source reports (datelines cut, very short fragments left out)."""
    out: list[str] = []
    for path in SOURCES:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            for para in json.loads(line)["text"].split("\n"):
                para = _DATELINE.sub("", para.strip())
                out += [s.strip() for s in _SENTENCE.split(para) if len(s.split()) >= 6]
    if not out:
        raise SystemExit(f"no source reports found in {', '.join(map(str, SOURCES))}")
    return out


def iter_reports(n: int, seed: int = 7, words: int = WORDS) -> Iterator[dict]:
    """n reports as JSON Lines records (id, url, title, published, text), one at a time."""
    pool = sentences()
    datelines = ["WASHINGTON", "ANKARA", "ISLAMABAD", "WARSAW", "CAIRO", "NEW DELHI", "SEOUL"]
    rng = random.Random(seed)
    start = dt.date(2015, 1, 1)
    for i in range(n):
        picked: list[str] = []
        count = 0
        while count < words:
            s = rng.choice(pool)
            picked.append(s)
            count += len(s.split())
        paras = [" ".join(picked[j : j + 4]) for j in range(0, len(picked), 4)]
        paras[0] = f"{rng.choice(datelines)}: {paras[0]}"
        title = " ".join(picked[0].split()[:12]).rstrip(",;:")
        published = start + dt.timedelta(days=rng.randrange(3650))
        yield {
            "id": f"bench-{seed}-{i:06d}",
            "url": f"https://news.example/{published:%Y/%m}/report-{i:06d}",
            "title": title,
            "published": published.isoformat(),
            "text": "\n".join(paras),
        }


def html_page(report: dict, seed: int = 0) -> str:
    """The report as a news site page: the article among navigation, banner, sidebar and comments."""
    rng = random.Random(f"{seed}-{report['id']}")
    site = rng.choice(SITES)
    nav = "".join(
        f'<li><a href="/{s.lower()}">{s}</a></li>'
        for s in ("World", "Defence", "Industry", "Land", "Air", "Naval", "Opinion", "Podcasts")
    )
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in report["text"].split("\n"))
    related = "".join(
        f'<li><a href="/news/{rng.randrange(10**6)}">{html.escape(t)}</a></li>'
        for t in (
            "Budget talks stall again",
            "New chief of staff named",
            "Shipyard expands",
            "Air show opens",
        )
    )
    comments = "".join(
        f'<div class="comment"><span class="author">reader{rng.randrange(999)}</span>'
        f"<p>{c}</p></div>"
        for c in ("Interesting, but what about maintenance costs?", "This was expected for years.",
                  "Source? I read the opposite last week.")
    )  # fmt: skip
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(report["title"])} | {site}</title>
<meta name="description" content="{html.escape(report["title"])}">
<meta property="og:site_name" content="{site}">
<meta property="article:published_time" content="{report["published"]}T08:00:00Z">
<link rel="canonical" href="{report["url"]}">
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}</script>
<style>body{{font-family:serif}} .cookie{{position:fixed;bottom:0}}</style></head>
<body>
<div class="cookie" id="cookie-banner">We use cookies to personalise content and ads and to analyse our
traffic. <button>Accept all</button> <button>Manage settings</button></div>
<header><a class="logo" href="/">{site}</a><nav><ul>{nav}</ul></nav>
<form action="/search"><input name="q" placeholder="Search"></form></header>
<main><article><h1>{html.escape(report["title"])}</h1>
<div class="byline">By Staff Writer · <time datetime="{report["published"]}">{report["published"]}</time></div>
{paras}
<div class="share">Share this article: Twitter · LinkedIn · Email</div></article>
<section class="comments"><h2>Comments</h2>{comments}</section></main>
<aside class="sidebar"><h2>Most read</h2><ul>{related}</ul>
<div class="newsletter">Sign up for our daily defence newsletter.</div></aside>
<footer><p>© {site}. All rights reserved.</p><a href="/privacy">Privacy</a> <a href="/terms">Terms</a></footer>
</body></html>
"""


def write_jsonl(path: Path, n: int, seed: int = 7) -> int:
    """Write n reports to a JSON Lines file, streamed; returns the number of words."""
    total = 0
    with path.open("w", encoding="utf-8") as fh:
        for r in iter_reports(n, seed):
            total += len(r["text"].split())
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return total


def write_pages(directory: Path, n: int, seed: int = 7) -> list[Path]:
    """Write n reports as HTML pages, one file each."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for r in iter_reports(n, seed):
        p = directory / f"{r['id']}.html"
        p.write_text(html_page(r, seed), encoding="utf-8")
        paths.append(p)
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="number of reports")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--out", type=Path, required=True, help="directory for reports.jsonl and pages/"
    )
    ap.add_argument("--no-html", action="store_true", help="write the JSON Lines only")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    words = write_jsonl(args.out / "reports.jsonl", args.n, args.seed)
    print(
        f"{args.n} reports, {words / max(args.n, 1):.0f} words each on average → {args.out / 'reports.jsonl'}"
    )
    if not args.no_html:
        write_pages(args.out / "pages", args.n, args.seed)
        print(f"{args.n} HTML pages → {args.out / 'pages'}")


if __name__ == "__main__":
    main()
