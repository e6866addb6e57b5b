"""The PySpark job on local[2]: its Parquet tables hold the events `armsgraph ingest` stores."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.spark

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "src" / "armsgraph" / "data" / "samples" / "reports.jsonl"
EVAL = ROOT / "corpus" / "reports" / "us-government-eval.jsonl"
N_PAGES = 8  # eval reports also served as web pages in the WARC

PAGE = """<!DOCTYPE html><html><head><title>{title}</title>
<meta property="article:published_time" content="{published}"></head><body>
<nav><a href="/">Home</a> | <a href="/defence">Defence</a> | <a href="/about">About us</a></nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies?</div>
<article><h1>{title}</h1>{paragraphs}</article>
<aside><h2>Most read</h2><ul><li>Markets close higher</li><li>Weather warning</li></ul></aside>
<footer>Copyright Defence Wire. All rights reserved.</footer></body></html>"""


def _have_java() -> bool:
    return shutil.which("java") is not None


def _reports(path: Path) -> list[dict]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def _page(report: dict) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in report["text"].split("\n") if p.strip())
    title = report.get("title") or report["id"]
    published = report.get("published") or ""
    return PAGE.format(title=title, published=published, paragraphs=paragraphs).encode("utf-8")


def write_warc(path: Path, reports: list[dict]) -> None:
    """A gzipped CC-NEWS-like WARC: a request and a response record per page, plus a redirect
    and an image that are not articles."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, report in enumerate(reports):
            url = report.get("url") or f"https://defencewire.example/news/{i}"
            req = writer.create_warc_record(
                url,
                "request",
                payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"),
                warc_headers_dict={"WARC-Date": "2024-11-26T10:00:00Z"},
            )
            writer.write_record(req)
            http = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            writer.write_record(
                writer.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(_page(report)),
                    http_headers=http,
                    warc_headers_dict={"WARC-Date": "2024-11-26T10:00:00Z"},
                )
            )
        for url, status, ctype, body in (
            ("https://defencewire.example/old", "301 Moved Permanently", "text/html", b""),
            ("https://defencewire.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n"),
        ):
            http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=io.BytesIO(body), http_headers=http
                )
            )


@pytest.fixture(scope="module")
def spark():
    """One local[2] Spark session for the whole module (start-up takes many seconds)."""
    if not _have_java():
        pytest.skip(
            "no java on the PATH: PySpark needs Java 17 (apt install openjdk-17-jre-headless)"
        )
    pytest.importorskip(
        "pyspark", reason="pyspark is not installed: pip install 'armsgraph[spark]'"
    )
    from armsgraph.scale.spark import spark_session

    session = spark_session("local[2]", app_name="armsgraph-tests")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The shipped samples as Parquet (and, for the single-machine run, as JSON Lines), a
    WARC of eval reports as web pages, and the eval reports as JSON Lines with one
    duplicate text and two bad lines. The samples repeat eval reports, so most of them
    are duplicates too."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = tmp_path_factory.mktemp("spark-inputs")
    samples, evals = _reports(SAMPLES), _reports(EVAL)
    (root / "samples").mkdir()
    cols = ("id", "url", "title", "published", "text")
    table = pa.table({c: pa.array([r.get(c) for r in samples], pa.string()) for c in cols})
    pq.write_table(table, root / "samples" / "part-00000.parquet")
    samples_jsonl = root / "samples.jsonl"
    samples_jsonl.write_text(
        "\n".join(json.dumps({c: r.get(c) for c in cols}) for r in samples) + "\n",
        encoding="utf-8",
    )
    warc = root / "crawl.warc.gz"
    write_warc(warc, evals[:N_PAGES])
    lines = [json.dumps(r, ensure_ascii=False) for r in evals]
    lines.insert(3, '{"id": "broken", "text": ')  # line 4: not JSON
    lines.insert(7, json.dumps({"id": "no-text", "title": "A headline only"}))  # line 8
    lines.append(json.dumps({**evals[0], "id": "same-text-again"}))  # a duplicate text
    jsonl = root / "eval.jsonl"
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {
        "parquet": root / "samples",
        "samples_jsonl": samples_jsonl,
        "warc": warc,
        "jsonl": jsonl,
    }


