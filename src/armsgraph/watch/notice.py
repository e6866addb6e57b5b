"""What a notice says: the change to an event a watchlist was told of, in data and in words,
with the evidence sentence of each source behind it."""

from __future__ import annotations

import json
from typing import Any

from armsgraph.model import content_hash
from armsgraph.money import format_money

_OBJECT_TYPES = ("weapon_system", "program")  # what is traded, not who trades


def state_of(ev: dict[str, Any], sources: list[str]) -> dict[str, Any]:
    value = ev.get("value") or {}
    return {
        "status": ev["status"],
        "sources": sources,
        "quantity": ev.get("quantity"),
        "value_amount": value.get("amount"),
        "value_currency": value.get("currency"),
    }


def _label(s: str | None) -> str:
    return (s or "").replace("_", " ")


def describe_event(ev: dict[str, Any]) -> str:
    """One line naming an event: its type, actors by role, and systems."""
    roles: dict[str, list[str]] = {}
    systems: list[str] = []
    for p in ev.get("participants") or []:
        if p["type"] in _OBJECT_TYPES or p["role"] in ("system", "program"):
            systems.append(p["name"])
        else:
            roles.setdefault(p["role"], []).append(p["name"])
    parts = [_label(ev["type"])]
    if roles:
        parts.append("; ".join(f"{role} {', '.join(names)}" for role, names in roles.items()))
    if systems:
        parts.append(", ".join(dict.fromkeys(systems)))
    return " — ".join(parts)


def _money(amount: float | None, currency: str | None) -> str:
    if amount is None:
        return "none"
    return format_money(amount, currency)


def _number(q: float | None) -> str:
    if q is None:
        return "none"
    return f"{q:g}"


def _evidence(src: dict[str, Any]) -> dict[str, Any]:
    return {
        "text": src.get("text"),
        "url": src.get("url"),
        "title": src.get("title"),
        "published": src.get("published"),
        "status": src.get("status"),
        "document_id": src["document_id"],
    }


def build_notice(
    watchlist: str, ev: dict[str, Any], previous: dict[str, Any] | None, created: str
) -> dict[str, Any]:
    """The notice of a change to `ev` (None `previous`: new to the watchlist): what
    changed, in data and in words, and the evidence sentence of each source behind it."""
    sources = ev["sources"]
    changes: list[dict[str, Any]] = []
    cited: list[dict[str, Any]] = []
    if previous is None:
        kind = "new"
        changes.append({"what": "new", "status": ev["status"]})
        # Known to the store before, but new to this watchlist: say where it came from.
        history = [h["status"] for h in ev.get("status_history") or []]
        earlier = [s for s in history[:-1] if s != ev["status"]]
        if earlier:
            changes.append({"what": "status", "from": earlier[-1], "to": ev["status"]})
        cited = sources[-3:]
    else:
        kind = "changed"
        added = [s for s in sources if s["document_id"] not in set(previous["sources"])]
        if previous["status"] != ev["status"]:
            changes.append({"what": "status", "from": previous["status"], "to": ev["status"]})
            giving = [s for s in sources if s["status"] == ev["status"]]
            cited += giving[-1:]
        if added:
            changes.append(
                {
                    "what": "source",
                    "added": [
                        {k: s.get(k) for k in ("document_id", "url", "title", "published")}
                        for s in added
                    ],
                }
            )
            cited += added
        value = ev.get("value") or {}
        if previous["quantity"] != ev.get("quantity"):
            changes.append(
                {
                    "what": "quantity",
                    "from": previous["quantity"],
                    "to": ev.get("quantity"),
                    "text": ev.get("quantity_text"),
                }
            )
        if (previous["value_amount"], previous["value_currency"]) != (
            value.get("amount"),
            value.get("currency"),
        ):
            changes.append(
                {
                    "what": "value",
                    "from": {
                        "amount": previous["value_amount"],
                        "currency": previous["value_currency"],
                    },
                    "to": {"amount": value.get("amount"), "currency": value.get("currency")},
                    "text": value.get("text"),
                }
            )
        if not cited:
            cited = sources[-1:]
    seen: set[tuple[str, Any]] = set()
    evidence = []
    for s in cited:
        key = (s["document_id"], s.get("local_event_id"))
        if key not in seen:
            seen.add(key)
            evidence.append(_evidence(s))
    words = [change_words(c) for c in changes]
    summary = f"{describe_event(ev)}: {'; '.join(words)}"
    notice_id = content_hash(
        watchlist,
        ev["id"],
        json.dumps(state_of(ev, sorted({s["document_id"] for s in sources})), sort_keys=True),
        length=40,
    )
    event = {
        k: ev.get(k)
        for k in (
            "id", "type", "status", "first_seen", "last_seen", "time", "quantity",
            "quantity_text", "value", "n_sources", "systems", "participants",
        )
    }  # fmt: skip
    return {
        "id": notice_id,
        "watchlist": watchlist,
        "kind": kind,
        "created": created,
        "summary": summary,
        "changes": changes,
        "event": event,
        "evidence": evidence,
        "links": {
            "event": f"/events/{ev['id']}",
            "api": f"/api/events/{ev['id']}",
            "feed": f"/watch/{watchlist}.atom",
        },
    }


def change_words(c: dict[str, Any]) -> str:
    what = c["what"]
    if what == "new":
        return f"new event ({_label(c['status'])})"
    if what == "status":
        return f"status {_label(c['from'])} → {_label(c['to'])}"
    if what == "source":
        urls = [a.get("url") or a["document_id"] for a in c["added"]]
        return f"new source{'s' if len(urls) > 1 else ''}: {', '.join(urls)}"
    if what == "quantity":
        return f"quantity {_number(c['from'])} → {_number(c['to'])}"
    if what == "value":
        return (
            f"value {_money(c['from']['amount'], c['from']['currency'])} → "
            f"{_money(c['to']['amount'], c['to']['currency'])}"
        )
    return what
