"""Watchlists: saved event filters, and the matching that turns new events and changes into notices.

Saving, listing and removing them, and reading their notices; matching is in matching.py,
what a notice says in notice.py (both re-exported here).
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
from armsgraph.model import EVENT_TYPES, STATUSES
from armsgraph.store.schema import watch_deliveries, watch_notices, watch_state, watchlists
from armsgraph.store.store import Store
from armsgraph.watch.clock import stamp
from armsgraph.watch.matching import (
    deliveries_for,
    lock,
    match_all,
    match_events,
    match_watchlist,
)
from armsgraph.watch.notice import build_notice, change_words, describe_event

FILTER_KEYS = ("actor", "type", "status", "system", "since", "until", "dates", "text")
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
CHANNELS = ("webhook", "email", "jsonl")


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
    if out.get("dates") == "event":
        del out["dates"]  # the default: the event's own dates
    if out.get("dates", "event") not in ("event", "report"):
        raise WatchlistError(
            f"unknown dates {out['dates']!r}",
            where="--dates",
            hint="use event (the event's own dates) or report (the dates it was reported)",
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
        lock(conn)
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
        n = match_events(conn, name, clean, notify=False)[1]
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
        lock(conn)
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


__all__ = [
    "CHANNELS",
    "FILTER_KEYS",
    "NAME_PATTERN",
    "WatchlistError",
    "build_notice",
    "change_words",
    "check_filters",
    "check_name",
    "check_notify",
    "deliveries_for",
    "describe_event",
    "get_watchlist",
    "list_watchlists",
    "match_all",
    "match_watchlist",
    "notices",
    "remove_watchlist",
    "save_watchlist",
    "secret_of",
]
