"""Matching watchlists: the events a watchlist matches now, compared with what it last told.

A watchlist remembers, per event it matched, what it last told (watch_state: status, the
documents reporting it, quantity, value). Each difference becomes one notice in the outbox
(watch_notices), with one delivery row per channel target (watch_deliveries), in the same
transaction that updates the memory. So a change is noticed once: a crash before the commit
leaves it to be found again, a crash after leaves it noticed, and running the match again
(or in two processes at once) finds nothing left to tell.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, insert, select, update

from armsgraph.store import queries
from armsgraph.store.schema import watch_deliveries, watch_notices, watch_state, watchlists
from armsgraph.store.store import Store
from armsgraph.watch.clock import stamp
from armsgraph.watch.notice import build_notice, state_of

_MATCH_LOCK = 0x77617463  # the PostgreSQL advisory lock matching holds ("watc")


def lock(conn: Connection) -> None:
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
        lock(conn)
        row = conn.execute(select(watchlists).where(watchlists.c.name == name)).first()
        if row is None:
            return []  # removed meanwhile
        made, _ = match_events(conn, name, json.loads(row.filters), notify=json.loads(row.notify))
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


def match_events(
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
        state = state_of(full, docs)
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
