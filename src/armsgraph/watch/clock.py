"""Instants as fixed-width UTC text, durations as words, and leases that a killed process gives up."""

from __future__ import annotations

import os
import re
import socket
import time
from datetime import UTC, datetime

from sqlalchemy import Column, or_

from armsgraph.errors import ArmsgraphError


def stamp(t: float | None = None) -> str:
    """The instant `t` (seconds since the epoch; now when None) as ISO 8601 UTC text of a
    fixed width, so that instants compare as text in SQLite and PostgreSQL alike."""
    when = datetime.fromtimestamp(time.time() if t is None else t, UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_stamp(text: str) -> float:
    """Seconds since the epoch of a `stamp`."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str | float, *, what: str = "--every") -> int:
    """Seconds of a duration written 30m, 2h, 1d, 45s or a number of seconds."""
    if isinstance(value, int | float):
        return int(value)
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", value.lower())
    if not m:
        raise ArmsgraphError(
            f"cannot read the duration {value!r}",
            where=what,
            hint="give a number with s, m, h or d, e.g. 30m, 2h, 1d",
        )
    return int(float(m[1]) * _UNITS[m[2] or "s"])


def words(seconds: float) -> str:
    """A duration for people: 45s, 30m, 2h, 1d 6h."""
    s = round(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m" + (f" {s % 60}s" if s % 60 else "")
    if s < 86400:
        return f"{s // 3600}h" + (f" {s % 3600 // 60}m" if s % 3600 // 60 else "")
    return f"{s // 86400}d" + (f" {s % 86400 // 3600}h" if s % 86400 // 3600 else "")


def owner_id() -> str:
    """Who holds a lease: this machine and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _dead_owners_here(owners: list[str]) -> list[str]:
    """Of the lease owners given, those that were processes of this machine and are gone
    (killed, crashed): their leases may be taken at once instead of when they expire."""
    host = socket.gethostname()
    dead = []
    for owner in owners:
        name, _, pid = owner.rpartition(":")
        if name != host or not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            dead.append(owner)
        except PermissionError:
            pass  # alive, another user's
    return dead


def lease_free(owner_col: Column, until_col: Column, now: str, held_by: list[str]) -> object:
    """The condition "this row's lease may be taken now": none, expired, or held by a
    process of this machine that is gone. `held_by` lists the owners seen on candidate rows."""
    dead = _dead_owners_here(held_by)
    cond = [owner_col.is_(None), until_col.is_(None), until_col < now]
    if dead:
        cond.append(owner_col.in_(dead))
    return or_(*cond)
