"""CLI verb `trends`: events per year by type and the value of deals per year (SIPRI's trend tables)."""

from __future__ import annotations

from typing import Any

from armsgraph.cli.app import app
from armsgraph.cli.options import DbOption, FormatOption, event_filters, filter_options, open_store
from armsgraph.cli.output import Format, emit, fail, say
from armsgraph.errors import StoreError
from armsgraph.money import format_money


def trend_rows(t: dict[str, Any], fmt: Format) -> list[dict[str, Any]]:
    """One row per year with an event, latest first. CSV and JSON: events, one column per
    type, value_usd, deals_valued; the table: the types in one column, money in words."""
    rows = []
    for year in reversed(t["years"]):
        if not t["events"][year]:
            continue
        counts = {ty: t["by_type"][year].get(ty, 0) for ty in t["types"]}
        value = t["value_usd"][year]
        if fmt is Format.table:
            rows.append(
                {
                    "year": year,
                    "events": t["events"][year],
                    "by type": ", ".join(
                        f"{ty.replace('_', ' ')} {n}" for ty, n in counts.items() if n
                    ),
                    "value (USD)": format_money(value, "USD") if value else "",
                    "deals valued": t["deals_valued"][year] or "",
                }
            )
            continue
        rows.append(
            {
                "year": year,
                "events": t["events"][year],
                **counts,
                "value_usd": value,
                "deals_valued": t["deals_valued"][year],
            }
        )
    return rows


@app.command("trends")
@filter_options
def trends_cmd(
    db: DbOption = None,
    filters: dict[str, str | None] | None = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Events per year by type and the value in US dollars of deals per year.

    A year is that of the event's own date, else of its first report; undated events are
    counted apart. Values sum the deals (sales, licences, upgrades ...) priced in dollars.

    Example: armsgraph trends --actor Pakistan --format csv
    """
    store = open_store(db)
    try:
        f = event_filters(**{**(filters or {}), "limit": None})
        t = store.trends(f)
    except (StoreError, ValueError) as err:
        fail(err if isinstance(err, StoreError) else StoreError(str(err), hint="see --help"))
    emit(trend_rows(t, fmt), fmt, title="Events and deal value per year", full=None)
    if fmt is Format.table and (t["undated"] or t["other_currency"]):
        say(
            f"{t['undated']} undated event(s) not counted by year; "
            f"{t['other_currency']} deal value(s) in other currencies not summed"
        )
