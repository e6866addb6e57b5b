"""Trend charts drawn on the server as SVG: events per year by type, deal value (USD) per year.

The geometry is computed here and written out by templates/_charts.html (autoescaped), so
a page shows its charts without any script and without a request leaving the machine.
Colours are the registry's, given as SVG `fill` attributes (not styles, which the
Content-Security-Policy forbids inline).
"""

from __future__ import annotations

import math
from typing import Any

from armsgraph.money import format_money
from armsgraph.ontology import registry

WIDTH, HEIGHT = 720, 230
LEFT, RIGHT, TOP, BOTTOM = 84, 8, 12, 28
MAX_LABELS = 14  # year labels under the axis; more would overlap


def nice_step(top: float, ticks: int = 4) -> float:
    """A round step (1, 2 or 5 times a power of ten) dividing 0..top into about `ticks`."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * power:
            return m * power
    return 10 * power


def _frame(years: list[str], top: float, label: Any) -> dict[str, Any]:
    """The axes shared by both charts: y ticks up to `top`, a slot per year, year labels."""
    step = nice_step(top)
    top = max(step, math.ceil(top / step) * step)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(years))
    every = max(1, math.ceil(len(years) / MAX_LABELS))
    ticks = []
    v = 0.0
    while v <= top + step / 2:
        ticks.append({"y": round(TOP + plot_h * (1 - v / top), 1), "label": label(v)})
        v += step
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "base": TOP + plot_h,
        "ticks": ticks,
        "scale": plot_h / top,
        "slot": slot,
        "bar": round(max(1.0, slot * 0.72), 1),
        "labels": [
            {"x": round(LEFT + slot * (i + 0.5), 1), "text": y}
            for i, y in enumerate(years)
            if i % every == 0 or i == len(years) - 1
        ],
    }


def _count_label(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def events_chart(t: dict[str, Any]) -> dict[str, Any] | None:
    """Stacked bars of events per year, one colour per type; None when no event is dated."""
    years = t["years"]
    if not years or not any(t["events"].values()):
        return None
    frame = _frame(years, max(t["events"].values()), _count_label)
    colours = {name: et.colour for name, et in registry().items()}
    bars = []
    for i, year in enumerate(years):
        x = round(LEFT + frame["slot"] * i + (frame["slot"] - frame["bar"]) / 2, 1)
        y = frame["base"]
        for ty in t["types"]:
            n = t["by_type"][year].get(ty, 0)
            if not n:
                continue
            h = n * frame["scale"]
            y -= h
            bars.append(
                {
                    "x": x,
                    "y": round(y, 1),
                    "h": round(h, 1),
                    "fill": colours.get(ty, "#888888"),
                    "type": ty,
                    "year": year,
                    "title": f"{year}: {n} {ty.replace('_', ' ')} event{'' if n == 1 else 's'}",
                }
            )
    legend = [{"type": ty, "fill": colours.get(ty, "#888888")} for ty in t["types"]]
    return {**frame, "bars": bars, "legend": legend}


def value_chart(t: dict[str, Any]) -> dict[str, Any] | None:
    """Bars of the deals' value in USD per year; None when no dated deal gives one in USD."""
    years = t["years"]
    values = t["value_usd"]
    if not years or not any(values.values()):
        return None
    frame = _frame(years, max(values.values()), lambda v: format_money(v, "USD"))
    bars = []
    for i, year in enumerate(years):
        v = values.get(year) or 0.0
        if not v:
            continue
        h = v * frame["scale"]
        n = t["deals_valued"].get(year, 0)
        bars.append(
            {
                "x": round(LEFT + frame["slot"] * i + (frame["slot"] - frame["bar"]) / 2, 1),
                "y": round(frame["base"] - h, 1),
                "h": round(h, 1),
                "year": year,
                "title": f"{year}: {format_money(v, 'USD')} over {n} deal{'' if n == 1 else 's'}",
            }
        )
    return {**frame, "bars": bars}


def trend_view(t: dict[str, Any]) -> dict[str, Any]:
    """What templates/_charts.html draws: both charts and the rows of both tables."""
    return {
        "t": t,
        "events_chart": events_chart(t),
        "value_chart": value_chart(t),
        "money": {y: format_money(v, "USD") if v else "" for y, v in t["value_usd"].items()},
    }
