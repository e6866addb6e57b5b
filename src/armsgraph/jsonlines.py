"""JSON Lines read line by line; what a bad line means (an error, a problem listed) is the caller's."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple


class JsonLine(NamedTuple):
    """One non-blank line: where it stands, and its value or why it is not JSON."""

    where: str  # "name:line"
    number: int  # the line's number, from 1
    value: Any  # the parsed JSON; None when `problem` is set
    problem: str | None  # e.g. "not valid JSON (Expecting value)"; None for a good line


def json_lines(lines: Iterable[str], name: str) -> Iterator[JsonLine]:
    """The non-blank `lines` of the file `name`, each parsed; a line that is not JSON comes
    with its problem instead of raising, so each reader raises its own error with its hint."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value, problem = json.loads(line), None
        except json.JSONDecodeError as exc:
            value, problem = None, f"not valid JSON ({exc.msg})"
        yield JsonLine(f"{name}:{number}", number, value, problem)
