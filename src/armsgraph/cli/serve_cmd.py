"""CLI verb: serve (the web app over a store, with uvicorn)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from armsgraph.cli.app import app
from armsgraph.cli.output import fail, say


@app.command()
def serve(
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="SQLite file or database URL (default: ARMSGRAPH_DB or ./armsgraph.db)."
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port to listen on (0: any free port).")
    ] = 8000,
    write_token: Annotated[
        str | None,
        typer.Option(
            "--write-token",
            envvar="ARMSGRAPH_WRITE_TOKEN",
            show_envvar=True,
            help="Token that allows uploading reports; without it the app is read-only.",
        ),
    ] = None,
    allow_remote: Annotated[
        bool,
        typer.Option(
            "--allow-remote",
            help="Allow listening on a non-loopback address (reachable from other machines).",
        ),
    ] = False,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="A name the app is reached under besides 127.0.0.1, localhost, [::1] and --host "
            "(e.g. the name a reverse proxy passes on); repeatable. Requests for other names get 400.",
        ),
    ] = None,
) -> None:
    """Browse the store in a web browser: events, sources, actors, network and map.

    Example: armsgraph serve --db armsgraph.db --port 8000, then open http://127.0.0.1:8000
    """
    from armsgraph.errors import ArmsgraphError
    from armsgraph.serve.app import bind_address, create_app, is_loopback

    if not is_loopback(host) and not allow_remote:
        fail(
            f"--host {host} is not a loopback address: other machines could reach the app. "
            "Add --allow-remote to do that on purpose, or use --host 127.0.0.1."
        )
    if write_token is not None and len(write_token) < 8:
        fail(
            "--write-token is too short; use at least 8 characters (e.g. from `openssl rand -hex 16`)."
        )
    try:
        web = create_app(
            db, write_token=write_token, host=host, allowed_hosts=tuple(allowed_host or ())
        )
    except ArmsgraphError as err:
        fail(err, 1)

    import uvicorn

    mode = "uploads allowed with the write token" if write_token else "read-only"
    say(f"armsgraph: serving {web.state.store.name} ({mode})")
    # "[::1]" as in a URL binds as ::1.
    uvicorn.run(
        web,
        host=bind_address(host),
        port=port,
        log_level=os.environ.get("ARMSGRAPH_LOG_LEVEL", "info"),
    )
