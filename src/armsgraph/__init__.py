"""armsgraph: a source-cited database of arms-trade events from news reports and official releases."""

from __future__ import annotations

__version__ = "0.1.0"
