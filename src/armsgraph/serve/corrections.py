"""Correcting an event through the web app: the form of an event page, posted with the write token.

The event page of a server started with a write token shows a form (status, the entities
of a role, hide or show, a note, who); it posts here, the token is checked as for uploads
(a read-only server or a wrong token: 403, nothing stored), and the correction is
recorded and applied by store/corrections.py. A correction that cannot apply comes back
on the page with what to fix (400). The corrections are listed on the event page and in
`/api/events/ID` (its `corrections`) whether or not the server is writable.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from armsgraph.errors import StoreError
from armsgraph.serve.pages import render_event
from armsgraph.serve.present import StoreDep
from armsgraph.serve.upload import check_token

router = APIRouter(include_in_schema=False)


def split_entities(value: str) -> list[str]:
    """The entities typed in the form, separated by commas or semicolons."""
    return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]


@router.post("/events/{event_id:path}/corrections")
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
