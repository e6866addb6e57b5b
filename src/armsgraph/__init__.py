"""armsgraph: a source-cited database of arms-trade events from news reports and official releases."""

from __future__ import annotations

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    if name == "open":
        from armsgraph.api import open

        return open
    if name == "extract":  # the package is callable: armsgraph.extract("text") → Extraction
        import importlib

        return importlib.import_module("armsgraph.extract")
    raise AttributeError(f"module 'armsgraph' has no attribute {name!r}")
