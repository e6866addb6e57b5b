"""What the web app shows and how: query-string filters, templates, evidence in its paragraph.

Shared by the routers (pages, api, upload): the filters a page or API call reads from its
query string, the Jinja2 environment and `render`, the 404 of an unknown id, the helpers
that arrange evidence, counts and partners for the templates, and the event types'
colours as CSS. Nothing here reads the database but through store/queries.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from functools import lru_cache
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode, urlsplit

from fastapi import Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel

from armsgraph.model import EVENT_TYPES, STATUSES
from armsgraph.money import format_money, format_value
from armsgraph.ontology import is_actor, registry
from armsgraph.store import queries
from armsgraph.store.queries import EventFilters
from armsgraph.store.queries.trust import CONFIDENCE_HELP
from armsgraph.store.store import Store

PAGE_SIZE = 25
MAX_PAGE_SIZE = 200
NETWORK_LIMIT = 1000  # events drawn in one network view: more is unreadable and slow
MAP_LIMIT = 20000  # events counted for the map; the page says when the filter matched more
PARAGRAPH_WINDOW = 700  # characters shown either side of evidence in a very long paragraph
ORDERS = tuple(queries.ORDERS)
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
FILTER_NAMES = ("actor", "type", "status", "system", "since", "until", "dates", "q")
STATUS_HELP = {
    "proposed": "planned, offered, sought, under discussion, or approved for a possible sale",
    "agreed": "signed, ordered, contracted",
    "in_progress": "under way, being built or delivered",
    "completed": "done, delivered",
    "cancelled": "called off",
}


def safe_url(url: str | None) -> str | None:
    """The URL if it may be a link (http or https); javascript: and data: URLs are not."""
    if url and urlsplit(url).scheme.lower() in ("http", "https"):
        return url
    return None


# -- templates and answers -------------------------------------------------------------------


def templates(writable: bool) -> Environment:
    """The Jinja2 environment of the pages (autoescaped), with what every template uses."""
    env = Environment(
        loader=PackageLoader("armsgraph.serve", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["urlpath"] = lambda s: quote(str(s), safe=":@")
    env.filters["money"] = format_money  # {{ amount | money(currency) }}: "$7.5 billion"
    env.filters["fact_value"] = format_value  # {{ value | fact_value(unit) }}
    # `participants | select("actor")`: who acts; `reject("actor")`: the systems and programs.
    env.tests["actor"] = lambda p: is_actor(p["role"], p.get("type"))
    env.globals.update(
        EVENT_TYPES=EVENT_TYPES,
        STATUSES=STATUSES,
        ORDERS=ORDERS,
        safe_url=safe_url,
        on_side=queries.on_side,
        STATUS_HELP=STATUS_HELP,
        label=lambda s: (s or "").replace("_", " "),
        writable=writable,
        CONFIDENCE_HELP=CONFIDENCE_HELP,
    )
    return env


def render(request: Request, name: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    """The template `name` as a page, with the request and its path."""
    env: Environment = request.app.state.templates
    html = env.get_template(name).render(request=request, path=request.url.path, **ctx)
    return HTMLResponse(html, status_code=status_code)


def wants_html(request: Request) -> bool:
    """Pages answer errors as pages; the API and static files answer JSON."""
    return not request.url.path.startswith(("/api/", "/openapi", "/static/"))


def store_of(request: Request) -> Store:
    return request.app.state.store


StoreDep = Annotated[Store, Depends(store_of)]


def one(
    store: Store, fetch: Callable[[Any, str], dict[str, Any] | None], key: str, what: str
) -> dict[str, Any]:
    """One stored record by id, or a 404 naming it."""
    with store.connect() as conn:
        found = fetch(conn, key)
    if found is None:
        raise HTTPException(404, f"no {what} {key}")
    return found


class Problem(BaseModel):
    """Why a request was refused."""

    detail: str


NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "No such id"}}


# -- query-string filters ------------------------------------------------------------------


class Filters:
    """The event filters of a page or API call, read from the query string."""

    def __init__(
        self,
        actor: Annotated[
            str | None,
            Query(
                max_length=200,
                description="An entity id (country:EGY) or a name or alias; a country also matches its organizations.",
            ),
        ] = None,
        type: Annotated[
            str | None,
            Query(
                max_length=400,
                description="Event type(s), comma-separated: " + ", ".join(EVENT_TYPES),
            ),
        ] = None,
        status: Annotated[
            str | None,
            Query(
                max_length=200, description="Status(es), comma-separated: " + ", ".join(STATUSES)
            ),
        ] = None,
        system: Annotated[
            str | None,
            Query(
                max_length=200,
                description="A system or program: whole words of its name (Bayraktar, TB2) or one of its aliases (F-16, drones).",
            ),
        ] = None,
        since: Annotated[
            str | None,
            Query(
                pattern=DATE_PATTERN,
                description="ISO date (YYYY, YYYY-MM or YYYY-MM-DD): events on or after (see dates).",
            ),
        ] = None,
        until: Annotated[
            str | None,
            Query(pattern=DATE_PATTERN, description="ISO date: events on or before (see dates)."),
        ] = None,
        dates: Annotated[
            Literal["event", "report"] | None,
            Query(
                description="Which dates since/until compare: event (default; the event's own "
                "dates, a report's date where it gives none) or report (when it was reported).",
            ),
        ] = None,
        q: Annotated[
            str | None,
            Query(max_length=200, description="Words in a source sentence or a system name."),
        ] = None,
        text: Annotated[
            str | None,
            Query(max_length=200, description="The same as q, under the CLI's name (--text)."),
        ] = None,
        include_hidden: Annotated[
            bool,
            Query(description="Also the events an analyst hid (armsgraph correct --hide)."),
        ] = False,
    ) -> None:
        q = q if q and q.strip() else text
        self.include_hidden = include_hidden
        self.values = {
            "actor": actor,
            "type": type,
            "status": status,
            "system": system,
            "since": since,
            "until": until,
            "dates": dates if dates != "event" else None,
            "q": q,
        }
        # Empty form fields arrive as "": treat them as absent so shared URLs stay short.
        self.values = {k: (v.strip() if v and v.strip() else None) for k, v in self.values.items()}
        self.values["include_hidden"] = "1" if include_hidden else None

    def event_filters(self, **extra: Any) -> EventFilters:
        v = self.values
        return EventFilters(
            actor=v["actor"],
            type=v["type"],
            status=v["status"],
            system=v["system"],
            since=v["since"],
            until=v["until"],
            dates=v["dates"] or "event",
            text=v["q"],
            **{"include_hidden": self.include_hidden, **extra},
        )

    def active(self) -> dict[str, str]:
        return {k: v for k, v in self.values.items() if v}

    def query_string(self, **changes: Any) -> str:
        params = {**self.active(), **changes}
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})


FiltersDep = Annotated[Filters, Depends()]


# -- evidence in its paragraph ---------------------------------------------------------------


def paragraph_segments(text: str, spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The paragraphs of `text` holding evidence spans, each as a list of (text, marked) pieces.

    Returned: [{"start", "segments": [{"text", "mark"}]}], one per paragraph, in text order.
    A very long paragraph (a text without line breaks) is cut to a window around its spans.
    """
    by_para: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for span in spans:
        s, e = int(span.get("start", 0)), int(span.get("end", 0))
        if not (0 <= s < e <= len(text)):
            continue  # an offset that does not fit this text marks nothing
        p_start = text.rfind("\n", 0, s) + 1
        p_end = text.find("\n", e)
        p_end = len(text) if p_end < 0 else p_end
        by_para[(p_start, p_end)].append((s, e))
    out = []
    for (p_start, p_end), marks in sorted(by_para.items()):
        marks.sort()
        lo = max(p_start, marks[0][0] - PARAGRAPH_WINDOW)
        hi = min(p_end, max(e for _, e in marks) + PARAGRAPH_WINDOW)
        segments: list[dict[str, Any]] = []
        if lo > p_start:
            segments.append({"text": "… ", "mark": False})
        pos = lo
        for s, e in marks:
            s = max(s, pos)
            if s >= e:
                continue  # overlapping spans: the first already marked this text
            if s > pos:
                segments.append({"text": text[pos:s], "mark": False})
            segments.append({"text": text[s:e], "mark": True})
            pos = e
        if pos < hi:
            segments.append({"text": text[pos:hi], "mark": False})
        if hi < p_end:
            segments.append({"text": " …", "mark": False})
        out.append({"start": p_start, "segments": segments})
    return out


