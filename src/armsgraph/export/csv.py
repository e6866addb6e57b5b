"""CSV export: one row per event — supplier → recipient with ISO3 codes, systems by canonical
name and category, participants in one column per role, source URLs joined."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from armsgraph.ontology import column_roles, is_actor
from armsgraph.store.queries.events import on_side

ROLES = column_roles()  # one column per role, in the registry's order
COLUMNS = (
    "id",
    "type",
    "status",
    "flow",  # "supplier → recipient" ("A ↔ B" for partners and parties)
    "suppliers",  # (not "recipient": that is a role's column)
    "supplier_iso3",
    "recipients",
    "recipient_iso3",
    "systems",  # canonical names
    "system_category",
    "first_seen",
    "last_seen",
    *ROLES,
    "other_participants",
    "time_text",
    "time_start",
    "time_end",
    "quantity",
    "quantity_text",
    "value_amount",
    "value_currency",
    "value_text",
    "confidence",
    "n_sources",
    "status_history",
    "source_urls",
    "evidence",
    "corrected",  # "yes" when an analyst corrected or flagged the event (armsgraph corrections)
)


def joined(values: Iterable[str | None]) -> str:
    """Distinct non-empty values in their order, "; "-joined."""
    return "; ".join(dict.fromkeys(v for v in values if v))


def direction(ev: dict[str, Any]) -> dict[str, str]:
    """The flow columns of an event: who supplies and who receives (names and ISO alpha-3
    codes of their countries), its systems' canonical names and categories."""
    suppliers, recipients = on_side(ev, "supplier"), on_side(ev, "receiver")
    things = [p for p in ev["participants"] if not is_actor(p["role"], p.get("type"))]
    return {
        "flow": ev.get("flow") or "",
        "suppliers": joined(p["name"] for p in suppliers),
        "supplier_iso3": joined(p.get("country") for p in suppliers),
        "recipients": joined(p["name"] for p in recipients),
        "recipient_iso3": joined(p.get("country") for p in recipients),
        "systems": ev.get("systems") or "",
        "system_category": joined(p.get("category") for p in things),
    }


def flat_row(ev: dict[str, Any]) -> dict[str, Any]:
    """One event as a flat dict of COLUMNS (lists joined with "; ")."""
    row: dict[str, Any] = {c: "" for c in COLUMNS}
    row.update(direction(ev))
    by_role: dict[str, list[str]] = {}
    for p in ev["participants"]:
        by_role.setdefault(p["role"], []).append(p["name"])
    for role, names in by_role.items():
        key = role if role in ROLES else "other_participants"
        label = names if key == role else [f"{role}: {n}" for n in names]
        row[key] = "; ".join(filter(None, [row[key], *label]))
    time, value = ev.get("time") or {}, ev.get("value") or {}
    sources = ev.get("sources", [])
    row.update(
        id=ev["id"],
        type=ev["type"],
        status=ev["status"],
        first_seen=ev["first_seen"] or "",
        last_seen=ev["last_seen"] or "",
        time_text=time.get("text") or "",
        time_start=time.get("start") or "",
        time_end=time.get("end") or "",
        quantity=ev["quantity"] if ev["quantity"] is not None else "",
        quantity_text=ev["quantity_text"] or "",
        value_amount=value.get("amount") if value.get("amount") is not None else "",
        value_currency=value.get("currency") or "",
        value_text=value.get("text") or "",
        confidence=ev["confidence"],
        n_sources=ev["n_sources"],
        status_history="; ".join(
            f"{h['date'] or 'undated'} {h['status']}" for h in ev.get("status_history", [])
        ),
        source_urls="; ".join(dict.fromkeys(s["url"] or s["document_id"] for s in sources)),
        evidence=" | ".join(dict.fromkeys(s["text"] or "" for s in sources)),
        corrected="yes" if ev.get("corrected") else "",
    )
    return row


def write_rows(rows: Iterable[dict[str, Any]], columns: Iterable[str], path: str | Path) -> int:
    """Write dict rows as CSV (UTF-8, header row of `columns`); returns the number of rows."""
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(columns))
        w.writeheader()
        for row in rows:
            w.writerow(row)
            n += 1
    return n


def write_csv(events: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Write events as CSV (UTF-8, header row); returns the number of rows."""
    return write_rows((flat_row(ev) for ev in events), COLUMNS, path)
