"""CLI verb: `spark` (the extraction as a PySpark job; the work is in armsgraph.scale.spark)."""

from __future__ import annotations

from typing import Annotated

import typer

from armsgraph.cli.app import app
from armsgraph.cli.options import (
    GazetteerOption,
    MaxSizeOption,
    ModelOption,
    PublishedOption,
    gazetteer_files,
    max_size_bytes,
    published_date,
)
from armsgraph.cli.output import fail
from armsgraph.cli.terminal import safe
from armsgraph.errors import ArmsgraphError


@app.command("spark")
def spark_cmd(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="WARC, JSON Lines or Parquet files, directories or globs; local paths or "
            "Hadoop filesystem URLs (hdfs://, s3a://).",
            show_default=False,
        ),
    ],
    output: Annotated[
        str, typer.Option("--output", "-o", help="Directory for the Parquet tables.")
    ],
    master: Annotated[
        str | None,
        typer.Option(
            help="Spark master, e.g. local[2], yarn, k8s://https://host:443 "
            "(default: spark-submit's, else local[*])."
        ),
    ] = None,
    input_format: Annotated[
        str | None,
        typer.Option("--format", help="Input format: warc, jsonl or parquet (default: by name)."),
    ] = None,
    jdbc_url: Annotated[
        str | None,
        typer.Option(
            "--jdbc-url",
            help="Also add the documents to this store (postgresql://user@host/db); "
            "its events merge with those stored already.",
        ),
    ] = None,
    partitions: Annotated[
        int | None, typer.Option(help="Partitions for extraction (default: 2 per core).")
    ] = None,
    published: PublishedOption = None,
    gazetteer: GazetteerOption = None,
    model: ModelOption = None,
    max_size: MaxSizeOption = "50MB",
) -> None:
    r"""Extract events from a large corpus with PySpark and write Parquet tables
    (documents, entities, events, participants, evidence, facts, errors) partitioned by
    publication month. Needs `pip install 'armsgraph\[spark]'` and Java 17.

    Example: armsgraph spark crawl/*.warc.gz news.jsonl --output out/ --master local[2]
    """
    from armsgraph.pipeline import Options
    from armsgraph.scale import spark as job

    options = Options(
        published=published_date(published),
        max_bytes=max_size_bytes(max_size),
        gazetteer_files=gazetteer_files(gazetteer),
        model=model,
    )
    try:
        job.require_pyspark()
        job.check_inputs(inputs, input_format)  # before Spark's slow start
        session = job.spark_session(master)
        try:
            result = job.run(
                session,
                inputs,
                output,
                options,
                input_format=input_format,
                partitions=partitions,
                jdbc_url=jdbc_url,
            )
        finally:
            session.stop()
    except ArmsgraphError as exc:
        fail(exc)
    job.report(result, out=lambda line: typer.echo(safe(line)))
