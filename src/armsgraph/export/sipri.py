"""SIPRI-style export: arms sales and licensed/local/co-production in the trade register's columns.

The columns follow SIPRI's Trade Register export (supplier, recipient, designation,
description, armament category, order year, numbers ordered and delivered, delivery
years, status, local production, comments) so our findings can sit beside the register,
with the ISO alpha-3 codes of supplier and recipient and our system category added.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from armsgraph.export.csv import joined, write_rows
from armsgraph.model import STATUSES
from armsgraph.money import format_money
from armsgraph.ontology import is_actor, registry, sipri_types

TYPES = sipri_types()  # the types with SIPRI roles in the registry
COLUMNS = (
    "Supplier",
    "Supplier ISO3",
    "Recipient",
    "Recipient ISO3",
    "Designation",
    "Description",
    "Armament category",
    "System category",
    "Order year",
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


# Outside SIPRI's categories (its register leaves out trucks and other unarmed vehicles).
NOT_IN_SIPRI = ("truck", "utility vehicle", "jeep")


def armament_category(text: str) -> str:
    low = text.lower()
    if any(w in low for w in NOT_IN_SIPRI):
        return ""
    for category, words in CATEGORIES:
        if any(w in low for w in words):
            return category
    return ""


MAX_SPAN = 30  # years a stated period may cover and still count as delivery years


def years_of(time: dict[str, Any] | None) -> list[int]:
    """The years a report's date of the event covers ("in 2019" → [2019], "from 2021 to
    2023" → [2021, 2022, 2023]); [] when the report gives none."""
    time = time or {}
    ends = [int(d[:4]) for d in (time.get("start"), time.get("end")) if d and d[:4].isdigit()]
    if not ends or max(ends) - min(ends) > MAX_SPAN:
        return ends[:1]
    return list(range(min(ends), max(ends) + 1))


def order_and_delivery(ev: dict[str, Any]) -> tuple[str, str]:
    """SIPRI's order year and delivery years, from the event's dates as its reports give
    them: the year a report saying "agreed" dates the deal to, the years reports saying
    "in progress" or "completed" date it to; empty when no report dates it (a report's
    publication date is when it was told, not when the deal was signed or delivered)."""
    sources = ev.get("sources", [])
    ordered = next(
        (
            years_of(s.get("time"))
            for s in sources
            if s["status"] == "agreed" and years_of(s.get("time"))
        ),
        [],
    )
    delivered = sorted(
        {
            y
            for s in sources
            if s["status"] in ("in_progress", "completed")
            for y in years_of(s.get("time"))
        }
    )
    return (str(ordered[0]) if ordered else "", "; ".join(map(str, delivered)))


def sipri_row(ev: dict[str, Any]) -> dict[str, Any]:
    """One event as a register row. Numbers ordered/delivered are the reported quantity once a
    report says agreed/completed; order and delivery years are the event's (order_and_delivery)."""

    def sided(roles: tuple[str, ...]) -> list[dict[str, Any]]:
        return [p for p in ev["participants"] if p["role"] in roles]

    roles = registry()[ev["type"]].sipri
    systems = [p for p in ev["participants"] if not is_actor(p["role"], p.get("type"))]
    description = joined(p.get("category") for p in systems)
    history = ev.get("status_history", [])
    order_year, delivery_years = order_and_delivery(ev)
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
                _value(ev.get("value")),
                "sources: " + " ".join(urls) if urls else "",
            ],
        )
    )
    suppliers = sided(roles.supplier)
    recipients = sided(roles.recipient) or sided(roles.recipient_else)
    return {
        "Supplier": joined(p["name"] for p in suppliers),
        "Supplier ISO3": joined(p.get("country") for p in suppliers),
        "Recipient": joined(p["name"] for p in recipients),
        "Recipient ISO3": joined(p.get("country") for p in recipients),
        "Designation": joined(p["name"] for p in systems),
        "Description": description.replace("_", " "),
        "Armament category": armament_category(
            " ".join([description.replace("_", " "), *(p["name"] for p in systems)])
        ),
        "System category": description,
        "Order year": order_year,
        "Number ordered": qty_text if reached >= AGREED and ev["status"] != "cancelled" else "",
        "Number delivered": qty_text if ev["status"] == "completed" else "",
        "Delivery years": delivery_years,
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


def _value(value: dict | None) -> str:
    """The comment on an event's value: "$7.5 billion" (money.format_money), else as reported."""
    value = value or {}
    if value.get("amount") is not None:
        return f"value: {format_money(value['amount'], value.get('currency'))}"
    return f"value: {value['text']}" if value.get("text") else ""