def document_paragraphs(text: str, evidence: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Every paragraph of a document, split into pieces; evidence pieces carry their event."""
    marks = sorted(
        (int(e["start"]), int(e["end"]), e["event_id"], e.get("type"))
        for e in evidence
        if 0 <= int(e.get("start", 0)) < int(e.get("end", 0)) <= len(text)
    )
    paras = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        pieces: list[dict[str, Any]] = []
        cur = start
        for s, e, event_id, etype in marks:
            s, e = max(s, cur), min(e, end)
            if s >= e:
                continue
            if s > cur:
                pieces.append({"text": text[cur:s], "event_id": None})
            pieces.append({"text": text[s:e], "event_id": event_id, "type": etype})
            cur = e
        if cur < end:
            pieces.append({"text": text[cur:end], "event_id": None})
        paras.append(pieces)
    return paras


# -- what the pages count and draw -----------------------------------------------------------


def country_counts(evs: list[dict[str, Any]]) -> Counter[str]:
    """Events per ISO alpha-3 country: a country counts once per event in which it, or one of
    its organizations, people or forces, takes part (systems and programs do not count)."""
    counts: Counter[str] = Counter()
    for e in evs:
        codes = set()
        for p in e["participants"]:
            if not is_actor(p["role"], p["type"]):
                continue
            code = p["country"] or (
                p["entity_id"].split(":", 1)[1] if p["type"] == "country" else None
            )
            if code:
                codes.add(code)
        counts.update(codes)
    return counts


def partners_by_type(
    entity_id: str, evs: list[dict[str, Any]], exclude: set[str] | None = None
) -> list[dict[str, Any]]:
    """The actors an entity shares events with, and how many events of each type (the
    entities in `exclude`, a country's own organizations, are not its partners)."""
    table: dict[str, dict[str, Any]] = {}
    skip = {entity_id, *(exclude or ())}
    for e in evs:
        seen = set()
        for p in e["participants"]:
            if p["entity_id"] in skip or not is_actor(p["role"]) or p["entity_id"] in seen:
                continue
            seen.add(p["entity_id"])
            row = table.setdefault(
                p["entity_id"],
                {
                    "id": p["entity_id"],
                    "name": p["name"],
                    "type": p["type"],
                    "by_type": Counter(),
                    "n": 0,
                },
            )
            row["by_type"][e["type"]] += 1
            row["n"] += 1
    return sorted(table.values(), key=lambda r: (-r["n"], r["name"]))


def types_css() -> str:
    """The event types' colours (the registry's) as CSS: a custom property per type, read by
    the badges, the legend and the network's edges, and a `.ty-TYPE` class per type."""
    lines = [
        "/* Event-type colours, from armsgraph.ontology (data/event_types.json). */",
        ":root {",
    ]
    lines += [f"  --ty-{name}: {t.colour};" for name, t in registry().items()]
    lines.append("}")
    lines += [f".ty-{name} {{ background: var(--ty-{name}); }}" for name in registry()]
    return "\n".join(lines) + "\n"


TYPES_CSS = types_css()


@lru_cache(maxsize=1)
def numeric_codes() -> dict[str, str]:
    """ISO alpha-3 → ISO numeric country codes (the map's boundary file uses the latter)."""
    import pycountry

    return {c.alpha_3: c.numeric for c in pycountry.countries}
