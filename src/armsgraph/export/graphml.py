"""GraphML export for Gephi and networkx: actors as nodes, events as typed edges."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from armsgraph.export.csv import direction
from armsgraph.ontology import is_actor
from armsgraph.store.graph import edges_of

NS = "http://graphml.graphdrawing.org/xmlns"
NODE_KEYS = (
    ("label", "string"),
    ("entity_type", "string"),
    ("country", "string"),
    ("n_events", "int"),
)
EDGE_KEYS = (
    ("event_id", "string"),
    ("event_type", "string"),
    ("status", "string"),
    ("systems", "string"),  # canonical names, "; "-joined
    ("system_category", "string"),
    ("event_start", "string"),
    ("event_end", "string"),
    ("first_seen", "string"),
    ("last_seen", "string"),
    ("n_sources", "int"),
    ("symmetric", "boolean"),
    ("corrected", "boolean"),  # an analyst corrected or flagged the event
)


def write_graphml(events: Iterable[dict[str, Any]], path: str | Path) -> int:
    """Write the actor graph of `events`; returns the number of edges.

    Directed edges go from seller to buyer, provider to host/customer/recipient,
    participant to owner; partners and parties get one edge marked symmetric=true.
    """
    nodes: dict[str, dict[str, Any]] = {}
    edges: list[tuple[str, str, dict[str, Any]]] = []
    for ev in events:
        for p in ev["participants"]:
            if not is_actor(p["role"], p["type"]):
                continue
            node = nodes.setdefault(
                p["entity_id"],
                {
                    "label": p["name"],
                    "entity_type": p["type"],
                    "country": p["country"] or "",
                    "events": set(),
                },
            )
            node["events"].add(ev["id"])
        for a, b, directed in edges_of(ev):
            edges.append(
                (
                    a,
                    b,
                    {
                        "event_id": ev["id"],
                        "event_type": ev["type"],
                        "status": ev["status"],
                        "systems": ev["systems"] or "",
                        "system_category": direction(ev)["system_category"],
                        "event_start": (ev.get("time") or {}).get("start") or "",
                        "event_end": (ev.get("time") or {}).get("end") or "",
                        "first_seen": ev["first_seen"] or "",
                        "last_seen": ev["last_seen"] or "",
                        "n_sources": ev["n_sources"],
                        "symmetric": not directed,
                        "corrected": bool(ev.get("corrected")),
                    },
                )
            )
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}graphml")
    for name, kind in NODE_KEYS:
        ET.SubElement(
            root, f"{{{NS}}}key", {"id": name, "for": "node", "attr.name": name, "attr.type": kind}
        )
    for name, kind in EDGE_KEYS:
        ET.SubElement(
            root, f"{{{NS}}}key", {"id": name, "for": "edge", "attr.name": name, "attr.type": kind}
        )
    graph = ET.SubElement(root, f"{{{NS}}}graph", {"id": "armsgraph", "edgedefault": "directed"})
    for nid in sorted(nodes):
        node = nodes[nid]
        el = ET.SubElement(graph, f"{{{NS}}}node", {"id": nid})
        values = {
            "label": node["label"],
            "entity_type": node["entity_type"],
            "country": node["country"],
            "n_events": len(node["events"]),
        }
        for key, value in values.items():
            ET.SubElement(el, f"{{{NS}}}data", {"key": key}).text = str(value)
    for i, (a, b, attrs) in enumerate(edges):
        el = ET.SubElement(graph, f"{{{NS}}}edge", {"id": f"e{i}", "source": a, "target": b})
        for key, value in attrs.items():
            text = ("true" if value else "false") if isinstance(value, bool) else str(value)
            ET.SubElement(el, f"{{{NS}}}data", {"key": key}).text = text
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return len(edges)
