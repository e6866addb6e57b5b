"""What the CLI prints to a terminal: untrusted text made inert, one place for all commands.

Reports, feeds, WARC headers, file names and JSON Lines fields are written by others. Their
control characters (ESC and CSI sequences, OSC 8 links, BEL, backspace, carriage return,
newline) would move the cursor, recolor, retitle or hyperlink the user's terminal, or split
a one-line error in two, so every such string passes `safe` before it is printed: each
control character is shown as its escape (`\\x1b`, `\\n`), the rest is left as it is.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from rich.text import Text

# C0 controls, DEL and C1 controls (0x9b is a one-byte CSI), the line and paragraph
# separators, and the bidirectional overrides and isolates that reorder what is shown.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(value: Any) -> str:
    """`value` as text fit for a terminal: control characters shown as escapes."""
    text = "" if value is None else str(value)
    return _CONTROL.sub(_escape, text)


def plain(value: Any, style: str = "") -> Text:
    """`safe(value)` as a Rich Text, printed as it is (no markup, no highlighting)."""
    return Text(safe(value), style=style)


# Characters JSON leaves as they are but a terminal may act on or reorder: written as
# \uXXXX escapes, which any JSON reader reads back as the same string.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_text(obj: Any, **kwargs: Any) -> str:
    """json.dumps(obj, ensure_ascii=False) with no character a terminal acts on."""
    import json

    text = json.dumps(obj, ensure_ascii=False, **kwargs)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class SafeFormatter(logging.Formatter):
    """Log records of the libraries armsgraph runs (warcio, trafilatura) quote what they
    read (a WARC-Target-URI, a page's markup): one line each, controls escaped."""

    def format(self, record: logging.LogRecord) -> str:
        return safe(super().format(record))


def configure_logging(level: int = logging.WARNING) -> None:
    """Send library warnings to standard error through SafeFormatter (the CLI only: the
    library configures no logging)."""
    handler = logging.StreamHandler()
    handler.setFormatter(SafeFormatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
