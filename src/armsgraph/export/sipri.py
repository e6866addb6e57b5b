"""SIPRI-style export: arms sales and licensed/local/co-production in the trade register's columns.

The columns follow SIPRI's Trade Register export (supplier, recipient, designation,
description, armament category, order date, numbers ordered and delivered, delivery
years, status, local production, comments) so our findings can sit beside the register.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from armsgraph.export.csv import write_rows
from armsgraph.model import STATUSES
from armsgraph.ontology import is_actor, registry, sipri_types

TYPES = sipri_types()  # the types with SIPRI roles in the registry
COLUMNS = (
    "Supplier",
    "Recipient",
    "Designation",
    "Description",
    "Armament category",
    "Order date",
    "Number ordered",
    "Number delivered",
    "Delivery years",
    "Status",
    "Local production",
    "Comments",
    "armsgraph event id",
    "corrected",  # "yes" when an analyst corrected or flagged the event
)
# SIPRI's armament categories, recognised from words in our system categories and names.
CATEGORIES = (
    (
        "Air defence systems",
        ("air defence", "air defense", "air-defence", "sam system", "anti-aircraft"),
    ),
    ("Missiles", ("missile",)),
    (
        "Aircraft",
        (
            "aircraft",
            "fighter",
            "helicopter",
            "drone",
            "uav",
            "ucav",
            "unmanned aerial",
            "trainer",
            "transport plane",
        ),
    ),
    ("Armoured vehicles", ("tank", "armoured", "armored", "infantry fighting", "apc", "vehicle")),
    ("Artillery", ("artillery", "howitzer", "rocket launcher", "mortar")),
    (
        "Ships",
        (
            "ship",
            "frigate",
            "corvette",
            "submarine",
            "destroyer",
            "patrol vessel",
            "vessel",
            "boat",
        ),
    ),
    ("Sensors", ("radar", "sensor", "sonar")),
    ("Engines", ("engine", "turbofan")),
    ("Satellites", ("satellite",)),
)
AGREED = STATUSES.index("agreed")


def armament_category(text: str) -> str:
    low = text.lower()
    for category, words in CATEGORIES:
        if any(w in low for w in words):
            return category
    return ""


def sipri_row(ev: dict[str, Any]) -> dict[str, Any]:
    """One event as a register row. Numbers ordered/delivered are the reported quantity once a
    report says agreed/completed; dates and years come from the reports' publication dates."""

    def names(roles: tuple[str, ...]) -> str:
        return "; ".join(p["name"] for p in ev["participants"] if p["role"] in roles)

    roles = registry()[ev["type"]].sipri
    systems = [p for p in ev["participants"] if not is_actor(p["role"], p.get("type"))]
    description = "; ".join(
        dict.fromkeys(p.get("category") or "" for p in systems if p.get("category"))
    )
    history = ev.get("status_history", [])
    ordered_on = next(
        (h["date"] for h in history if h["status"] in STATUSES[AGREED:] and h["date"]), ""
    )
    delivery_years = sorted(
        {
            h["date"][:4]
            for h in history
            if h["status"] in ("in_progress", "completed") and h["date"]
        }
    )
    qty = ev["quantity"]
    qty_text = "" if qty is None else (str(int(qty)) if float(qty).is_integer() else str(qty))
    reached = max(
        (STATUSES.index(h["status"]) for h in history if h["status"] in STATUSES), default=-1
    )
    urls = list(dict.fromkeys(s["url"] or s["document_id"] for s in ev.get("sources", [])))
    comments = "; ".join(
        filter(
            None,
            [
                ev.get("quantity_text") and f"quantity as reported: {ev['quantity_text']}",
                (ev.get("value") or {}).get("text") and f"value: {ev['value']['text']}",
                "sources: " + " ".join(urls) if urls else "",
            ],
        )
    )
    recipient = names(roles.recipient) or names(roles.recipient_else)
    return {
        "Supplier": names(roles.supplier),
        "Recipient": recipient,
        "Designation": "; ".join(p["name"] for p in systems),
        "Description": description,
        "Armament category": armament_category(
            " ".join([description, *(p["name"] for p in systems)])
        ),
        "Order date": ordered_on,
        "Number ordered": qty_text if reached >= AGREED and ev["status"] != "cancelled" else "",
        "Number delivered": qty_text if ev["status"] == "completed" else "",
        "Delivery years": "; ".join(delivery_years),
        "Status": ev["status"],
        "Local production": "Yes" if roles.local_production else "No",
        "Comments": comments,
        "armsgraph event id": ev["id"],
        "corrected": "yes" if ev.get("corrected") else "",
    }


def write_sipri(events: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Write the events of the register's types (TYPES: arms_sale, local_production and
    co_production) as register rows (CSV)."""
    return write_rows((sipri_row(ev) for ev in events if ev["type"] in TYPES), COLUMNS, path)
