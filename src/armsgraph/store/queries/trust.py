"""What a reader needs to weigh an event: who says so, hedges, refusals and denials of each
report, what the confidence number means, and why several reports became one event."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from armsgraph.ontology import is_actor
from armsgraph.resolve.merge import MAX_YEAR_GAP, object_ids, years

CONFIDENCE_HELP = (
    "Confidence, from 0 to 1, is how sure the extractor is that its evidence states this "
    "event (higher when the sentence names both sides, a system and a clear status word; a "
    "merged event keeps its best report's), not whether the report is true."
)


@lru_cache(maxsize=1)
def _denial_verbs() -> tuple[str, ...]:
    """The verbs of a denial ("denied", "rejected"), from the extractor's word lists."""
    from armsgraph.extract.ontology import load_ontology

    return tuple(v.lower() for v in load_ontology().words.denial_verbs)


def is_denial(stance: str) -> bool:
    """Whether a comment's words deny the claim ("denied supplying") rather than refuse to
    comment on it ("declined to comment", "did not respond")."""
    words = stance.lower().split()
    return any(v in words for v in _denial_verbs())


def claims_of(local: dict[str, Any]) -> dict[str, Any]:
    """What one report says about who stands behind its claim, from the event as extracted
    (event_sources.local_json): {said_by, via, hedge, refusals, denials}, each comment as
    {source, stance, text}."""
    a = local.get("attribution") or {}
    out: dict[str, Any] = {
        "said_by": a.get("source") or None,
        "via": a.get("via") or None,
        "hedge": a.get("hedge") or None,
        "refusals": [],
        "denials": [],
    }
    for c in local.get("comments") or []:
        item = {
            "source": c.get("source") or "",
            "stance": c.get("stance") or "",
            "text": (c.get("evidence") or {}).get("text") or "",
        }
        out["denials" if is_denial(item["stance"]) else "refusals"].append(item)
    return out


def merge_reasons(ev: dict[str, Any], locals_: list[dict[str, Any]]) -> list[str] | None:
    """Why the reports of a merged event are one event, in the words of resolve/merge.py's
    rule; None for an event of one report."""
    if len(ev["sources"]) < 2:
        return None
    actors: dict[str, list[str]] = {}
    for p in ev["participants"]:
        if is_actor(p["role"], p["type"]):
            actors.setdefault(p["role"].replace("_", " "), []).append(p["name"])
    names = {p["entity_id"]: p["name"] for p in ev["participants"]}
    reasons = [
        f"They report the same kind of event ({ev['type'].replace('_', ' ')}) with the same "
        "actors in the same roles: "
        + "; ".join(f"{role} {', '.join(who)}" for role, who in actors.items())
        + "."
    ]
    objects = [object_ids(e) for e in locals_]
    named = [o for o in objects if o]
    if not named:
        reasons.append("None of them names a system, so none tells them apart.")
    else:
        shared = frozenset.intersection(*named)
        what = ", ".join(sorted(names.get(i, i) for i in shared)) if shared else "the same system"
        some = "" if len(named) == len(objects) else f" ({len(objects) - len(named)} name none)"
        reasons.append(f"Their systems agree: {what}{some}.")
    spans = [y for y in (years(e) for e in locals_) if y]
    if not spans:
        reasons.append("None of them dates the event, so no date tells them apart.")
    else:
        lo, hi = min(s[0] for s in spans), max(s[1] for s in spans)
        when = str(lo) if lo == hi else f"{lo}–{hi}"
        undated = len(locals_) - len(spans)
        rest = f"; {undated} give no date" if undated else ""
        reasons.append(
            f"Each dated report is within {MAX_YEAR_GAP} years of another ({when}){rest}."
        )
    return reasons