@pytest.fixture(scope="module")
def single_machine(inputs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`armsgraph ingest` of the same reports, in the same order, into a SQLite file."""
    db = tmp_path_factory.mktemp("spark-store") / "ingest.db"
    proc = subprocess.run(
        [sys.executable, "-m", "armsgraph.cli.main", "ingest", str(inputs["samples_jsonl"]),
         str(inputs["warc"]), str(inputs["jsonl"]), "--db", str(db)],
        check=False, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr  # 1: the two bad lines were skipped
    return db


@pytest.fixture(scope="module")
def job(
    spark, inputs: dict[str, Path], single_machine: Path, tmp_path_factory: pytest.TempPathFactory
):
    """The Spark job over the three inputs, also writing its documents into a store
    (--jdbc-url). Runs after the single-machine ingest it is compared with."""
    from armsgraph.scale.spark import run

    root = tmp_path_factory.mktemp("spark-out")
    result = run(
        spark,
        [str(inputs["parquet"]), str(inputs["warc"]), str(inputs["jsonl"])],
        str(root / "out"),
        jdbc_url=str(root / "from-spark.db"),
    )
    return result, root / "out", root / "from-spark.db"


# Events are compared by their reports (document, local event id): a store keeps the id it
# first gave an event, which depends on the order documents were stored in, while the job
# names each event by its smallest report (merge.event_id).


def _store_events(db: Path) -> dict[frozenset, tuple]:
    con = sqlite3.connect(db)
    parts: dict[str, set] = {}
    for eid, role, ent in con.execute("SELECT event_id, role, entity_id FROM event_participants"):
        parts.setdefault(eid, set()).add((role, ent))
    reports: dict[str, set] = {}
    for eid, doc, local in con.execute(
        "SELECT event_id, document_id, local_event_id FROM event_sources"
    ):
        reports.setdefault(eid, set()).add((doc, local))
    out = {
        frozenset(reports[eid]): (etype, status, n, first, frozenset(parts.get(eid, ())))
        for eid, etype, status, n, first in con.execute(
            "SELECT id, type, status, n_sources, first_seen FROM events"
        )
    }
    con.close()
    return out


def _parquet_events(out: Path) -> dict[frozenset, tuple]:
    import pandas as pd

    parts: dict[str, set] = {}
    for r in pd.read_parquet(out / "participants").itertuples():
        parts.setdefault(r.event_id, set()).add((r.role, r.entity_id))
    reports: dict[str, set] = {}
    for r in pd.read_parquet(out / "evidence").itertuples():
        reports.setdefault(r.event_id, set()).add((r.document_id, r.local_event_id))
    return {
        frozenset(reports[r.id]): (
            r.type, r.status, r.n_sources, _text(r.first_seen), frozenset(parts.get(r.id, ()))
        )
        for r in pd.read_parquet(out / "events").itertuples()
    }  # fmt: skip


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None  # pandas reads a null string as NaN


def test_parquet_events_equal_single_machine_ingest(job, single_machine: Path) -> None:
    result, out, _ = job
    expected = _store_events(single_machine)
    got = _parquet_events(out)
    assert len(expected) >= 20  # the reports give many events: the comparison means something
    assert any(e[2] >= 2 for e in expected.values())  # and some are merged across reports
    missing = {k: v for k, v in expected.items() if k not in got}
    extra = {k: v for k, v in got.items() if k not in expected}
    assert not missing and not extra
    assert got == expected
    assert result.events == len(expected)
    assert result.merged_events == sum(1 for e in expected.values() if e[2] >= 2)


def test_spark_merge_equals_store_merge_of_the_same_extractions(job) -> None:
    """The store filled from the job's own extraction JSON (Store.add, one document at a
    time) holds the events of the Spark merge step."""
    result, out, db = job
    assert result.stored == result.documents
    assert _parquet_events(out) == _store_events(db)


def test_web_pages_and_json_lines_reports_of_one_event_merge(job) -> None:
    """The eval reports are in the WARC as pages and in the JSON Lines as text: their
    events are one event with sources from both."""
    import pandas as pd

    _, out, _ = job
    ev = pd.read_parquet(out / "evidence")
    docs = pd.read_parquet(out / "documents")
    from_warc = set(docs[docs.source.str.startswith("https://")].id)
    from_jsonl = set(docs[docs.source.str.contains(r"\.(jsonl:\d+|parquet row .*)$")].id)
    assert len(from_warc) == N_PAGES
    by_event = ev.groupby("event_id").document_id.apply(set)
    assert any(ids & from_warc and ids & from_jsonl for ids in by_event)


def test_documents_are_deduplicated_and_partitioned_by_month(job, single_machine: Path) -> None:
    import pandas as pd

    result, out, _ = job
    docs = pd.read_parquet(out / "documents")
    con = sqlite3.connect(single_machine)
    stored = {i for (i,) in con.execute("SELECT id FROM documents")}
    con.close()
    assert set(docs.id) == stored
    assert "same-text-again" not in set(docs.id)
    assert result.documents == len(stored)
    assert result.duplicates >= 1
    months = {p.name for p in (out / "documents").iterdir() if p.is_dir()}
    assert all(m.startswith("published_month=") for m in months)
    assert "published_month=2024-11" in months  # pages without a date: the capture date
    for r in docs.itertuples():
        published = _text(r.published)
        expected = published[:7] if published else "unknown"
        assert r.published_month == expected
    assert len(months) > 3


def test_evidence_cites_the_document_text(job) -> None:
    import pandas as pd

    _, out, _ = job
    texts = dict(pd.read_parquet(out / "documents", columns=["id", "text"]).itertuples(index=False))
    ev = pd.read_parquet(out / "evidence")
    assert len(ev) > 0
    for r in ev.itertuples():
        assert texts[r.document_id][int(r.start) : int(r.end)] == r.text


def test_participants_are_entities_with_names(job) -> None:
    import pandas as pd

    _, out, _ = job
    ents = pd.read_parquet(out / "entities").set_index("id")
    parts = pd.read_parquet(out / "participants")
    assert set(parts.entity_id) <= set(ents.index)
    assert ents.loc["country:USA", "name"] == "United States"
    events = pd.read_parquet(out / "events")
    with_systems = events[events.systems.notna()]
    for r in with_systems.itertuples():
        objects = parts[(parts.event_id == r.id) & parts.role.isin(["system", "program"])]
        assert any(ents.loc[e, "name"] in r.systems for e in objects.entity_id)


def test_bad_lines_are_reported_with_file_and_line(job, inputs: dict[str, Path]) -> None:
    import pandas as pd

    result, out, _ = job
    errors = pd.read_parquet(out / "errors")
    where = set(errors["where"])
    assert f"{inputs['jsonl']}:4" in where
    assert f"{inputs['jsonl']}:8" in where
    assert result.n_errors == len(errors) == 2
    line8 = errors[errors["where"].str.endswith(":8")].iloc[0]
    assert "text" in line8.message and line8.hint


def test_store_written_from_the_job_equals_ingest(job, single_machine: Path) -> None:
    result, _, db = job
    assert result.stored == result.documents
    assert _store_events(db) == _store_events(single_machine)


def test_parquet_rows_are_read_and_named_by_file_and_row(job, inputs: dict[str, Path]) -> None:
    import pandas as pd

    _, out, _ = job
    docs = pd.read_parquet(out / "documents")
    seed = docs[docs.id == "seed-turkiye-pakistan-drones"].iloc[0]  # only in the samples
    assert seed.source == f"{inputs['parquet']}/part-00000.parquet row seed-turkiye-pakistan-drones"
    assert seed.text.startswith("ISLAMABAD: Turkiye is planning")
    assert seed.dateline == "ISLAMABAD"
    # The samples come first, so the reports they share with the eval file are theirs.
    shared = docs[docs.id == "dsca-japan-aegis-fots-2019"].iloc[0]
    assert "part-00000.parquet row" in shared.source


def test_cli_names_the_extra_when_pyspark_is_missing(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['pyspark'] = None\n"
        "from armsgraph.cli.main import main; sys.argv = ['armsgraph', 'spark', "
        f"{str(EVAL)!r}, '--output', {str(tmp_path / 'out')!r}]; main()"
    )
    proc = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True)
    assert proc.returncode == 2
    assert "pip install 'armsgraph[spark]'" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_cli_rejects_an_input_of_unknown_format_before_starting_spark(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from armsgraph.cli.app import app
    from armsgraph.cli.main import load_commands

    load_commands()
    notes = tmp_path / "notes.txt"
    notes.write_text("Egypt ordered tanks.", encoding="utf-8")
    res = CliRunner().invoke(app, ["spark", str(notes), "--output", str(tmp_path / "out")])
    assert res.exit_code == 2
    assert f"{notes}: cannot tell the input format" in res.output
    assert "--format warc, jsonl or parquet" in res.output


def test_a_glob_matching_nothing_is_a_one_line_error(spark, tmp_path: Path) -> None:
    from armsgraph.errors import ArmsgraphError
    from armsgraph.scale.spark import run

    with pytest.raises(ArmsgraphError) as info:
        run(spark, [str(tmp_path / "crawl-*.warc.gz")], str(tmp_path / "out"))
    message = info.value.one_line()
    assert "the Spark job failed" in message
    assert "crawl-*.warc.gz" in message
    assert "\n" not in message
