"""Watchlists: saved event filters, and the matching that turns new events and changes into notices.

A watchlist remembers, per event it matched, what it last told (watch_state: status, the
documents reporting it, quantity, value). Matching compares the events that match now
with that memory; each difference becomes one notice in the outbox (watch_notices), with
one delivery row per channel target (watch_deliveries), in the same transaction that
updates the memory. So a change is noticed once: a crash before the commit leaves it to
be found again, a crash after leaves it noticed, and running the match again (or in two
processes at once) finds nothing left to tell.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, delete, func, insert, select, update

from armsgraph.errors import ArmsgraphError
from armsgraph.model import EVENT_TYPES, STATUSES, content_hash
from armsgraph.money import format_money
from armsgraph.store import queries
from armsgraph.store.schema import watch_deliveries, watch_notices, watch_state, watchlists
from armsgraph.store.store import Store
from armsgraph.watch.clock import stamp

FILTER_KEYS = ("actor", "type", "status", "system", "since", "until", "text")
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
_MATCH_LOCK = 0x77617463  # the PostgreSQL advisory lock matching holds ("watc")
CHANNELS = ("webhook", "email", "jsonl")
_OBJECT_TYPES = ("weapon_system", "program")  # what is traded, not who trades


class WatchlistError(ArmsgraphError):
    """A watchlist cannot be saved, found or removed."""


# -- saving -----------------------------------------------------------------------------------


def check_name(name: str) -> str:
    name = name.strip()
    if not NAME_PATTERN.fullmatch(name) or name.endswith(".atom"):
        raise WatchlistError(
            f"the name {name!r} cannot be used",
            where="NAME",
            hint="use letters, digits, '-', '_' and '.', starting with a letter or digit "
            "(it becomes part of the feed's URL, /watch/NAME.atom)",
        )
    return name


def check_filters(filters: dict[str, Any]) -> dict[str, str]:
    """The filters with empty ones dropped; WatchlistError naming a value that is not valid."""
    out = {k: str(v).strip() for k, v in filters.items() if v is not None and str(v).strip()}
    unknown = sorted(set(out) - set(FILTER_KEYS))
    if unknown:
        raise WatchlistError(
            f"unknown filter(s) {', '.join(unknown)}", hint=f"use {', '.join(FILTER_KEYS)}"
        )
    for key, allowed in (("type", EVENT_TYPES), ("status", STATUSES)):
        for value in (v.strip() for v in out.get(key, "").split(",") if v.strip()):
            if value not in allowed:
                raise WatchlistError(
                    f"unknown {key} {value!r}", where=f"--{key}", hint=f"use {', '.join(allowed)}"
                )
    for key in ("since", "until"):
        if key in out and not _DATE.fullmatch(out[key]):
            raise WatchlistError(
                f"cannot read the date {out[key]!r}",
                where=f"--{key}",
                hint="write it as 2024, 2024-06 or 2024-06-30",
            )
    return out


def check_notify(
    webhook: str | None = None, email: Iterable[str] = (), jsonl: str | None = None
) -> dict[str, Any]:
    """The channels of a watchlist; WatchlistError naming a target that cannot work."""
    notify: dict[str, Any] = {}
    if webhook:
        parts = urlsplit(webhook.strip())
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise WatchlistError(
                "the webhook is not an http(s) URL",
                where="--webhook",
                hint="give the URL that receives the POST, e.g. https://hooks.example.org/armsgraph",
            )
        notify["webhook"] = webhook.strip()
    addresses = [a.strip() for a in email if a and a.strip()]
    for a in addresses:
        if not re.fullmatch(r"[^@\s<>,]+@[^@\s<>,]+", a):
            raise WatchlistError(
                f"not an e-mail address: {a!r}", where="--email", hint="write name@example.org"
            )
    if addresses:
        notify["email"] = sorted(set(addresses))
    if jsonl:
        path = Path(jsonl).expanduser().resolve()
        if not path.parent.is_dir():
            raise WatchlistError(
                f"directory {path.parent} does not exist",
                where="--jsonl",
                hint="create it, or give a file in an existing directory",
            )
        notify["jsonl"] = str(path)
    return notify


def _row(r: Any) -> dict[str, Any]:
    out = dict(r._mapping)
    out["filters"] = json.loads(out["filters"])
    out["notify"] = json.loads(out["notify"])
    out["has_secret"] = bool(out.pop("secret", None))
    return out


def save_watchlist(
    store: Store,
    name: str,
    filters: dict[str, Any],
    *,
    webhook: str | None = None,
    secret: str | None = None,
    email: Iterable[str] = (),
    jsonl: str | None = None,
    replace: bool = False,
    keep_notify: bool = False,
) -> dict[str, Any]:
    """Save a watchlist and record the events it matches now as known, so that it tells
    of what happens from now on. An existing name needs `replace` (its notices stay; the
    events it matches under the new filters become the known ones). `keep_notify`
    keeps the stored channels and secret (an edit of the filters only). Returns the
    watchlist with `matching`, the number of events it matches now."""
    name = check_name(name)
    clean = check_filters(filters)
    notify = check_notify(webhook, email, jsonl)
    if notify.get("webhook") and not secret and not keep_notify:
        raise WatchlistError(
            "a webhook needs a secret to sign its requests with",
            where="--secret",
            hint="give --secret (e.g. from `openssl rand -hex 32`); the receiver checks the "
            "X-Armsgraph-Signature header with it",
        )
    now = stamp()
    with store.transaction() as conn:
        _lock(conn)
        old = conn.execute(select(watchlists).where(watchlists.c.name == name)).first()
        if old is not None and not replace:
            raise WatchlistError(
                "a watchlist of that name exists",
                where=name,
                hint="choose another name, or give --replace to change it",
            )
        values = {"filters": json.dumps(clean, sort_keys=True), "updated_at": now}
        if not keep_notify or old is None:
            values.update(notify=json.dumps(notify, sort_keys=True), secret=secret or None)
        if old is None:
            conn.execute(insert(watchlists).values(name=name, created_at=now, **values))
        else:
            conn.execute(update(watchlists).where(watchlists.c.name == name).values(values))
        n = _match(conn, name, clean, notify=False)[1]
        found = conn.execute(select(watchlists).where(watchlists.c.name == name)).first()
    out = _row(found)
    out["matching"] = n
    return out


def get_watchlist(store: Store, name: str) -> dict[str, Any] | None:
    with store.connect() as conn:
        row = conn.execute(select(watchlists).where(watchlists.c.name == name)).first()
        return _with_counts(conn, [_row(row)])[0] if row else None


def list_watchlists(store: Store) -> list[dict[str, Any]]:
    """Every watchlist with its filters, channels, notices and deliveries waiting or failed."""
    with store.connect() as conn:
        rows = [_row(r) for r in conn.execute(select(watchlists).order_by(watchlists.c.name))]
        return _with_counts(conn, rows)


def _with_counts(conn: Connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts: dict[tuple[str, str], int] = {}
    q = (
        select(watch_notices.c.watchlist, watch_deliveries.c.status, func.count())
        .join(watch_notices, watch_notices.c.id == watch_deliveries.c.notice_id)
        .group_by(watch_notices.c.watchlist, watch_deliveries.c.status)
    )
    for wl, status, n in conn.execute(q):
        counts[(wl, status)] = n
    for r in rows:
        for status in ("pending", "done", "failed"):
            r[status] = counts.get((r["name"], status), 0)
    return rows


def secret_of(conn: Connection, name: str) -> str | None:
    return conn.execute(select(watchlists.c.secret).where(watchlists.c.name == name)).scalar()


def remove_watchlist(store: Store, name: str) -> None:
    """Delete a watchlist with what it remembered, its notices and their deliveries."""
    with store.transaction() as conn:
        _lock(conn)
        if conn.execute(select(watchlists.c.name).where(watchlists.c.name == name)).first() is None:
            raise WatchlistError(
                "no such watchlist", where=name, hint="`armsgraph watch list` shows the watchlists"
            )
        ids = select(watch_notices.c.id).where(watch_notices.c.watchlist == name)
        conn.execute(delete(watch_deliveries).where(watch_deliveries.c.notice_id.in_(ids)))
        conn.execute(delete(watch_notices).where(watch_notices.c.watchlist == name))
        conn.execute(delete(watch_state).where(watch_state.c.watchlist == name))
        conn.execute(delete(watchlists).where(watchlists.c.name == name))


def notices(store: Store, name: str, *, limit: int | None = 50) -> list[dict[str, Any]]:
    """The latest notices of a watchlist, newest first, each with its deliveries."""
    with store.connect() as conn:
        q = (
            select(watch_notices)
            .where(watch_notices.c.watchlist == name)
            .order_by(watch_notices.c.created_at.desc(), watch_notices.c.id.desc())
            .limit(limit)
        )
        out = []
        for r in conn.execute(q).all():
            item = dict(r._mapping)
            item["payload"] = json.loads(item["payload"])
            out.append(item)
        ids = [n["id"] for n in out]
        by_notice: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
        if ids:
            for d in conn.execute(
                select(watch_deliveries).where(watch_deliveries.c.notice_id.in_(ids))
            ):
                by_notice[d.notice_id].append(dict(d._mapping))
        for n in out:
            n["deliveries"] = sorted(by_notice[n["id"]], key=lambda d: (d["channel"], d["target"]))
    return out


# -- matching -----------------------------------------------------------------------------------


def _lock(conn: Connection) -> None:
    """Matching and saving watchlists run one at a time per database (SQLite's write lock
    does this already; PostgreSQL takes an advisory lock for the transaction)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MATCH_LOCK})")


