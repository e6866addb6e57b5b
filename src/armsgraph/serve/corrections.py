"""Correcting an event through the web app: the form of an event page, posted with the write token.

The event page of a server started with a write token shows a form (status, the entities
of a role, hide or show, a note, who); it posts here, the token is checked as for uploads
(a read-only server or a wrong token: 403, nothing stored), and the correction is
recorded and applied by store/corrections.py. A correction that cannot apply comes back
on the page with what to fix (400). The corrections are listed on the event page and in
`/api/events/ID` (its `corrections`) whether or not the server is writable.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Header, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from armsgraph.errors import StoreError
from armsgraph.serve.pages import render_event
from armsgraph.serve.present import Problem, StoreDep
from armsgraph.serve.upload import check_token

router = APIRouter()


def split_entities(value: str) -> list[str]:
    """The entities typed in the form, separated by commas or semicolons."""
    return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]


@router.post("/events/{event_id:path}/corrections", include_in_schema=False)
def correct_event(
    request: Request,
    store: StoreDep,
    event_id: str,
    token: Annotated[str, Form(max_length=500)] = "",
    by: Annotated[str, Form(max_length=200)] = "",
    status: Annotated[str, Form(max_length=32)] = "",
    role: Annotated[str, Form(max_length=64)] = "",
    entities: Annotated[str, Form(max_length=2000)] = "",
    visibility: Annotated[str, Form(max_length=16)] = "",
    note: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    check_token(request, token)
    form = {
        "by": by,
        "status": status,
        "role": role,
        "entities": entities,
        "visibility": visibility,
        "note": note,
    }
    try:
        if not by.strip():
            raise StoreError("who corrects is missing", hint="fill in “Your name”")
        rows = store.correct(
            event_id,
            by=by,
            status=status or None,
            roles={role: split_entities(entities)} if role else None,
            hidden={"hide": True, "show": False}.get(visibility),
            note=note,
        )
    except StoreError as err:
        return render_event(request, store, event_id, 400, error=err.one_line(), form=form)
    target = rows[0]["current_event_id"] if rows else event_id
    return RedirectResponse(f"/events/{quote(target, safe=':@')}?corrected=1#corrections", 303)


# -- the JSON API ----------------------------------------------------------------------------


class CorrectionRequest(BaseModel):
    """An analyst's correction of one event, as `armsgraph correct` takes it."""

    by: str = Field(..., min_length=1, max_length=200, description="Who corrects.")
    status: str | None = Field(
        None, max_length=32, description="The event's status (proposed, agreed, …)."
    )
    roles: dict[str, list[Annotated[str, Field(max_length=300)]]] | None = Field(
        None,
        max_length=20,
        description='Role -> the entities that hold it (ids or names); [] removes the role. {"seller": ["country:FRA"]}',
    )
    hidden: bool | None = Field(None, description="Hide (true) or show again (false).")
    note: str | None = Field(None, max_length=4000, description="Why; alone, it flags the event.")


@router.get("/api/corrections", tags=["corrections"])
def api_corrections(
    store: StoreDep,
    event: Annotated[
        str | None, Query(max_length=200, description="Only the corrections of this event.")
    ] = None,
) -> dict[str, Any]:
    """Analysts' corrections, oldest first: event_id (as corrected), current_event_id,
    field, old_value/new_value and old/new in words, note, by, at."""
    return {"corrections": store.corrections(event)}


@router.post(
    "/api/events/{event_id:path}/corrections",
    tags=["corrections"],
    status_code=201,
    responses={
        400: {"model": Problem, "description": "An unknown event, status, role or entity"},
        403: {
            "model": Problem,
            "description": "Read-only server, or a wrong or missing write token",
        },
    },
)
def api_correct(
    request: Request,
    store: StoreDep,
    event_id: str,
    req: CorrectionRequest,
    x_write_token: Annotated[str | None, Header(max_length=500)] = None,
    authorization: Annotated[str | None, Header(max_length=520)] = None,
) -> dict[str, Any]:
    """Correct, flag or hide one event (as `armsgraph correct`). Needs the write token, in
    the X-Write-Token header or as `Authorization: Bearer TOKEN`; 403 without it."""
    given = x_write_token
    if not given and authorization and authorization.lower().startswith("bearer "):
        given = authorization[7:].strip()
    check_token(request, given)
    try:
        rows = store.correct(event_id, **req.model_dump())
    except StoreError as err:
        raise HTTPException(400, err.one_line()) from err
    return {"corrections": rows}
