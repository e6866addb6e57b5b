"""Exceptions the library raises; each says what failed, where, and how to fix it."""

from __future__ import annotations


class ArmsgraphError(Exception):
    """Base class. `where` names the file (and line), URL or record; `hint` says what to do."""

    def __init__(self, message: str, where: str | None = None, hint: str | None = None):
        self.message = message
        self.where = where
        self.hint = hint
        super().__init__(self.one_line())

    def one_line(self) -> str:
        parts = []
        if self.where:
            parts.append(f"{self.where}: ")
        parts.append(self.message)
        if self.hint:
            parts.append(f" ({self.hint})")
        return "".join(parts)


class InputError(ArmsgraphError):
    """An input (file, line, record, URL) could not be read as a document; the run goes on."""


class GazetteerError(ArmsgraphError):
    """A gazetteer file or row is malformed."""


class PatternError(ArmsgraphError):
    """A pattern file is malformed."""


class StoreError(ArmsgraphError):
    """The database could not be opened or written."""