def match_all(store: Store) -> list[dict[str, Any]]:
    """Match every watchlist (each in its own transaction); the notices made, oldest first."""
    with store.connect() as conn:
        names = list(conn.execute(select(watchlists.c.name).order_by(watchlists.c.name)).scalars())
    made: list[dict[str, Any]] = []
    for name in names:
        made += match_watchlist(store, name)
    return made


def match_watchlist(store: Store, name: str) -> list[dict[str, Any]]:
    """Compare the events `name` matches now with what it last told; write one notice per
    event that is new to it or changed, with its deliveries, in one transaction."""
    with store.transaction() as conn:
        _lock(conn)
        row = conn.execute(select(watchlists).where(watchlists.c.name == name)).first()
        if row is None:
            return []  # removed meanwhile
        made, _ = _match(conn, name, json.loads(row.filters), notify=json.loads(row.notify))
        if made:
            conn.execute(
                update(watchlists)
                .where(watchlists.c.name == name)
                .values(
                    last_match_at=made[-1]["created"],
                    n_notices=watchlists.c.n_notices + len(made),
                )
            )
    return made


def _state_of(ev: dict[str, Any], sources: list[str]) -> dict[str, Any]:
    value = ev.get("value") or {}
    return {
        "status": ev["status"],
        "sources": sources,
        "quantity": ev.get("quantity"),
        "value_amount": value.get("amount"),
        "value_currency": value.get("currency"),
    }


