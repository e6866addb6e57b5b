"""Writing through the web app: a report's text or URL, uploaded with the write token, ingested.

The form (/upload) and the API (/api/ingest) run a report through the pipeline into the
store, one at a time (Uploader); both need the write token, and a server started without
one is read-only (403).
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import replace
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Header, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from armsgraph.errors import InputError
from armsgraph.serve.present import Problem, render, safe_url
from armsgraph.store.store import Store

MAX_UPLOAD_CHARS = 2_000_000
WRITE_TOKEN_ENV = "ARMSGRAPH_WRITE_TOKEN"

router = APIRouter()


class IngestRequest(BaseModel):
    """A report to ingest: exactly one of `text` (the report's text) and `url` (an http(s)
    page to fetch). A `published` date that cannot be read is refused (422, naming the
    field), after the write token is checked."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["text"]}, {"required": ["url"]}]}
    )

    text: str | None = Field(
        None,
        max_length=MAX_UPLOAD_CHARS,
        description="The report's text (give this or `url`, not both).",
    )
    url: str | None = Field(
        None,
        max_length=2000,
        description="An http(s) URL to fetch and ingest (give this or `text`, not both).",
    )
    title: str | None = Field(None, max_length=500)
    published: str | None = Field(
        None,
        max_length=40,
        description="Publication date in any common form (2024-11-25, 25 November 2024), stored as YYYY-MM-DD; one that cannot be read is refused (422).",
    )

    def checked(self) -> IngestRequest:
        """The request with its date as YYYY-MM-DD; HTTPException 422 naming `published`
        when it cannot be read (nothing is stored)."""
        from armsgraph.ingest.common import DATE_HINT, normalize_date

        if self.published is None or not self.published.strip():
            return self.model_copy(update={"published": None})
        date = normalize_date(self.published)
        if date is None:
            msg = f"cannot read the date {self.published!r}; {DATE_HINT}"
            raise HTTPException(
                422, [{"loc": ["body", "published"], "msg": msg, "type": "value_error"}]
            )
        return self.model_copy(update={"published": date})


class Uploader:
    """Runs an upload through the pipeline (its extractor is built on the first upload)
    and serializes uploads: one extraction and one write at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def ingest(self, store: Store, req: IngestRequest) -> dict[str, Any]:
        from armsgraph import pipeline
        from armsgraph.ingest.text import text_document

        text = (req.text or "").strip()
        url = (req.url or "").strip()
        if bool(text) == bool(url):
            raise HTTPException(400, "give either the text of a report or a URL, not both")
        options = pipeline.Options(published=req.published)
        problems: list[InputError] = []
        if url:
            if not safe_url(url):
                raise HTTPException(400, "the URL must start with http:// or https://")
            doc = next(pipeline.documents([url], options, problems.append), None)
        else:
            try:
                doc = text_document(text.encode("utf-8"), "upload", published=req.published)
            except InputError as problem:
                problems.append(problem)
        if problems:  # what the first input at the URL could not be read as
            raise HTTPException(400, problems[0].one_line())
        if doc is None:
            raise HTTPException(400, "nothing to ingest at that URL")
        if req.title and req.title.strip():
            doc = replace(doc, title=req.title.strip())
        with self._lock:
            extraction = next(pipeline.extract([doc], options, problems.append), None)
            if extraction is None:
                raise HTTPException(500, problems[0].one_line())
            result = store.add(extraction)
        return {
            "document_id": result.document_id,
            "status": result.status,
            "events_added": result.events_added,
            "events_merged": result.events_merged,
            "skipped": extraction.skipped,
        }


def check_token(request: Request, given: str | None) -> None:
    """403 unless `given` is the app's write token (none: the app is read-only)."""
    token = request.app.state.write_token
    if token is None:
        raise HTTPException(
            403,
            f"this server is read-only: start it with --write-token or {WRITE_TOKEN_ENV} to allow uploads",
        )
    if not given or not secrets.compare_digest(given.encode("utf-8"), token.encode("utf-8")):
        raise HTTPException(403, "wrong or missing write token")


@router.get("/upload", response_class=HTMLResponse, include_in_schema=False)
def upload_form(request: Request) -> HTMLResponse:
    return render(request, "upload.html", error=None, form={})


@router.post("/upload", response_class=HTMLResponse, include_in_schema=False)
def upload(
    request: Request,
    token: Annotated[str, Form(max_length=500)] = "",
    text: Annotated[str, Form(max_length=MAX_UPLOAD_CHARS)] = "",
    url: Annotated[str, Form(max_length=2000)] = "",
    title: Annotated[str, Form(max_length=500)] = "",
    published: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    check_token(request, token)
    form = {"text": text, "url": url, "title": title, "published": published}
    try:
        req = IngestRequest(
            text=text or None, url=url or None, title=title or None, published=published or None
        )
        out = request.app.state.uploader.ingest(request.app.state.store, req.checked())
    except HTTPException as err:
        # Nothing is stored; the form comes back with what to fix.
        detail = err.detail
        if isinstance(detail, list):
            detail = "; ".join(f"{e['loc'][-1]}: {e['msg']}" for e in detail)
        return render(request, "upload.html", err.status_code, error=detail, form=form)
    return RedirectResponse(
        f"/documents/{quote(out['document_id'], safe=':@')}?{urlencode({'uploaded': out['status']})}",
        303,
    )


@router.post(
    "/api/ingest",
    tags=["store"],
    status_code=201,
    responses={
        400: {
            "model": Problem,
            "description": "Neither or both of text and url, or an unreadable URL",
        },
        403: {
            "model": Problem,
            "description": "Read-only server, or a wrong or missing write token",
        },
    },
)
def api_ingest(
    request: Request,
    req: IngestRequest,
    x_write_token: Annotated[str | None, Header(max_length=500)] = None,
    authorization: Annotated[str | None, Header(max_length=520)] = None,
) -> dict[str, Any]:
    """Ingest one report (text or URL). Needs the write token, in the X-Write-Token
    header or as `Authorization: Bearer TOKEN`; 403 without it."""
    given = x_write_token
    if not given and authorization and authorization.lower().startswith("bearer "):
        given = authorization[7:].strip()
    check_token(request, given)
    return request.app.state.uploader.ingest(request.app.state.store, req.checked())