def _match(
    conn: Connection, name: str, filters: dict[str, str], *, notify: dict[str, Any] | bool
) -> tuple[list[dict[str, Any]], int]:
    """Notices for the events matching `filters` that differ from the state remembered for
    `name` (none when `notify` is False: the state is only recorded); returns them and the
    number of events matching."""
    evs = queries.events(conn, queries.EventFilters(**filters, limit=None))
    known = {
        r.event_id: r
        for r in conn.execute(select(watch_state).where(watch_state.c.watchlist == name))
    }
    now = stamp()
    made: list[dict[str, Any]] = []
    for ev in evs:
        old = known.get(ev["id"])
        value = ev.get("value") or {}
        if old is not None and (
            old.status == ev["status"]
            and len(json.loads(old.sources)) == ev["n_sources"]
            and old.quantity == ev.get("quantity")
            and old.value_amount == value.get("amount")
            and old.value_currency == value.get("currency")
        ):
            continue  # nothing new (the usual case: no need to read its reports)
        full = queries.event(conn, ev["id"])
        if full is None:
            continue
        docs = sorted({s["document_id"] for s in full["sources"]})
        state = _state_of(full, docs)
        previous = None
        if old is not None:
            previous = {
                "status": old.status,
                "sources": json.loads(old.sources),
                "quantity": old.quantity,
                "value_amount": old.value_amount,
                "value_currency": old.value_currency,
            }
            if previous == state:
                continue
        row = {**state, "sources": json.dumps(docs), "updated_at": now}
        if old is None:
            conn.execute(insert(watch_state).values(watchlist=name, event_id=ev["id"], **row))
        else:
            conn.execute(
                update(watch_state)
                .where(watch_state.c.watchlist == name, watch_state.c.event_id == ev["id"])
                .values(row)
            )
        if notify is False:
            continue
        notice = build_notice(name, full, previous, now)
        made.append(notice)
        conn.execute(
            insert(watch_notices).values(
                id=notice["id"],
                watchlist=name,
                event_id=full["id"],
                kind=notice["kind"],
                summary=notice["summary"],
                payload=json.dumps(notice, ensure_ascii=False, sort_keys=True),
                created_at=now,
            )
        )
        targets = deliveries_for(notify if isinstance(notify, dict) else {})
        if targets:
            conn.execute(
                insert(watch_deliveries),
                [
                    {
                        "notice_id": notice["id"],
                        "channel": channel,
                        "target": target,
                        "status": "pending",
                        "attempts": 0,
                        "next_attempt_at": now,
                    }
                    for channel, target in targets
                ],
            )
    return made, len(evs)


def deliveries_for(notify: dict[str, Any]) -> list[tuple[str, str]]:
    """(channel, target) of each delivery a notice gets from the watchlist's channels."""
    out = []
    if notify.get("webhook"):
        out.append(("webhook", notify["webhook"]))
    for address in notify.get("email") or []:
        out.append(("email", address))
    if notify.get("jsonl"):
        out.append(("jsonl", notify["jsonl"]))
    return out


# -- what a notice says --------------------------------------------------------------------------


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
        json.dumps(_state_of(ev, sorted({s["document_id"] for s in sources})), sort_keys=True),
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
